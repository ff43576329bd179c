//! Requests: sending them from the booking, home-visit and feedback forms,
//! their numbers and idempotency, the patient's view and cancelling, the
//! staff queues per department, status changes with comments and mail,
//! the audit of staff views, live news, and reception's patient search.

use crate::helpers::{changed, error_json, json, new_client, problem_of, spawn_demo_app, TestApp};
use app::db::{audit, with_db};
use reqwest::StatusCode;
use serde_json::Value;
use server::demo;
use std::collections::{HashMap, HashSet};

/// The demo data's own requests take the first numbers of the year.
const DEMO_REQUESTS: i64 = 7;

/// A field of a form and what to put in it.
type Change<'a> = Vec<(&'a str, &'a str)>;

fn key(n: u32) -> String {
    format!("test-form-key-{n:08}")
}

pub(crate) fn booking<'a>(key: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let form = vec![
        ("idempotency_key", key),
        ("reason", "Болит колено после пробежки"),
        ("desired_date", "2026-12-01"),
        ("specialist", "Ортопед"),
        ("clinic", "spir"),
        ("time_of_day", "morning"),
        ("comment", ""),
    ];
    changed(form, changes)
}

fn home_visit(key: &str) -> Vec<(&str, &str)> {
    vec![
        ("idempotency_key", key),
        ("phone", "8 (916) 123-45-67"),
        ("street", "ул. Щепкина"),
        ("house", "35"),
        ("apartment", "12"),
        ("reason", "Температура 39"),
    ]
}

/// Sends a booking as the signed-in demo patient: its number.
pub(crate) async fn send_booking(app: &TestApp, key: &str) -> String {
    let response = app.post_form("/api/booking/send", &booking(key, &[])).await;
    json(response).await.as_str().unwrap().to_owned()
}

async fn my_request(app: &TestApp, client: &reqwest::Client, number: &str) -> reqwest::Response {
    app.post_form_as(client, "/api/requests/one", &[("number", number)])
        .await
}

async fn request_count(app: &TestApp) -> i64 {
    with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM patient_requests")
            .fetch_one(pool)
            .await
            .unwrap()
    })
}

