//! The MIS integration API (`/api/v1`): who may call it, pushes that are
//! idempotent and all-or-nothing, strict input with field paths, the
//! cursor over requests, and the MIS moving a request on.

use crate::helpers::{bare_client, spawn_demo_app, TestApp};
use app::auth::PatientSession;
use app::db::audit::Actor;
use app::db::with_db;
use app::requests::engine;
use app::requests::kinds::feedback::{FeedbackContent, FeedbackType};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A token of a new MIS client.
pub(crate) async fn mis_token(app: &TestApp) -> String {
    app::admin::integration_server::make_client(&app.context, Actor::Anonymous, "Тестовая МИС")
        .await
        .unwrap()
        .expose()
        .to_owned()
}

/// A call as the MIS makes it: bearer token, JSON, no cookie.
pub(crate) async fn call(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = bare_client()
        .request(method, format!("{}{}", app.address, path))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status}: not JSON: {text}")),
    )
}

pub(crate) async fn put(
    app: &TestApp,
    token: &str,
    path: &str,
    body: Value,
) -> (StatusCode, Value) {
    call(app, token, reqwest::Method::PUT, path, Some(body)).await
}

pub(crate) async fn count(app: &TestApp, sql: &'static str) -> i64 {
    with_db!(&app.db, pool => {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await
    })
    .unwrap()
}

fn appointment(id: &str, starts_at: &str) -> Value {
    json!({
        "id": id,
        "patient_id": "MIS-100001",
        "doctor_id": "D-1",
        "visit_type": "Повторный приём",
        "clinic_id": "spir",
        "starts_at": starts_at,
        "duration_minutes": 30,
        "status": "booked",
        "memo": {"text": "Натощак."}
    })
}

