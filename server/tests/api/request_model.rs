//! The request model the coming sections build on, used through the
//! engine as the calendar, results and documents will use it: a request
//! about something (one open per kind and thing, refused by the database
//! itself), and files attached to requests — in the database or in a
//! folder, checked whenever they are read back.

use crate::helpers::{spawn_app_with, spawn_demo_app, TestApp};
use app::auth::{PatientSession, StaffSession};
use app::db::with_db;
use app::domain::{Problem, StaffRole, FORM};
use app::error::AppError;
use app::requests::attachments::{self, AttachmentStore, UploadedFile};
use app::requests::engine;
use app::requests::kinds::cancel_appointment::CancelAppointmentContent;
use app::requests::kinds::change_appointment::ChangeAppointmentContent;
use app::requests::kinds::feedback::{FeedbackContent, FeedbackType};
use app::requests::kinds::{AppointmentSeen, RequestContent};

async fn scalar(app: &TestApp, sql: &'static str, bind: &str) -> i64 {
    with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>(sql).bind(bind).fetch_one(pool).await
    })
    .unwrap()
}

async fn demo_patient(app: &TestApp) -> PatientSession {
    PatientSession {
        session_id: 0,
        patient_id: scalar(
            app,
            "SELECT patient_id FROM patient_accounts WHERE login = $1",
            "demo",
        )
        .await,
        login: "demo".into(),
        address_as: "Анна Сергеевна".into(),
        locale: "ru".into(),
        ends_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
    }
}

async fn operator(app: &TestApp) -> StaffSession {
    StaffSession {
        session_id: 0,
        staff_id: scalar(
            app,
            "SELECT id FROM staff_accounts WHERE login = $1",
            "operator",
        )
        .await,
        login: "operator".into(),
        full_name: "Оператор контакт-центра".into(),
        roles: vec![StaffRole::Operator],
        needs_second_factor: false,
    }
}

fn appointment(id: &str) -> AppointmentSeen {
    AppointmentSeen {
        appointment_id: id.into(),
        starts_at: chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap(),
        with: "Петров Пётр Петрович".into(),
        clinic: None,
    }
}

fn cancel_of(id: &str) -> RequestContent {
    CancelAppointmentContent {
        appointment: appointment(id),
        reason: None,
    }
    .into()
}

fn key(n: u32) -> String {
    format!("model-form-key-{n:08}")
}

async fn count(app: &TestApp, kind: &str) -> i64 {
    scalar(
        app,
        "SELECT COUNT(*) FROM patient_requests WHERE kind = $1",
        kind,
    )
    .await
}

fn is_already_requested(result: &Result<String, AppError>) -> bool {
    matches!(result, Err(error) if error.problem_of(FORM) == Some(Problem::AlreadyRequested))
}

#[tokio::test]
async fn a_second_open_request_of_a_kind_about_the_same_appointment_is_refused_until_the_first_closes(
) {
    let app = spawn_demo_app().await;
    let patient = demo_patient(&app).await;
    let first = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-1"),
        &key(1),
        "calendar",
    )
    .await
    .unwrap();

    let again = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-1"),
        &key(2),
        "calendar",
    )
    .await;
    assert!(is_already_requested(&again), "{again:?}");
    assert_eq!(
        count(&app, "cancel_appointment").await,
        1,
        "nothing written"
    );

    // Another kind about the same appointment, and the same kind about
    // another, are requests of their own.
    let change: RequestContent = ChangeAppointmentContent {
        appointment: appointment("A-1"),
        desired_date: None,
        time_of_day: None,
        comment: Some("Лучше вечером".into()),
    }
    .into();
    engine::submit(&app.context, &patient, &change, &key(3), "calendar")
        .await
        .unwrap();
    engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-2"),
        &key(4),
        "calendar",
    )
    .await
    .unwrap();

    // Once the first is cancelled, the appointment may be asked about again.
    engine::cancel(&app.context, &patient, &first)
        .await
        .unwrap();
    engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-1"),
        &key(5),
        "calendar",
    )
    .await
    .unwrap();
    assert_eq!(count(&app, "cancel_appointment").await, 3);
}