#[tokio::test]
async fn a_booking_is_numbered_recorded_with_its_history_and_audit_and_listed_first() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, &key(1)).await;
    assert_eq!(number, format!("З-2026-{:06}", DEMO_REQUESTS + 1));

    let list = json(
        app.post_form("/api/requests/list", &[("kind", ""), ("status", "")])
            .await,
    )
    .await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len() as i64, DEMO_REQUESTS + 1);
    assert_eq!(list[0]["number"], number.as_str(), "newest first");
    assert_eq!(list[0]["status"], "sent");
    assert_eq!(list[0]["kind"], "booking");
    assert_eq!(list[0]["summary"], "Болит колено после пробежки");
    assert_eq!(list[0]["sent"], "26.11.2026 12:00", "in the clinic's time");

    let detail = json(my_request(&app, &app.client, &number).await).await;
    assert_eq!(detail["department"], "Контакт-центр");
    assert_eq!(
        detail["content"]["clinic"]["name"],
        "Клиника на Спиридоньевском"
    );
    assert_eq!(detail["content"]["desired_date"], "2026-12-01");
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["status"], "sent");
    assert_eq!(detail["patient_may_cancel"], true);

    let rows = audit::all(&app.db).await.unwrap();
    let sent = rows
        .iter()
        .find(|r| r.action == "request_sent" && r.detail == number)
        .unwrap();
    assert_eq!(sent.detail, number);
    assert!(sent.actor_patient_id.is_some() && sent.patient_id == sent.actor_patient_id);

    // Filters: by kind and by status.
    let bookings = json(
        app.post_form("/api/requests/list", &[("kind", "booking"), ("status", "")])
            .await,
    )
    .await;
    assert!(bookings
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["kind"] == "booking"));
    let done = json(
        app.post_form("/api/requests/list", &[("kind", ""), ("status", "done")])
            .await,
    )
    .await;
    assert_eq!(
        done.as_array().unwrap().len(),
        2,
        "the demo's answered feedback and finished discharge summary"
    );
    let wrong = app
        .post_form("/api/requests/list", &[("kind", "x"), ("status", "")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_same_form_sent_twice_or_alongside_itself_is_one_request() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let first = send_booking(&app, &key(7)).await;
    let again = send_booking(&app, &key(7)).await;
    assert_eq!(first, again, "a double click");
    assert_eq!(request_count(&app).await, DEMO_REQUESTS + 1);

    // The same key with other content: a page restored from the history and
    // sent again; it must not vanish into the first request.
    let changed = app
        .post_form(
            "/api/booking/send",
            &booking(&key(7), &[("reason", "Другой повод")]),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(changed).await;
    assert_eq!(problem_of(&error, "form").as_deref(), Some("form_expired"));

    // A retried network call racing the first one.
    let sends = (0..8).map(|_| send_booking(&app, "racing-form-key-0001"));
    let numbers: HashSet<String> = futures_util::future::join_all(sends)
        .await
        .into_iter()
        .collect();
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    assert_eq!(request_count(&app).await, DEMO_REQUESTS + 2);
}

#[tokio::test]
async fn fifty_parallel_submissions_get_fifty_different_numbers() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let keys: Vec<String> = (100..150).map(key).collect();
    let numbers: Vec<String> =
        futures_util::future::join_all(keys.iter().map(|k| send_booking(&app, k))).await;
    let distinct: HashSet<&String> = numbers.iter().collect();
    assert_eq!(distinct.len(), 50, "no number given twice");
    let mut sequence: Vec<i64> = numbers
        .iter()
        .map(|n| n.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    sequence.sort_unstable();
    let expected: Vec<i64> = (DEMO_REQUESTS + 1..=DEMO_REQUESTS + 50).collect();
    assert_eq!(sequence, expected, "no gaps, none reused");
}

#[tokio::test]
async fn every_booking_rule_is_named_at_its_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let audit_before = app.audit_actions().await.len();
    let long = "я".repeat(2001);
    // (what to change, the field named, the problem)
    let cases: [(Change, &str, &str); 9] = [
        (vec![("reason", "  ")], "reason", "required"),
        (vec![("reason", long.as_str())], "reason", "too_long"),
        (vec![("desired_date", "")], "desired_date", "required"),
        (
            vec![("desired_date", "2026-11-25")],
            "desired_date",
            "date_in_past",
        ),
        (
            vec![("desired_date", "2027-11-27")],
            "desired_date",
            "date_too_far",
        ),
        (
            vec![("desired_date", "31.02.2027")],
            "desired_date",
            "date_invalid",
        ),
        (vec![("clinic", "nowhere")], "clinic", "choice_invalid"),
        (
            vec![("time_of_day", "night")],
            "time_of_day",
            "choice_invalid",
        ),
        (vec![("idempotency_key", "")], "form", "form_expired"),
    ];
    for (changes, field, problem) in cases {
        let response = app
            .post_form("/api/booking/send", &booking(&key(9), &changes))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}"
        );
        let error = error_json(response).await;
        assert_eq!(
            problem_of(&error, field).as_deref(),
            Some(problem),
            "{error}"
        );
    }
    // Several mistakes at once are all named.
    let response = app
        .post_form(
            "/api/booking/send",
            &booking(&key(9), &[("reason", ""), ("desired_date", "")]),
        )
        .await;
    let error = error_json(response).await;
    assert!(problem_of(&error, "reason").is_some() && problem_of(&error, "desired_date").is_some());
    // Today is allowed (in the clinic's calendar).
    let today = app
        .post_form(
            "/api/booking/send",
            &booking(&key(10), &[("desired_date", "26.11.2026")]),
        )
        .await;
    assert_eq!(today.status(), StatusCode::OK);
    assert_eq!(request_count(&app).await, DEMO_REQUESTS + 1);
    assert_eq!(app.audit_actions().await.len(), audit_before + 1);
}