#[tokio::test]
async fn the_api_answers_only_a_valid_unrevoked_token_and_never_a_cookie() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let url = format!("{}/api/v1/requests", app.address);

    let none = bare_client().get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let error: Value = none.json().await.unwrap();
    assert_eq!(error["error"], "unauthorized");
    let wrong = bare_client()
        .get(&url)
        .bearer_auth("mis_0000")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let good = bare_client()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(good.status(), StatusCode::OK);
    assert!(good.headers().get("access-control-allow-origin").is_none());

    // A signed-in patient's and a staff member's browsers are refused,
    // with or without a token.
    app.sign_in_demo_patient().await;
    let patient = app.client.get(&url).send().await.unwrap();
    assert_eq!(patient.status(), StatusCode::FORBIDDEN);
    let staff = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let staff_call = staff.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(staff_call.status(), StatusCode::FORBIDDEN);
    // A page's fetch names its origin: refused too.
    let from_page = bare_client()
        .get(&url)
        .bearer_auth(&token)
        .header("origin", &app.address)
        .send()
        .await
        .unwrap();
    assert_eq!(from_page.status(), StatusCode::FORBIDDEN);
    let same_site = bare_client()
        .get(&url)
        .bearer_auth(&token)
        .header("sec-fetch-site", "same-origin")
        .send()
        .await
        .unwrap();
    assert_eq!(same_site.status(), StatusCode::FORBIDDEN);

    // Revoked in the admin module: refused from then on.
    let client_id = count(&app, "SELECT MAX(id) FROM mis_clients").await;
    let revoked = app
        .post_form_as(
            &staff,
            "/api/admin/mis-clients/revoke",
            &[("client_id", &client_id.to_string())],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let after = bare_client()
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_makes_a_client_whose_token_is_shown_once_and_whose_last_use_is_listed() {
    let app = spawn_demo_app().await;
    let staff = app
        .staff_client(server::demo::ADMIN_LOGIN, server::demo::ADMIN_PASSWORD)
        .await;
    let made = app
        .post_form_as(
            &staff,
            "/api/admin/mis-clients/create",
            &[("name", "МИС Медиалог")],
        )
        .await;
    assert_eq!(made.status(), StatusCode::OK);
    let made: Value = made.json().await.unwrap();
    let token = made["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("mis_") && token.len() == 68, "{token}");
    let stored = count(
        &app,
        "SELECT COUNT(*) FROM mis_clients WHERE token_hash LIKE 'mis_%'",
    )
    .await;
    assert_eq!(stored, 0, "only the hash is kept");

    let (status, _) = call(&app, &token, reqwest::Method::GET, "/api/v1/requests", None).await;
    assert_eq!(status, StatusCode::OK);
    let page = app.get_as(&staff, "/admin/integration").await;
    let html = crate::helpers::markup_of(page).await;
    assert!(html.contains("МИС Медиалог"), "{html}");
    assert!(!html.contains(&token), "the token is never shown again");

    // Only an administrator may.
    let operator = app
        .staff_client(
            server::demo::OPERATOR_LOGIN,
            server::demo::OPERATOR_PASSWORD,
        )
        .await;
    let refused = app
        .post_form_as(&operator, "/api/admin/mis-clients/create", &[("name", "x")])
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_same_push_again_changes_nothing_and_concurrent_duplicates_make_one_record() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let batch = json!({"appointments": [
        appointment("A-9001", "2026-12-10T10:30:00+03:00"),
        appointment("A-9002", "2026-12-11T11:00:00+03:00"),
    ]});
    let (status, first) = put(&app, &token, "/api/v1/appointments", batch.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first, json!({"received": 2, "changed": 2}));
    let (_, again) = put(&app, &token, "/api/v1/appointments", batch.clone()).await;
    assert_eq!(again, json!({"received": 2, "changed": 0}));

    // Eight identical pushes of a new appointment at once: one record.
    let racing = json!({"appointments": [appointment("A-9003", "2026-12-12T09:00:00+03:00")]});
    let pushes = (0..8).map(|_| put(&app, &token, "/api/v1/appointments", racing.clone()));
    let answers = futures_util::future::join_all(pushes).await;
    assert!(
        answers.iter().all(|(s, _)| *s == StatusCode::OK),
        "{answers:?}"
    );
    let changed: i64 = answers
        .iter()
        .map(|(_, b)| b["changed"].as_i64().unwrap())
        .sum();
    assert_eq!(changed, 1, "{answers:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM appointments WHERE mis_id = 'A-9003'"
        )
        .await,
        1
    );

    // A change is written; the rest stays.
    let mut moved = appointment("A-9001", "2026-12-10T12:00:00+03:00");
    moved["status"] = json!("cancelled");
    let (_, changed) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [moved]}),
    )
    .await;
    assert_eq!(changed["changed"], 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM appointments WHERE mis_id = 'A-9001' AND status = 'cancelled'"
        )
        .await,
        1
    );

    // Withdrawn twice: removed once, no error the second time.
    let withdraw = json!({"appointments": ["A-9002"], "referrals": ["R-nothing"]});
    let (_, removed) = call(
        &app,
        &token,
        reqwest::Method::POST,
        "/api/v1/withdrawals",
        Some(withdraw.clone()),
    )
    .await;
    assert_eq!(removed, json!({"received": 2, "changed": 1}));
    let (status, removed) = call(
        &app,
        &token,
        reqwest::Method::POST,
        "/api/v1/withdrawals",
        Some(withdraw),
    )
    .await;
    assert_eq!(
        (status, removed),
        (StatusCode::OK, json!({"received": 2, "changed": 0}))
    );
}