#[tokio::test]
async fn the_database_itself_refuses_a_second_open_request_about_the_same_thing() {
    let app = spawn_demo_app().await;
    let patient = demo_patient(&app).await;
    let number = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-9"),
        &key(1),
        "calendar",
    )
    .await
    .unwrap();
    // Written past the engine, as a careless import would.
    let copied = with_db!(&app.db, pool => {
        sqlx::query(
            "INSERT INTO patient_requests \
             (number, patient_id, kind, about, department_id, content, status, idempotency_key, created_at, updated_at) \
             SELECT 'З-2026-999999', patient_id, kind, about, department_id, content, 'accepted', 'copied-key-0000000', created_at, updated_at \
             FROM patient_requests WHERE number = $1",
        )
        .bind(&number)
        .execute(pool)
        .await
        .map(|_| ())
    });
    let error = copied.unwrap_err();
    assert!(
        app::db::violates(
            &error,
            "patient_requests_one_open_about",
            "patient_requests.kind, patient_requests.about"
        ),
        "{error}"
    );
}

#[tokio::test]
async fn requests_about_one_thing_sent_at_once_make_exactly_one() {
    let app = spawn_demo_app().await;
    let patient = demo_patient(&app).await;
    let tries = (0..8).map(|n| {
        let (context, patient) = (app.context.clone(), patient.clone());
        tokio::spawn(async move {
            engine::submit(&context, &patient, &cancel_of("A-7"), &key(n), "calendar").await
        })
    });
    let mut sent = 0;
    for result in futures_util::future::join_all(tries).await {
        let result = result.unwrap();
        if result.is_ok() {
            sent += 1;
        } else {
            assert!(is_already_requested(&result), "{result:?}");
        }
    }
    assert_eq!(sent, 1);
    assert_eq!(count(&app, "cancel_appointment").await, 1);
}

/// A real PDF: the demo's discharge summary.
const PDF: &[u8] = include_bytes!("../../demo/discharge-summary.pdf");

#[tokio::test]
async fn staff_attach_a_file_that_reads_back_the_same_and_is_audited() {
    let app = spawn_demo_app().await;
    let patient = demo_patient(&app).await;
    let number = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-3"),
        &key(1),
        "calendar",
    )
    .await
    .unwrap();
    let staff = operator(&app).await;
    let attached = attachments::attach(
        &app.context,
        &staff,
        &number,
        UploadedFile {
            name: "C:\\Документы\\Ответ.pdf",
            media_type: "application/pdf",
            bytes: PDF,
        },
    )
    .await
    .unwrap();
    assert_eq!(attached.file_name, "Ответ.pdf");
    assert_eq!(attached.size, PDF.len() as i64);
    assert_eq!(attached.sha256.len(), 64);

    let request_id = scalar(
        &app,
        "SELECT id FROM patient_requests WHERE number = $1",
        &number,
    )
    .await;
    let listed = attachments::list(&app.context, request_id).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&attached));
    let (info, bytes) = attachments::fetch(&app.context, request_id, attached.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((info, bytes.as_slice()), (attached.clone(), PDF));
    assert!(app
        .audit_actions()
        .await
        .contains(&"attachment_added".to_owned()));

    // Another request's id does not open it.
    let other = scalar(
        &app,
        "SELECT MIN(id) FROM patient_requests WHERE number <> $1",
        &number,
    )
    .await;
    assert_eq!(
        attachments::fetch(&app.context, other, attached.id)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_file_that_is_not_what_it_says_or_a_request_out_of_scope_attaches_nothing() {
    let app = spawn_demo_app().await;
    let patient = demo_patient(&app).await;
    let number = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-4"),
        &key(1),
        "calendar",
    )
    .await
    .unwrap();
    let staff = operator(&app).await;
    let html = attachments::attach(
        &app.context,
        &staff,
        &number,
        UploadedFile {
            name: "answer.pdf",
            media_type: "application/pdf",
            bytes: b"<html><script>alert(1)</script>",
        },
    )
    .await
    .unwrap_err();
    assert_eq!(html.problem_of("file"), Some(Problem::FileTypeNotAllowed));

    // Feedback goes to the portal team, not the operator's contact centre.
    let feedback: RequestContent = FeedbackContent {
        feedback_type: FeedbackType::Error,
        message: "Кнопка не нажимается".into(),
    }
    .into();
    let theirs = engine::submit(&app.context, &patient, &feedback, &key(2), "feedback")
        .await
        .unwrap();
    let out_of_scope = attachments::attach(
        &app.context,
        &staff,
        &theirs,
        UploadedFile {
            name: "answer.pdf",
            media_type: "application/pdf",
            bytes: PDF,
        },
    )
    .await
    .unwrap_err();
    assert_eq!(out_of_scope, AppError::NotFound);
    assert_eq!(
        count_attachments(&app).await,
        1,
        "the demo's discharge summary only"
    );
}

async fn count_attachments(app: &TestApp) -> i64 {
    with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM request_attachments").fetch_one(pool).await
    })
    .unwrap()
}