#[tokio::test]
async fn a_home_visit_goes_to_home_care_with_its_phone_normalised_and_its_rules() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = json(
        app.post_form("/api/home-visit/send", &home_visit(&key(1)))
            .await,
    )
    .await;
    let detail = json(my_request(&app, &app.client, number.as_str().unwrap()).await).await;
    assert_eq!(detail["kind"], "home_visit");
    assert_eq!(detail["department"], "ОНиЭП");
    assert_eq!(detail["content"]["phone"], "+79161234567");

    let response = app
        .post_form(
            "/api/home-visit/send",
            &[
                ("idempotency_key", key(2).as_str()),
                ("phone", "123"),
                ("street", ""),
                ("house", ""),
                ("apartment", ""),
                ("reason", ""),
                ("floor", "123456789012345678901"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(response).await;
    assert_eq!(
        problem_of(&error, "phone").as_deref(),
        Some("phone_invalid")
    );
    for field in ["street", "house", "apartment", "reason"] {
        assert_eq!(
            problem_of(&error, field).as_deref(),
            Some("required"),
            "{field}"
        );
    }
    assert_eq!(problem_of(&error, "floor").as_deref(), Some("too_long"));
}

#[tokio::test]
async fn feedback_goes_to_the_portal_team_and_needs_a_type_and_a_message() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = json(
        app.post_form(
            "/api/feedback/send",
            &[
                ("idempotency_key", key(1).as_str()),
                ("feedback_type", "error"),
                ("message", "Кнопка «Выйти» не видна на телефоне"),
            ],
        )
        .await,
    )
    .await;
    let detail = json(my_request(&app, &app.client, number.as_str().unwrap()).await).await;
    assert_eq!(detail["department"], "Команда Личного кабинета");
    assert_eq!(detail["content"]["feedback_type"], "error");

    let error = error_json(
        app.post_form(
            "/api/feedback/send",
            &[
                ("idempotency_key", key(2).as_str()),
                ("feedback_type", "praise"),
                ("message", " "),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(
        problem_of(&error, "feedback_type").as_deref(),
        Some("choice_invalid")
    );
    assert_eq!(problem_of(&error, "message").as_deref(), Some("required"));
}

#[tokio::test]
async fn a_patient_never_sees_or_changes_another_patients_request() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, &key(1)).await;
    let other = app.second_patient().await;

    let theirs = my_request(&app, &other, &number).await;
    let made_up = my_request(&app, &other, "З-2026-999999").await;
    let malformed = my_request(&app, &other, "1 OR 1=1").await;
    for response in [theirs, made_up, malformed] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(error_json(response).await, serde_json::json!("NotFound"));
    }
    let cancel = app
        .post_form_as(&other, "/api/requests/cancel", &[("number", &number)])
        .await;
    assert_eq!(cancel.status(), StatusCode::NOT_FOUND);
    let list = json(
        app.post_form_as(
            &other,
            "/api/requests/list",
            &[("kind", ""), ("status", "")],
        )
        .await,
    )
    .await;
    assert!(list.as_array().unwrap().is_empty());
    // And it is still as it was.
    let detail = json(my_request(&app, &app.client, &number).await).await;
    assert_eq!(detail["status"], "sent");
    // Not signed in: nothing at all.
    let anonymous = my_request(&app, &new_client(), &number).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_patient_cancels_before_work_begins_but_not_after() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let first = send_booking(&app, &key(1)).await;
    let response = app
        .post_form("/api/requests/cancel", &[("number", &first)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let detail = json(my_request(&app, &app.client, &first).await).await;
    assert_eq!(detail["status"], "cancelled");
    assert_eq!(detail["history"][1]["status"], "cancelled");
    assert_eq!(detail["history"][1]["staff_name"], Value::Null);
    assert_eq!(detail["patient_may_cancel"], false);

    let second = send_booking(&app, &key(2)).await;
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let response = app
        .post_form_as(
            &operator,
            "/api/admin/requests/status",
            &[
                ("number", &second),
                ("status", "in_progress"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );
    let response = app
        .post_form("/api/requests/cancel", &[("number", &second)])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(response).await;
    assert_eq!(
        problem_of(&error, "form").as_deref(),
        Some("not_cancellable")
    );
    let actions = app.audit_actions().await;
    assert!(actions.contains(&"request_cancelled".to_owned()));
}

/// The queue of a staff member's client, as JSON.
async fn queue(app: &TestApp, client: &reqwest::Client, filter: &[(&str, &str)]) -> Value {
    json(
        app.post_form_as(client, "/api/admin/requests/list", filter)
            .await,
    )
    .await
}

/// Each kind's department, and the departments, as an admin sees them.
async fn routing(app: &TestApp, admin: &reqwest::Client) -> Value {
    json(
        app.post_form_as(admin, "/api/admin/routing/list", &[])
            .await,
    )
    .await
}

fn numbers_of(page: &Value) -> Vec<String> {
    page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_operator_sees_only_their_departments_queue_and_an_admin_sees_all() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let booking = send_booking(&app, &key(1)).await;
    let visit = json(
        app.post_form("/api/home-visit/send", &home_visit(&key(2)))
            .await,
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();

    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let page = queue(&app, &operator, &[]).await;
    let kinds: HashSet<&str> = page["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        HashSet::from(["booking"]),
        "the contact centre's only"
    );
    assert!(numbers_of(&page).contains(&booking));
    assert!(!numbers_of(&page).contains(&visit));

    // Another department's request is "not found", like a made-up one.
    for number in [visit.as_str(), "З-2026-999999"] {
        let open = app
            .post_form_as(&operator, "/api/admin/requests/one", &[("number", number)])
            .await;
        assert_eq!(open.status(), StatusCode::NOT_FOUND, "{number}");
        let change = app
            .post_form_as(
                &operator,
                "/api/admin/requests/status",
                &[("number", number), ("status", "accepted")],
            )
            .await;
        assert_eq!(change.status(), StatusCode::NOT_FOUND, "{number}");
        let take = app
            .post_form_as(&operator, "/api/admin/requests/take", &[("number", number)])
            .await;
        assert_eq!(take.status(), StatusCode::NOT_FOUND, "{number}");
    }

    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let all = queue(&app, &admin, &[]).await;
    assert_eq!(all["total"].as_i64().unwrap(), DEMO_REQUESTS + 2);
    assert!(numbers_of(&all).contains(&visit));

    // Reception has no queue; a patient even less.
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let refused = app
        .post_form_as(&reception, "/api/admin/requests/list", &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let patient = app.post_form("/api/admin/requests/list", &[]).await;
    assert_eq!(patient.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn staff_move_a_request_on_with_a_comment_the_patient_sees_and_is_mailed() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, &key(1)).await;
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let mail_before = app.outbox().await.len();

    let opened = json(
        app.post_form_as(&operator, "/api/admin/requests/one", &[("number", &number)])
            .await,
    )
    .await;
    assert_eq!(opened["patient_name"], "Смирнова Анна Сергеевна");
    assert_eq!(opened["agreement_email"], "anna.smirnova@example.ru");
    assert_eq!(
        opened["next_statuses"],
        serde_json::json!(["accepted", "in_progress", "done", "rejected"])
    );

    let take = app
        .post_form_as(
            &operator,
            "/api/admin/requests/take",
            &[("number", &number)],
        )
        .await;
    assert_eq!(take.status(), StatusCode::OK);
    let change = app
        .post_form_as(
            &operator,
            "/api/admin/requests/status",
            &[
                ("number", &number),
                ("status", "accepted"),
                ("comment", "Ждём вас 01.12 в 10:30, кабинет 204."),
            ],
        )
        .await;
    assert_eq!(
        change.status(),
        StatusCode::OK,
        "{}",
        change.text().await.unwrap()
    );

    let detail = json(my_request(&app, &app.client, &number).await).await;
    assert_eq!(detail["status"], "accepted");
    assert_eq!(detail["assigned_to"], "Оператор контакт-центра");
    let last = &detail["history"][1];
    assert_eq!(last["status"], "accepted");
    assert_eq!(last["comment"], "Ждём вас 01.12 в 10:30, кабинет 204.");
    assert_eq!(last["staff_name"], "Оператор контакт-центра");

    let mail = app.outbox().await;
    assert_eq!(mail.len(), mail_before + 1);
    let status_mail = mail.last().unwrap();
    assert_eq!(status_mail.kind, "request_status");
    assert_eq!(
        status_mail.recipient, "anna.smirnova@example.ru",
        "the agreement's e-mail"
    );
    assert_eq!(status_mail.subject, format!("Заявка {number}: Принята"));

    // A colleague cannot silently take it over.
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let taken = app
        .post_form_as(&admin, "/api/admin/requests/take", &[("number", &number)])
        .await;
    assert_eq!(taken.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(taken).await;
    assert_eq!(problem_of(&error, "form").as_deref(), Some("cannot_take"));

    // A rejection says why; a status cannot go back; no such status.
    let cases = [
        ("rejected", "", "comment", "reason_for_rejection_required"),
        ("sent", "", "status", "status_change_not_allowed"),
        ("cancelled", "", "status", "status_change_not_allowed"),
        ("accepted", "", "status", "status_change_not_allowed"),
        ("lost", "", "status", "choice_invalid"),
        ("", "", "status", "required"),
    ];
    for (status, comment, field, problem) in cases {
        let response = app
            .post_form_as(
                &operator,
                "/api/admin/requests/status",
                &[
                    ("number", &number),
                    ("status", status),
                    ("comment", comment),
                ],
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{status}"
        );
        let error = error_json(response).await;
        assert_eq!(
            problem_of(&error, field).as_deref(),
            Some(problem),
            "{status}"
        );
    }
    assert_eq!(
        app.outbox().await.len(),
        mail_before + 1,
        "no mail for refused changes"
    );

    let rows = audit::all(&app.db).await.unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    for action in [
        "request_viewed",
        "request_assigned",
        "request_status_changed",
    ] {
        assert!(actions.contains(&action), "{action}");
    }
    let viewed = rows.iter().find(|r| r.action == "request_viewed").unwrap();
    assert!(viewed.actor_staff_id.is_some());
    assert_eq!(viewed.detail, number);
    assert!(
        viewed.patient_id.is_some(),
        "the patient whose request was opened"
    );
}

#[tokio::test]
async fn a_patient_who_opted_out_gets_no_status_mail() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let response = app.post_form("/api/settings/notices", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = json(app.post_form("/api/settings/account", &[]).await).await;
    assert_eq!(details["status_mail"], false);
    let number = send_booking(&app, &key(1)).await;
    let mail_before = app.outbox().await.len();
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let change = app
        .post_form_as(
            &operator,
            "/api/admin/requests/status",
            &[("number", &number), ("status", "done"), ("comment", "")],
        )
        .await;
    assert_eq!(change.status(), StatusCode::OK);
    assert_eq!(app.outbox().await.len(), mail_before);

    // Ticking the box again turns the mail back on.
    let response = app
        .post_form("/api/settings/notices", &[("status_mail", "on")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let details = json(app.post_form("/api/settings/account", &[]).await).await;
    assert_eq!(details["status_mail"], true);
}

#[tokio::test]
async fn the_queue_reads_a_request_as_the_engine_does_and_never_guesses_what_does_not_parse() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    // The kind comes from its column, for patient and staff alike: made
    // unreadable there, both lists fail the same way (the content's JSON
    // still says "booking", which the queue used to show).
    app.execute_sql(
        "UPDATE patient_requests SET kind = 'no_such_kind' WHERE number = 'З-2026-000001'",
    )
    .await;
    let mine = app
        .post_form("/api/requests/list", &[("kind", ""), ("status", "")])
        .await;
    assert_eq!(mine.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let queue = app
        .post_form_as(&admin, "/api/admin/requests/list", &[])
        .await;
    assert_eq!(queue.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn a_route_for_a_kind_this_release_does_not_know_is_an_error_not_a_hidden_row() {
    let app = spawn_demo_app().await;
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let listed = app
        .post_form_as(&admin, "/api/admin/routing/list", &[])
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    app.execute_sql(
        "INSERT INTO request_routing (kind, department_id) \
         SELECT 'no_such_kind', id FROM departments WHERE code = 'contact_centre'",
    )
    .await;
    let listed = app
        .post_form_as(&admin, "/api/admin/routing/list", &[])
        .await;
    assert_eq!(listed.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[tokio::test]
async fn the_queue_filters_by_kind_status_date_and_patient_and_pages() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    for n in 0..25 {
        send_booking(&app, &key(n)).await;
    }
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let first = queue(&app, &admin, &[("kind", "booking"), ("status", "sent")]).await;
    // 25 new and the demo's one unanswered booking.
    assert_eq!(first["total"], 26);
    assert_eq!(first["pages"], 2);
    assert_eq!(first["lines"].as_array().unwrap().len(), 20);
    let second = queue(
        &app,
        &admin,
        &[("kind", "booking"), ("status", "sent"), ("page", "2")],
    )
    .await;
    assert_eq!(second["lines"].as_array().unwrap().len(), 6);
    // Oldest first by default: the demo's day-old booking leads.
    assert_eq!(first["lines"][0]["number"], "З-2026-000001");
    let newest = queue(&app, &admin, &[("kind", "booking"), ("order", "newest")]).await;
    assert_eq!(
        newest["lines"][0]["number"],
        format!("З-2026-{:06}", DEMO_REQUESTS + 25)
    );

    // By the patient's name, in any case, or the MIS id.
    let by_name = queue(&app, &admin, &[("patient", "СМИРНОВА анна")]).await;
    assert_eq!(by_name["total"], DEMO_REQUESTS + 25);
    let by_mis = queue(&app, &admin, &[("patient", "mis-100001")]).await;
    assert_eq!(by_mis["total"], DEMO_REQUESTS + 25);
    let nobody = queue(&app, &admin, &[("patient", "Петров")]).await;
    assert_eq!(nobody["total"], 0);
    let wildcard = queue(&app, &admin, &[("patient", "%")]).await;
    assert_eq!(wildcard["total"], 0, "a % is a character, not a wildcard");

    // By the day sent, in the clinic's calendar.
    let today = queue(
        &app,
        &admin,
        &[("from", "2026-11-26"), ("until", "2026-11-26")],
    )
    .await;
    assert_eq!(today["total"], 25 + 1, "today's and the demo's home visit");
    let before = queue(&app, &admin, &[("until", "2026-11-25")]).await;
    assert_eq!(
        before["total"],
        DEMO_REQUESTS - 1,
        "all the demo's but the home visit"
    );

    for filter in [
        ("from", "someday"),
        ("until", "+262142-12-31"),
        ("page", "0"),
        ("page", "9223372036854775807"),
    ] {
        let wrong = app
            .post_form_as(&admin, "/api/admin/requests/list", &[filter])
            .await;
        assert_eq!(
            wrong.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{filter:?}"
        );
    }
}

#[tokio::test]
async fn reception_finds_patients_by_name_birth_date_mis_id_and_login() {
    let app = spawn_demo_app().await;
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let find = |filter: Vec<(&'static str, &'static str)>| {
        let (app, reception) = (&app, &reception);
        async move {
            json(
                app.post_form_as(reception, "/api/admin/patients/list", &filter)
                    .await,
            )
            .await
        }
    };
    let all = find(vec![]).await;
    assert_eq!(all["total"], 2);
    let anna = find(vec![("name", "смирнова")]).await;
    assert_eq!(anna["total"], 1);
    assert_eq!(anna["lines"][0]["login"], "demo");
    assert_eq!(anna["lines"][0]["cabinet"], "Active");
    assert_eq!(anna["lines"][0]["birth_date"], "12.03.1984");
    let igor = find(vec![("mis_patient_id", "MIS-100002")]).await;
    assert_eq!(igor["lines"][0]["cabinet"], "AwaitingActivation");
    assert_eq!(find(vec![("birth_date", "1971-09-02")]).await["total"], 1);
    assert_eq!(find(vec![("login", "DEMO")]).await["total"], 1);
    assert_eq!(
        find(vec![("name", "смирнова"), ("birth_date", "1971-09-02")]).await["total"],
        0,
        "every part must match"
    );
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let refused = app
        .post_form_as(&operator, "/api/admin/patients/list", &[])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

/// Reads an event stream until `needle` shows up (or the time is up).
async fn stream_until(response: reqwest::Response, needle: &str) -> String {
    let mut response = response;
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    while !seen.contains(needle) {
        let chunk = tokio::time::timeout_at(deadline, response.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {needle} in the stream: {seen}"))
            .unwrap()
            .unwrap_or_else(|| panic!("the stream ended: {seen}"));
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    seen
}

async fn open_stream(client: &reqwest::Client, address: &str) -> reqwest::Response {
    let response = client
        .get(format!("{address}/events/requests"))
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    response
}

#[tokio::test]
async fn a_status_change_reaches_the_patients_open_page_at_once_and_nobody_elses() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, &key(1)).await;
    let other = app.second_patient().await;
    let mine = open_stream(&app.client, &app.address).await;
    let theirs = open_stream(&other, &app.address).await;

    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let change = app
        .post_form_as(
            &operator,
            "/api/admin/requests/status",
            &[("number", &number), ("status", "accepted"), ("comment", "")],
        )
        .await;
    assert_eq!(change.status(), StatusCode::OK);
    let seen = stream_until(mine, "accepted").await;
    assert!(seen.contains(&format!(r#""number":"{number}""#)), "{seen}");

    // The other patient's stream carries nothing of it.
    let mut theirs = theirs;
    let nothing = tokio::time::timeout(std::time::Duration::from_millis(300), theirs.chunk()).await;
    assert!(nothing.is_err(), "{nothing:?}");

    let anonymous = new_client()
        .get(format!("{}/events/requests", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_change_made_through_another_instance_reaches_the_page_on_this_one() {
    let app = spawn_demo_app().await;
    if !app.database.is_postgres() {
        // One SQLite file serves one process: nothing to fan out.
        return;
    }
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, &key(1)).await;
    let stream = open_stream(&app.client, &app.address).await;

    let other = app.another_instance().await;
    let operator = new_client();
    let response = operator
        .post(format!("{}/api/admin/sign_in", other.address))
        .header("origin", &other.address)
        .form(&[
            ("login", demo::OPERATOR_LOGIN),
            ("password", demo::OPERATOR_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let change = operator
        .post(format!("{}/api/admin/requests/status", other.address))
        .header("origin", &other.address)
        .form(&[
            ("number", number.as_str()),
            ("status", "in_progress"),
            ("comment", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::OK);
    let seen = stream_until(stream, "in_progress").await;
    assert!(seen.contains(&number), "{seen}");
}

#[tokio::test]
async fn a_booking_posted_without_wasm_comes_back_with_the_message_and_what_was_typed() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let typed = booking(
        "plain-form-key-000001",
        &[
            ("reason", "Записаться к неврологу, болит спина"),
            ("desired_date", "2020-01-01"),
        ],
    );
    let response = app
        .post_plain_form("/api/booking/send", "/booking", &typed)
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("/booking?") && location.contains("__err="),
        "{location}"
    );
    let (status, html) = app.get_html(&location[app.address.len()..]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Эта дата уже прошла"),
        "the message is on the page"
    );
    assert!(
        html.contains("Записаться к неврологу, болит спина"),
        "the reason is kept"
    );
    assert!(html.contains("value=\"2020-01-01\""), "the date is kept");
    assert_eq!(request_count(&app).await, DEMO_REQUESTS);
    let drafts: i64 = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM form_drafts")
            .fetch_one(pool)
            .await
            .unwrap()
    });
    assert_eq!(drafts, 0, "what was typed is handed back once, not kept");

    // Fixed and sent again: the browser lands on the new request's page.
    let fixed = booking(
        "plain-form-key-000001",
        &[("reason", "Записаться к неврологу, болит спина")],
    );
    let response = app
        .post_plain_form("/api/booking/send", "/booking", &fixed)
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("/requests/%D0%97%2D2026%2D{:06}?sent=1", DEMO_REQUESTS + 1)
    );
    let (status, html) = app.get_html(&location).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("З-2026-{:06}", DEMO_REQUESTS + 1)),
        "the request's page shows its number"
    );
    assert!(html.contains("Заявка отправлена"));
}

#[tokio::test]
async fn the_request_pages_need_a_signed_in_patient_and_render_for_one() {
    let app = spawn_demo_app().await;
    for path in [
        "/booking",
        "/home-visit",
        "/feedback",
        "/requests",
        "/requests/З-2026-000001",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
    }
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/requests").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("З-2026-000006") && html.contains("З-2026-000001"));
    assert!(
        html.contains("01.01.2025 – 31.12.2025"),
        "a document request by its period"
    );
    let (status, html) = app.get_html("/booking?tab=list").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("УЗИ брюшной полости"));
    // Documents and radiology reports have no form yet, but render.
    let (status, html) = app.get_html("/requests/З-2026-000003").await;
    assert_eq!(status, StatusCode::OK);
    for fact in [
        "Запрос документов",
        "Справка для оформления налогового вычета",
        "За период",
        "01.01.2025 – 31.12.2025",
        "На e-mail из дополнительного соглашения",
        "Оплачивал лечение супруги",
    ] {
        assert!(html.contains(fact), "{fact}");
    }
    let (status, html) = app.get_html("/requests/З-2026-000004").await;
    assert_eq!(status, StatusCode::OK);
    for fact in [
        "Заключение лучевой диагностики",
        "МРТ, коленный сустав",
        "Дата исследования",
    ] {
        assert!(html.contains(fact), "{fact}");
    }
}

#[tokio::test]
async fn the_demo_has_requests_in_every_departments_queue() {
    let app = spawn_demo_app().await;
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let routing = routing(&app, &admin).await;
    let names: HashMap<&str, &str> = routing["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d[0].as_str().unwrap(), d[1].as_str().unwrap()))
        .collect();
    let routed: HashSet<&str> = routing["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|route| names[route[1].as_str().unwrap()])
        .collect();
    assert_eq!(routed.len(), 5, "{routed:?}");
    let all = queue(&app, &admin, &[]).await;
    assert_eq!(all["total"], DEMO_REQUESTS);
    let queued: HashSet<&str> = all["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| line["department"].as_str().unwrap())
        .collect();
    assert_eq!(queued, routed);
}

#[tokio::test]
async fn an_admin_sends_a_kind_to_another_department_from_then_on() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let before = send_booking(&app, &key(1)).await;
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let routing = routing(&app, &admin).await;
    assert!(routing["kinds"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!(["booking", "contact_centre"])));

    let wrong = app
        .post_form_as(
            &admin,
            "/api/admin/routing/set",
            &[("kind", "booking"), ("department", "nowhere")],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let moved = app
        .post_form_as(
            &admin,
            "/api/admin/routing/set",
            &[("kind", "booking"), ("department", "home_care")],
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let after = send_booking(&app, &key(2)).await;

    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let page = queue(&app, &operator, &[("kind", "booking")]).await;
    assert!(numbers_of(&page).contains(&before), "sent before: stays");
    assert!(
        !numbers_of(&page).contains(&after),
        "sent after: home care's"
    );
    let detail = json(my_request(&app, &app.client, &after).await).await;
    assert_eq!(detail["department"], "ОНиЭП");

    let refused = app
        .post_form_as(
            &operator,
            "/api/admin/routing/set",
            &[("kind", "booking"), ("department", "contact_centre")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert!(app
        .audit_actions()
        .await
        .contains(&"request_route_changed".to_owned()));
}

#[tokio::test]
async fn one_patient_cannot_flood_a_queue_and_may_send_again_an_hour_later() {
    let app = crate::helpers::spawn_app_with(|config| {
        config.demo = true;
        config.requests_per_hour = 3;
    })
    .await;
    app.sign_in_demo_patient().await;
    // The demo's requests were all sent more than an hour ago.
    for n in 0..3 {
        send_booking(&app, &key(n)).await;
    }
    app.clock.advance(chrono::Duration::minutes(10));
    let refused = app
        .post_form("/api/booking/send", &booking(&key(3), &[]))
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let error = error_json(refused).await;
    assert_eq!(error["RateLimited"]["retry_after_secs"], 50 * 60);
    // A form sent before still gets its number.
    let again = app
        .post_form("/api/booking/send", &booking(&key(0), &[]))
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(request_count(&app).await, DEMO_REQUESTS + 3);

    app.clock.advance(chrono::Duration::minutes(51));
    app.sign_in_demo_patient().await; // idle for longer than a session lasts
    send_booking(&app, &key(3)).await;
    assert_eq!(request_count(&app).await, DEMO_REQUESTS + 4);
}