#[tokio::test]
async fn every_kind_of_record_is_pushed_and_a_batch_with_one_bad_record_writes_nothing() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let (s, b) = put(
        &app,
        &token,
        "/api/v1/clinics",
        json!({"clinics": [
        {"id": "kids2", "name": "Детская клиника №2", "address": "Москва, ул. Новая, 1"}]}),
    )
    .await;
    assert_eq!(
        (s, b),
        (StatusCode::OK, json!({"received": 1, "changed": 1}))
    );
    let (s, b) = put(
        &app,
        &token,
        "/api/v1/doctors",
        json!({"doctors": [
        {"id": "D-77", "full_name": "Орлова Вера Павловна", "specialty": "Педиатр"}]}),
    )
    .await;
    assert_eq!((s, b["changed"].clone()), (StatusCode::OK, json!(1)));
    let (s, b) = put(&app, &token, "/api/v1/patients", json!({"patients": [{
        "id": "MIS-500", "full_name": "Орлов Иван Петрович", "birth_date": "2015-06-01",
        "agreements": [{"number": "ДС-500", "signed_on": "2026-01-10", "sms_phone": "+79160000500"}]}]})).await;
    assert_eq!((s, b["changed"].clone()), (StatusCode::OK, json!(1)), "{b}");
    let (s, b) = put(&app, &token, "/api/v1/referrals", json!({"referrals": [{
        "id": "R-500", "patient_id": "MIS-500", "doctor_id": "D-77", "kind": "lab_test",
        "service": "Общий анализ крови", "issued_on": "2026-11-20", "valid_until": "2026-12-20", "used": false}]})).await;
    assert_eq!((s, b["changed"].clone()), (StatusCode::OK, json!(1)), "{b}");

    // The second record names a patient the cabinet does not know: the
    // first is not written either.
    let before = count(&app, "SELECT COUNT(*) FROM appointments").await;
    let mut stranger = appointment("A-9102", "2026-12-10T10:30:00+03:00");
    stranger["patient_id"] = json!("MIS-nobody");
    let (status, error) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [
        appointment("A-9101", "2026-12-10T10:30:00+03:00"), stranger]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["field"], "appointments[1].patient_id");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM appointments").await,
        before
    );

    // An agreement number that is another patient's is a conflict.
    let (status, error) = put(&app, &token, "/api/v1/patients", json!({"patients": [{
        "id": "MIS-501", "full_name": "Орлова Ирина", "birth_date": "1990-01-01",
        "agreements": [{"number": "ДС-500", "signed_on": "2026-01-10", "sms_phone": "+79160000501"}]}]})).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error["field"], "patients[0].agreements[0].number");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM patients WHERE mis_patient_id = 'MIS-501'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn input_is_read_strictly_and_a_refusal_names_the_path_of_the_field() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let path_of = |value: &Value| value["field"].as_str().unwrap_or("").to_owned();

    let mut unknown = appointment("A-1", "2026-12-10T10:30:00+03:00");
    unknown["colour"] = json!("red");
    let cases = [
        (json!({"appointments": [unknown]}), "appointments[0]"),
        (
            json!({"appointments": [appointment("A-1", "10.12.2026 10:30")]}),
            "appointments[0].starts_at",
        ),
        (
            json!({"appointments": [appointment("A-1", "2026-12-10T10:30:00")]}),
            "appointments[0].starts_at",
        ),
        (json!({"appointments": [{"id": 5}]}), "appointments[0].id"),
        (json!({"appointments": []}), "appointments"),
        (
            json!({"referrals": [{"id": "R-1", "patient_id": "MIS-100001", "doctor_id": "D-1", "kind": "surgery",
            "service": "x", "issued_on": "2026-11-01", "valid_until": "2026-12-01", "used": false}]}),
            "referrals[0].kind",
        ),
        (
            json!({"referrals": [{"id": "R-1", "patient_id": "MIS-100001", "doctor_id": "D-1", "kind": "study",
            "service": "x", "issued_on": "2026-11-01", "valid_until": "2026-10-01", "used": false}]}),
            "referrals[0].valid_until",
        ),
    ];
    for (body, field) in cases {
        let path = if body.get("referrals").is_some() {
            "/api/v1/referrals"
        } else {
            "/api/v1/appointments"
        };
        let (status, error) = put(&app, &token, path, body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} → {error}");
        assert_eq!(error["error"], "invalid");
        assert!(
            path_of(&error).starts_with(field),
            "{body} → {error}, expected {field}"
        );
    }
    let mut both = appointment("A-1", "2026-12-10T10:30:00+03:00");
    both["study_type"] = json!("УЗИ");
    let (status, error) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [both]}),
    )
    .await;
    assert_eq!(
        (status, path_of(&error).as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "appointments[0].doctor_id"
        )
    );

    // Not JSON, and a body over the limit, declared or not.
    let text = bare_client()
        .put(format!("{}/api/v1/appointments", app.address))
        .bearer_auth(&token)
        .body("appointments=1")
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = vec![b' '; 17 * 1024 * 1024];
    let big = bare_client()
        .put(format!("{}/api/v1/appointments", app.address))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM appointments WHERE mis_id = 'A-1'"
        )
        .await,
        0
    );
}

