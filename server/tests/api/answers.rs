//! Honest answers: a page whose data failed answers with an error status, a
//! refusal is recorded, a wait is said in `Retry-After`, and a body larger
//! than its form is refused before it is read.

use crate::helpers::{markup_of, new_client, spawn_demo_app, TestApp};
use app::db::audit;
use reqwest::StatusCode;
use server::demo;

/// The request id the server gave a response.
fn request_id(response: &reqwest::Response) -> String {
    response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// Takes the requests' table away under the running server, as a broken
/// database would: every read of a request then fails.
async fn lose_the_requests_table(app: &TestApp) {
    app.execute_sql("ALTER TABLE patient_requests RENAME TO patient_requests_lost")
        .await;
}

#[tokio::test]
async fn a_page_whose_data_fails_to_load_answers_500_with_the_error_page_and_its_request_id() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let (status, _) = app.get_html("/requests").await;
    assert_eq!(status, StatusCode::OK, "before the failure");

    lose_the_requests_table(&app).await;
    for (client, path) in [
        (&app.client, "/requests"),
        (&app.client, "/requests/З-2026-000001"),
        (&operator, "/admin/requests"),
        (&operator, "/admin/requests/З-2026-000001"),
    ] {
        let response = app.get_as(client, path).await;
        assert_eq!(
            response.status(),
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path}"
        );
        let id = request_id(&response);
        let html = markup_of(response).await;
        assert!(html.contains("Что-то пошло не так"), "{path}: {html}");
        assert!(html.contains(&id), "{path}: the request id {id} is shown");
    }
}

#[tokio::test]
async fn a_request_page_for_a_number_that_is_not_the_patients_answers_404() {
    let app = spawn_demo_app().await;
    let other = app.second_patient().await;
    for number in ["З-2026-000001", "З-2099-000001", "not-a-number"] {
        let response = app.get_as(&other, &format!("/requests/{number}")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{number}");
    }
}

#[tokio::test]
async fn asking_for_another_patients_request_or_session_is_refused_and_audited() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let sessions = app
        .post_form("/api/settings/sessions", &[])
        .await
        .json::<serde_json::Value>()
        .await
        .unwrap();
    let anna_session = sessions[0]["id"].as_i64().unwrap().to_string();
    let other = app.second_patient().await;

    let mut asked = Vec::new();
    for (path, field, value) in [
        ("/api/requests/one", "number", "З-2026-000001"),
        ("/api/requests/one", "number", "З-2099-000001"),
        ("/api/requests/one", "number", "not-a-number"),
        ("/api/requests/cancel", "number", "З-2026-000001"),
        (
            "/api/settings/sessions/end",
            "session_id",
            anna_session.as_str(),
        ),
    ] {
        let response = app.post_form_as(&other, path, &[(field, value)]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path} {value}");
        asked.push((request_id(&response), value.to_owned()));
    }
    let page = app.get_as(&other, "/requests/З-2026-000002").await;
    asked.push((request_id(&page), "З-2026-000002".to_owned()));

    let rows = audit::all(&app.db).await.unwrap();
    let pyotr = rows
        .iter()
        .rev()
        .find(|row| row.action == "signed_in")
        .and_then(|row| row.actor_patient_id)
        .unwrap();
    let refusals: Vec<_> = rows
        .iter()
        .filter(|row| row.action == "access_refused")
        .collect();
    assert_eq!(refusals.len(), asked.len(), "{refusals:#?}");
    for (row, (id, value)) in refusals.iter().zip(&asked) {
        assert_eq!(row.actor_patient_id, Some(pyotr));
        assert!(row.detail.ends_with(value.as_str()), "{}", row.detail);
        assert_eq!(row.ip, "127.0.0.1");
        assert_eq!(&row.request_id, id);
    }
    // Nothing of Anna's changed.
    let anna = app
        .post_form("/api/requests/one", &[("number", "З-2026-000001")])
        .await;
    assert_eq!(anna.status(), StatusCode::OK);
    assert_eq!(
        app.post_form("/api/settings/sessions", &[]).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_lockout_and_the_attempts_it_refuses_are_audited_and_say_when_to_return_in_a_header() {
    let app = spawn_demo_app().await;
    let staff = new_client();
    for _ in 1..=5 {
        app.sign_in(demo::PATIENT_LOGIN, "wrong but long password")
            .await;
        app.post_form_as(
            &staff,
            "/api/admin/sign_in",
            &[
                ("login", demo::ADMIN_LOGIN),
                ("password", "wrong but long password"),
            ],
        )
        .await;
    }
    let patient = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let admin = app
        .post_form_as(
            &staff,
            "/api/admin/sign_in",
            &[
                ("login", demo::ADMIN_LOGIN),
                ("password", demo::ADMIN_PASSWORD),
            ],
        )
        .await;
    for response in [&patient, &admin] {
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after"], "60");
    }
    // The lock itself is recorded on both sides, once.
    let actions = app.audit_actions().await;
    for lock in ["sign_in_locked", "staff_sign_in_locked"] {
        assert_eq!(actions.iter().filter(|a| *a == lock).count(), 1, "{lock}");
    }
    let refused: Vec<_> = audit::all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|row| row.action == "attempt_refused_locked")
        .collect();
    assert_eq!(refused.len(), 2, "{refused:#?}");
    assert_eq!(refused[0].detail, "sign_in");
    assert_eq!(refused[0].request_id, request_id(&patient));
    assert_eq!(refused[1].detail, "staff_sign_in");
    assert_eq!(refused[1].request_id, request_id(&admin));
    assert!(refused.iter().all(|row| row.ip == "127.0.0.1"));
}

#[tokio::test]
async fn a_body_larger_than_its_form_needs_is_refused_with_413_before_it_is_read() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    // The longest legitimate booking: a reason and a comment of 2,000
    // characters each, every one of them Cyrillic.
    let longest = "ё".repeat(2_000);
    let booking = |text: &str| {
        vec![
            ("idempotency_key", "answers-longest-booking".to_owned()),
            ("reason", text.to_owned()),
            ("desired_date", "2026-12-01".to_owned()),
            ("specialist", String::new()),
            ("clinic", "spir".to_owned()),
            ("time_of_day", "morning".to_owned()),
            ("comment", text.to_owned()),
        ]
    };
    let form = booking(&longest);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form("/api/booking/send", &form).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "the longest booking is read"
    );

    let too_long = "ё".repeat(20_000);
    let form = booking(&too_long);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = app.post_form("/api/booking/send", &form).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Without a Content-Length (chunked) the body is read only up to the
    // limit, then refused.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST /api/sign_in HTTP/1.1\r\nHost: {address}\r\nOrigin: {origin}\r\n\
         Content-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        origin = app.address
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("400\r\n{}\r\n", "x".repeat(1024));
    for _ in 0..64 {
        if stream.write_all(chunk.as_bytes()).await.is_err() {
            break; // the server answered and closed before the end
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}
