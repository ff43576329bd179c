//! Password recovery by an e-mailed six-digit code.

use crate::helpers::{error_json, problem_of, set_cookie, spawn_demo_app, TestApp};
use chrono::Duration;
use reqwest::StatusCode;
use server::demo;

pub const NEW_PASSWORD: &str = "новый длинный пароль 2026";

pub async fn request_code(app: &TestApp, login: &str) -> reqwest::Response {
    app.post_form("/api/recovery/request", &[("login", login)])
        .await
}

pub async fn reset(app: &TestApp, code: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/recovery/reset",
        &[
            ("login", demo::PATIENT_LOGIN),
            ("code", code),
            ("password", password),
            ("password_repeat", password),
        ],
    )
    .await
}

/// The code in the latest recovery mail, read before it is sent (a sent
/// code's body is wiped).
pub async fn latest_code(app: &TestApp) -> String {
    let mail = app.outbox().await;
    let last = mail
        .iter()
        .rev()
        .find(|m| m.kind == "recovery_code")
        .expect("a recovery mail");
    last.text_body
        .split_whitespace()
        .find(|word| word.len() == 6 && word.chars().all(|c| c.is_ascii_digit()))
        .expect("a six-digit code")
        .to_owned()
}

fn other_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

#[tokio::test]
async fn a_mailed_code_sets_a_new_password_ends_every_session_and_sends_a_notice() {
    let app = spawn_demo_app().await;
    let signed_in = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let old_cookie = set_cookie(&signed_in, "cabinet").unwrap();

    assert_eq!(
        request_code(&app, demo::PATIENT_LOGIN).await.status(),
        StatusCode::OK
    );
    let mail = app.outbox().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].recipient, "anna.smirnova@example.ru");
    let code = latest_code(&app).await;
    // Stored hashed: the code is nowhere in the recovery table.
    let stored: String = app::db::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT code_hash FROM recovery_codes").fetch_one(pool).await
    })
    .unwrap();
    assert!(stored.starts_with("$argon2id$") && !stored.contains(&code));

    let response = reset(&app, &code, NEW_PASSWORD).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );

    assert_eq!(
        app.sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
            .await
            .status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let old = crate::helpers::bare_client()
        .get(format!("{}/", app.address))
        .header("accept", "text/html")
        .header("cookie", old_cookie.split(';').next().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(
        old.status(),
        StatusCode::FOUND,
        "the session from before is over"
    );
    assert_eq!(
        app.sign_in(demo::PATIENT_LOGIN, NEW_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );

    let kinds: Vec<String> = app.outbox().await.into_iter().map(|m| m.kind).collect();
    assert_eq!(kinds, vec!["recovery_code", "password_changed"]);
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"recovery_code_sent".to_owned())
            && actions.contains(&"password_recovered".to_owned())
    );

    // Single use.
    let again = reset(&app, &code, "ещё один новый пароль 2026").await;
    assert_eq!(
        problem_of(&error_json(again).await, "code").as_deref(),
        Some("code_wrong_or_expired")
    );
}

#[tokio::test]
async fn an_unknown_login_gets_the_same_answer_and_no_mail() {
    let app = spawn_demo_app().await;
    let unknown = request_code(&app, "nobody-here").await;
    let known = request_code(&app, demo::PATIENT_LOGIN).await;
    assert_eq!(unknown.status(), known.status());
    assert_eq!(unknown.text().await.unwrap(), known.text().await.unwrap());
    assert_eq!(
        app.outbox().await.len(),
        1,
        "only the real account gets mail"
    );
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    app.clock.advance(Duration::minutes(10));
    let response = reset(&app, &code, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem_of(&error_json(response).await, "code").as_deref(),
        Some("code_wrong_or_expired")
    );
}

#[tokio::test]
async fn five_wrong_tries_kill_the_code_and_the_count_holds_for_an_hour() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    for _ in 0..5 {
        let response = reset(&app, &other_code(&code), NEW_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let dead = reset(&app, &code, NEW_PASSWORD).await;
    assert_eq!(
        dead.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the right code after five wrong tries"
    );

    // Within the hour no new code is sent (see below); an hour later the
    // count starts afresh.
    app.clock.advance(Duration::minutes(61));
    request_code(&app, demo::PATIENT_LOGIN).await;
    let third = latest_code(&app).await;
    assert_eq!(
        reset(&app, &third, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_second_code_within_a_minute_is_not_sent() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    assert_eq!(app.outbox().await.len(), 1);
    app.clock.advance(Duration::seconds(61));
    request_code(&app, demo::PATIENT_LOGIN).await;
    assert_eq!(app.outbox().await.len(), 2);
}

#[tokio::test]
async fn the_new_password_follows_the_rules_and_a_malformed_code_is_named_at_its_field() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    let short = reset(&app, &code, "short").await;
    assert_eq!(
        problem_of(&error_json(short).await, "password").as_deref(),
        Some("password_too_short")
    );
    let common = reset(&app, &code, "mailcreated5240").await;
    assert_eq!(
        problem_of(&error_json(common).await, "password").as_deref(),
        Some("password_common")
    );
    let malformed = reset(&app, "12a", NEW_PASSWORD).await;
    assert_eq!(
        problem_of(&error_json(malformed).await, "code").as_deref(),
        Some("code_format")
    );
    // None of these spent a try: the code still works.
    assert_eq!(
        reset(&app, &code, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn guesses_sent_in_parallel_still_get_only_five_tries() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    let mut guesses = Vec::new();
    for n in 1..=12u32 {
        let client = app.client.clone();
        let address = app.address.clone();
        let guess = format!("{:06}", (code.parse::<u32>().unwrap() + n) % 1_000_000);
        guesses.push(tokio::spawn(async move {
            client
                .post(format!("{address}/api/recovery/reset"))
                .header("origin", &address)
                .form(&[
                    ("login", demo::PATIENT_LOGIN),
                    ("code", guess.as_str()),
                    ("password", NEW_PASSWORD),
                    ("password_repeat", NEW_PASSWORD),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for guess in guesses {
        assert_eq!(guess.await.unwrap(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let tries: i32 = app::db::with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT wrong_tries FROM recovery_codes").fetch_one(pool).await
    })
    .unwrap();
    assert_eq!(tries, 5);
    assert_eq!(
        reset(&app, &code, NEW_PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_code_mailed_before_a_password_change_no_longer_works() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    app.sign_in_demo_patient().await;
    let changed = app
        .post_form(
            "/api/settings/password",
            &[
                ("current_password", demo::PATIENT_PASSWORD),
                ("password", "пароль после смены 2026"),
                ("password_repeat", "пароль после смены 2026"),
            ],
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(
        reset(&app, &code, NEW_PASSWORD).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn after_five_wrong_tries_no_new_code_is_mailed_within_the_hour() {
    let app = spawn_demo_app().await;
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    for _ in 0..5 {
        reset(&app, &other_code(&code), NEW_PASSWORD).await;
    }
    app.clock.advance(Duration::minutes(2));
    let again = request_code(&app, demo::PATIENT_LOGIN).await;
    assert_eq!(again.status(), StatusCode::OK, "the same answer");
    assert_eq!(
        app.outbox().await.len(),
        1,
        "no code that would be dead on arrival"
    );
}