fn feedback(n: usize) -> app::requests::kinds::RequestContent {
    FeedbackContent {
        feedback_type: FeedbackType::Suggestion,
        message: format!("Предложение {n}"),
    }
    .into()
}

async fn demo_patient(app: &TestApp) -> PatientSession {
    let patient_id = count(
        app,
        "SELECT patient_id FROM patient_accounts WHERE login = 'demo'",
    )
    .await;
    PatientSession {
        session_id: 0,
        patient_id,
        login: "demo".into(),
        address_as: "Анна Сергеевна".into(),
        locale: "ru".into(),
        ends_at: chrono::DateTime::<chrono::Utc>::MAX_UTC,
    }
}

#[tokio::test]
async fn a_consumer_reading_on_with_the_cursor_never_misses_nor_repeats_a_request_under_concurrent_writes(
) {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let patient = demo_patient(&app).await;
    // What the demo already holds, read first.
    let mut after = 0;
    let mut seen = Vec::new();
    loop {
        let (_, page) = call(
            &app,
            &token,
            reqwest::Method::GET,
            &format!("/api/v1/requests?after={after}&limit=2"),
            None,
        )
        .await;
        let requests = page["requests"].as_array().unwrap().clone();
        if requests.is_empty() {
            break;
        }
        seen.extend(
            requests
                .iter()
                .map(|r| r["number"].as_str().unwrap().to_owned()),
        );
        after = page["next_after"].as_i64().unwrap();
    }
    let demo = seen.len();
    assert!(demo >= 6, "{seen:?}");

    // Forty requests sent by eight writers while the consumer reads on.
    let writers = (0..8).map(|w| {
        let (context, patient) = (app.context.clone(), patient.clone());
        tokio::spawn(async move {
            let mut sent = Vec::new();
            for i in 0..5 {
                let n = w * 5 + i;
                let key = format!("cursor-test-key-{n:04}");
                sent.push(
                    engine::submit(&context, &patient, &feedback(n), &key, "feedback")
                        .await
                        .unwrap(),
                );
            }
            sent
        })
    });
    let writers = futures_util::future::join_all(writers);
    let reader = async {
        let mut after = after;
        let mut read = Vec::new();
        let mut quiet = 0;
        // Reads on until the writers are done and a read finds nothing.
        while quiet < 40 {
            let (_, page) = call(
                &app,
                &token,
                reqwest::Method::GET,
                &format!("/api/v1/requests?after={after}&limit=3"),
                None,
            )
            .await;
            let requests = page["requests"].as_array().unwrap().clone();
            if requests.is_empty() {
                quiet += 1;
                tokio::task::yield_now().await;
            }
            read.extend(
                requests
                    .iter()
                    .map(|r| r["number"].as_str().unwrap().to_owned()),
            );
            after = page["next_after"].as_i64().unwrap();
        }
        (read, after)
    };
    let (sent, (mut read, after)) = tokio::join!(writers, reader);
    // Whatever the last reads raced past, read on once the writes are done.
    let (_, rest) = call(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/requests?after={after}&limit=500"),
        None,
    )
    .await;
    read.extend(
        rest["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["number"].as_str().unwrap().to_owned()),
    );

    let mut sent: Vec<String> = sent.into_iter().flat_map(|s| s.unwrap()).collect();
    sent.sort();
    let mut read_sorted = read.clone();
    read_sorted.sort();
    assert_eq!(read_sorted, sent, "each sent request read exactly once");
}

#[tokio::test]
async fn the_mis_moves_a_request_on_as_an_operator_would_and_the_patient_is_told() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let (_, page) = call(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/requests?limit=500",
        None,
    )
    .await;
    let booking = page["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "booking" && r["status"] == "sent")
        .unwrap()
        .clone();
    assert_eq!(booking["patient_id"], "MIS-100001");
    assert_eq!(booking["content"]["kind"], "booking");
    let number = booking["number"].as_str().unwrap();
    let path = format!("/api/v1/requests/{number}/status");

    let (status, error) = call(
        &app,
        &token,
        reqwest::Method::POST,
        &path,
        Some(json!({"status": "rejected"})),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("comment"))
    );
    let (status, error) = call(
        &app,
        &token,
        reqwest::Method::POST,
        &path,
        Some(json!({"status": "sent"})),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("status"))
    );
    let (status, _) = call(
        &app,
        &token,
        reqwest::Method::POST,
        "/api/v1/requests/2026-999999/status",
        Some(json!({"status": "done"})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let mails = app.outbox().await.len();
    let (status, moved) = call(
        &app,
        &token,
        reqwest::Method::POST,
        &path,
        Some(json!({"status": "accepted", "comment": "Записали вас на 10 декабря, 10:30."})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    assert_eq!(moved, json!({"number": number, "status": "accepted"}));
    assert_eq!(app.outbox().await.len(), mails + 1, "the patient is mailed");

    // The patient's page shows who moved it; the feed lists it again.
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html(&format!("/requests/{number}")).await;
    assert!(html.contains("Записали вас на 10 декабря"), "{html}");
    assert!(html.contains("МИС «Тестовая МИС»"), "{html}");
    let after = booking["change"].as_i64().unwrap();
    let (_, later) = call(
        &app,
        &token,
        reqwest::Method::GET,
        &format!("/api/v1/requests?after={after}"),
        None,
    )
    .await;
    assert!(later["requests"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["number"] == number && r["status"] == "accepted"));
    assert!(app
        .audit_actions()
        .await
        .contains(&"mis_requests_read".to_owned()));

    let (status, error) = call(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/requests?after=-1",
        None,
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("after"))
    );
    let (status, error) = call(
        &app,
        &token,
        reqwest::Method::GET,
        "/api/v1/requests?cursor=1",
        None,
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("cursor"))
    );
}

#[tokio::test]
async fn the_openapi_document_describes_every_call_without_a_token() {
    let app = spawn_demo_app().await;
    let response = bare_client()
        .get(format!("{}/api/v1/openapi.json", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/patients",
        "/api/v1/clinics",
        "/api/v1/doctors",
        "/api/v1/appointments",
        "/api/v1/referrals",
        "/api/v1/withdrawals",
        "/api/v1/requests",
        "/api/v1/requests/{number}/status",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let (status, _) = call(&app, "x", reqwest::Method::GET, "/api/v1/nothing", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// Reads the feed on from `after` to its end: the numbers read, and the
/// cursor to read on from.
async fn read_on(app: &TestApp, token: &str, after: i64) -> (Vec<String>, i64) {
    read_on_at(&app.address, token, after).await
}

async fn read_on_at(address: &str, token: &str, mut after: i64) -> (Vec<String>, i64) {
    let mut read = Vec::new();
    loop {
        let page: Value = bare_client()
            .get(format!("{address}/api/v1/requests?after={after}&limit=2"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let requests = page["requests"].as_array().unwrap().clone();
        if requests.is_empty() {
            return (read, after);
        }
        read.extend(
            requests
                .iter()
                .map(|r| r["number"].as_str().unwrap().to_owned()),
        );
        after = page["next_after"].as_i64().unwrap();
    }
}

#[tokio::test]
async fn a_change_that_commits_late_is_still_read_after_a_later_one_that_committed_first() {
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let patient = demo_patient(&app).await;
    let (_, after) = read_on(&app, &token, 0).await;

    // A change begun first and left uncommitted…
    let (first_id, first_number): (i64, String) = with_db!(&app.db, pool => {
        sqlx::query_as("SELECT id, number FROM patient_requests ORDER BY id LIMIT 1")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    let mut slow = app.db.begin_write().await.unwrap();
    app::db::requests::add_history(
        &mut slow,
        first_id,
        "sent",
        app::db::requests::ChangedBy::Patient,
        "",
        app.clock.now(),
    )
    .await
    .unwrap();
    // …while another is sent, and commits as soon as the database lets it.
    let mut second = tokio::spawn({
        let (context, patient) = (app.context.clone(), patient.clone());
        async move {
            engine::submit(
                &context,
                &patient,
                &feedback(1),
                "late-commit-key-0001",
                "feedback",
            )
            .await
        }
    });
    let early = tokio::time::timeout(std::time::Duration::from_millis(500), &mut second).await;
    // The consumer reads on meanwhile (on SQLite it waits for the slow
    // change: reading writes the access log).
    let mut reader = tokio::spawn({
        let (address, token) = (app.address.clone(), token.clone());
        async move { read_on_at(&address, &token, after).await }
    });
    let read_early = tokio::time::timeout(std::time::Duration::from_millis(500), &mut reader).await;
    slow.commit().await.unwrap();
    let second_number = match early {
        Ok(done) => done.unwrap().unwrap(),
        Err(_) => second.await.unwrap().unwrap(),
    };
    let (mut read, after) = match read_early {
        Ok(done) => done.unwrap(),
        Err(_) => reader.await.unwrap(),
    };
    let (rest, _) = read_on(&app, &token, after).await;
    read.extend(rest);
    read.sort();
    let mut expected = vec![first_number, second_number];
    expected.sort();
    assert_eq!(read, expected, "both changes read, once each");
}

#[tokio::test]
async fn a_pdf_memo_pushed_by_the_mis_is_downloaded_as_sent_and_anything_else_is_refused() {
    use base64::Engine as _;
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let pdf = crate::documents::pdf_with(lopdf::Dictionary::new());
    let encoded = base64::engine::general_purpose::STANDARD.encode(&pdf);
    let mut with_pdf = appointment("A-PDF", "2026-12-10T10:30:00+03:00");
    with_pdf["memo"] = json!({ "pdf_base64": encoded });
    let (status, body) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [with_pdf]}),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    app.sign_in_demo_patient().await;
    let memo = app.get("/calendar/A-PDF/memo").await;
    assert_eq!(memo.status(), StatusCode::OK);
    assert_eq!(memo.headers()["content-type"], "application/pdf");
    assert_eq!(
        memo.headers()["content-disposition"],
        "attachment; filename=\"memo.pdf\""
    );
    assert_eq!(memo.bytes().await.unwrap().to_vec(), pdf);

    let mut not_pdf = appointment("A-PDF", "2026-12-10T10:30:00+03:00");
    not_pdf["memo"] =
        json!({ "pdf_base64": base64::engine::general_purpose::STANDARD.encode(b"<html>") });
    let (status, error) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [not_pdf]}),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("appointments[0].memo.pdf_base64")
        )
    );
    // A PDF that would run script on the patient's device is refused too.
    let mut active = appointment("A-PDF", "2026-12-10T10:30:00+03:00");
    use lopdf::dictionary;
    let script = crate::documents::pdf_with(dictionary! {
        "OpenAction" => dictionary! { "S" => "JavaScript", "JS" => lopdf::Object::string_literal("app.alert(1)") },
    });
    active["memo"] =
        json!({ "pdf_base64": base64::engine::general_purpose::STANDARD.encode(script) });
    let (status, error) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [active]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    let mut both = appointment("A-PDF", "2026-12-10T10:30:00+03:00");
    both["memo"] = json!({ "pdf_base64": "JVBERi0=", "text": "x" });
    let (status, _) = put(
        &app,
        &token,
        "/api/v1/appointments",
        json!({"appointments": [both]}),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