#[tokio::test]
async fn in_a_folder_a_file_gets_a_name_the_server_chose_and_a_changed_file_is_never_handed_out() {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().to_path_buf();
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.attachments = AttachmentStore::Folder(path);
    })
    .await;
    let patient = demo_patient(&app).await;
    let number = engine::submit(
        &app.context,
        &patient,
        &cancel_of("A-5"),
        &key(1),
        "calendar",
    )
    .await
    .unwrap();
    let attached = attachments::attach(
        &app.context,
        &operator(&app).await,
        &number,
        UploadedFile {
            name: "../../etc/passwd.pdf",
            media_type: "application/pdf",
            bytes: PDF,
        },
    )
    .await
    .unwrap();
    let stored_name: String = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT stored_name FROM request_attachments WHERE id = $1")
            .bind(attached.id)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    // The demo's discharge summary is in the folder too.
    let files: Vec<_> = std::fs::read_dir(folder.path())
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.file_name().and_then(|n| n.to_str()) == Some(stored_name.as_str()))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let stored = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(
        stored.len() == 32 && stored.chars().all(|c| c.is_ascii_hexdigit()),
        "{stored}"
    );
    assert_eq!(std::fs::read(&files[0]).unwrap(), PDF);

    let request_id = scalar(
        &app,
        "SELECT id FROM patient_requests WHERE number = $1",
        &number,
    )
    .await;
    let (_, bytes) = attachments::fetch(&app.context, request_id, attached.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(bytes, PDF);

    std::fs::write(&files[0], b"%PDF-1.7 someone else's report").unwrap();
    let changed = attachments::fetch(&app.context, request_id, attached.id).await;
    assert!(
        matches!(changed, Err(AppError::Internal { .. })),
        "{changed:?}"
    );
}

#[tokio::test]
async fn the_demo_sends_its_requests_through_the_engine_numbered_by_the_clinics_calendar() {
    // 00:30 UTC on 1 January is 03:30 in Moscow; the demo's home visit was
    // sent two hours before, on 1 January in the clinic, 31 December in UTC.
    let new_year = chrono::DateTime::parse_from_rfc3339("2027-01-01T00:30:00Z")
        .unwrap()
        .to_utc();
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.clock = app::clock::Clock::manual(new_year);
    })
    .await;
    let number: String = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT number FROM patient_requests WHERE kind = 'home_visit'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(number.starts_with("З-2027-"), "{number}");
    // Sent through the engine: audited, with its history.
    let sent = app
        .audit_actions()
        .await
        .iter()
        .filter(|action| *action == "request_sent")
        .count();
    assert_eq!(sent, 7);
}
