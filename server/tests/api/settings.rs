//! «Настройки»: address, recovery e-mail, password change, sessions.

use crate::helpers::{bare_client, error_json, problem_of, set_cookie, spawn_demo_app, TestApp};
use app::db::accounts;
use reqwest::StatusCode;
use server::demo;

const NEW_PASSWORD: &str = "совсем другой длинный пароль";

async fn account(app: &TestApp) -> serde_json::Value {
    let response = app.post_form("/api/settings/account", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn sessions(app: &TestApp) -> Vec<serde_json::Value> {
    let response = app.post_form("/api/settings/sessions", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Signs the demo patient in on a second, separate browser; its cookie.
async fn second_browser(app: &TestApp) -> String {
    let response = bare_client()
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .header(
            "user-agent",
            "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36",
        )
        .form(&[
            ("login", demo::PATIENT_LOGIN),
            ("password", demo::PATIENT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    set_cookie(&response, "cabinet")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

async fn still_signed_in(app: &TestApp, cookie: &str) -> bool {
    bare_client()
        .get(format!("{}/", app.address))
        .header("accept", "text/html")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        == StatusCode::OK
}

#[tokio::test]
async fn settings_need_a_signed_in_patient() {
    let app = spawn_demo_app().await;
    for path in [
        "/api/settings/account",
        "/api/settings/sessions",
        "/api/settings/sessions/end-others",
    ] {
        let response = app.post_form(path, &[]).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    let response = app
        .post_form("/api/settings/address-as", &[("address_as", "Кто-то")])
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_page_shows_the_accounts_and_the_agreements_contacts() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let account = account(&app).await;
    assert_eq!(account["login"], "demo");
    assert_eq!(account["address_as"], "Анна Сергеевна");
    assert_eq!(account["recovery_email"], "anna.smirnova@example.ru");
    assert_eq!(account["agreement_email"], "anna.smirnova@example.ru");
    assert_eq!(account["sms_phone"], "+79161234567");
}

#[tokio::test]
async fn how_to_address_the_patient_is_saved_and_checked() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let response = app
        .post_form("/api/settings/address-as", &[("address_as", "  Аня ")])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(account(&app).await["address_as"], "Аня");
    let empty = app
        .post_form("/api/settings/address-as", &[("address_as", "")])
        .await;
    assert_eq!(
        problem_of(&error_json(empty).await, "address_as").as_deref(),
        Some("required")
    );
    assert!(app
        .audit_actions()
        .await
        .contains(&"address_as_changed".to_owned()));
}

#[tokio::test]
async fn a_new_recovery_email_needs_the_current_password_and_the_old_address_is_told() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let wrong = app
        .post_form(
            "/api/settings/recovery-email",
            &[
                ("recovery_email", "anna.new@example.ru"),
                ("current_password", "not my password at all"),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(wrong).await, "current_password").as_deref(),
        Some("password_wrong")
    );
    let bad = app
        .post_form(
            "/api/settings/recovery-email",
            &[
                ("recovery_email", "anna.new@"),
                ("current_password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(bad).await, "recovery_email").as_deref(),
        Some("email_invalid")
    );
    assert_eq!(
        account(&app).await["recovery_email"],
        "anna.smirnova@example.ru",
        "nothing changed yet"
    );

    let ok = app
        .post_form(
            "/api/settings/recovery-email",
            &[
                ("recovery_email", "anna.new@example.ru"),
                ("current_password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(account(&app).await["recovery_email"], "anna.new@example.ru");
    let mail = app.outbox().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].kind, "recovery_email_changed");
    assert_eq!(mail[0].recipient, "anna.smirnova@example.ru");
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lockout_which_is_audited_like_sign_in() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    for _ in 0..5 {
        app.post_form(
            "/api/settings/password",
            &[
                ("current_password", "a wrong guess here"),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    }
    let locked = app
        .post_form(
            "/api/settings/password",
            &[
                ("current_password", demo::PATIENT_PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    // The same rule as at sign-in: every failure and the lockout it starts.
    let actions = app.audit_actions().await;
    let count = |name: &str| actions.iter().filter(|a| *a == name).count();
    assert_eq!(count("sign_in_failed"), 5);
    assert_eq!(count("sign_in_locked"), 1);
    assert_eq!(count("attempt_refused_locked"), 1);
}

#[tokio::test]
async fn changing_the_password_keeps_this_session_ends_the_others_and_sends_a_notice() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let other = second_browser(&app).await;
    assert!(still_signed_in(&app, &other).await);

    let short = app
        .post_form(
            "/api/settings/password",
            &[
                ("current_password", demo::PATIENT_PASSWORD),
                ("password", "short"),
                ("password_repeat", "short"),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(short).await, "password").as_deref(),
        Some("password_too_short")
    );
    let same = app
        .post_form(
            "/api/settings/password",
            &[
                ("current_password", demo::PATIENT_PASSWORD),
                ("password", demo::PATIENT_PASSWORD),
                ("password_repeat", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(same).await, "password").as_deref(),
        Some("password_is_current")
    );

    let ok = app
        .post_form(
            "/api/settings/password",
            &[
                ("current_password", demo::PATIENT_PASSWORD),
                ("password", NEW_PASSWORD),
                ("password_repeat", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        !still_signed_in(&app, &other).await,
        "the other browser is signed out"
    );
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "this one stays"
    );
    let mail = app.outbox().await;
    assert_eq!(mail.last().unwrap().kind, "password_changed");
    let account = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    assert!(app::security::verify_password(
        &app::security::Secret::new(NEW_PASSWORD),
        &account.password_hash
    ));
}

#[tokio::test]
async fn the_patient_sees_their_sessions_and_signs_one_out_remotely() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let other = second_browser(&app).await;
    let list = sessions(&app).await;
    assert_eq!(list.len(), 2);
    let this = list.iter().find(|s| s["current"] == true).unwrap();
    let phone = list.iter().find(|s| s["current"] == false).unwrap();
    assert_eq!(phone["device"], "Chrome, Android");
    assert_eq!(phone["ip"], "127.0.0.1");
    assert_eq!(
        phone["last_seen"], "26.11.2026 12:00",
        "in the clinic's time"
    );
    assert_ne!(this["id"], phone["id"]);

    let id = phone["id"].to_string();
    let response = app
        .post_form("/api/settings/sessions/end", &[("session_id", &id)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!still_signed_in(&app, &other).await);
    assert_eq!(sessions(&app).await.len(), 1);
    // Ending it again, or a session id that is not this patient's: not found.
    let again = app
        .post_form("/api/settings/sessions/end", &[("session_id", &id)])
        .await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_patient_cannot_end_another_patients_session() {
    let app = spawn_demo_app().await;
    // The second demo patient activates and signs in elsewhere.
    let password = "утренний кофе с корицей";
    let activated = app
        .post_form(
            "/api/activation/register",
            &[
                ("temporary_login", demo::TEMPORARY_LOGIN),
                ("temporary_password", demo::TEMPORARY_PASSWORD),
                ("login", "igor"),
                ("password", password),
                ("password_repeat", password),
                ("recovery_email", "igor@example.ru"),
                ("address_as", "Игорь"),
            ],
        )
        .await;
    assert_eq!(activated.status(), StatusCode::OK);
    let igor = bare_client()
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .form(&[("login", "igor"), ("password", password)])
        .send()
        .await
        .unwrap();
    let igor_cookie = set_cookie(&igor, "cabinet")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    app.sign_in_demo_patient().await;
    let mine: Vec<i64> = sessions(&app)
        .await
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    for guess in 1..=5_i64 {
        if mine.contains(&guess) {
            continue;
        }
        let response = app
            .post_form(
                "/api/settings/sessions/end",
                &[("session_id", &guess.to_string())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "session {guess}");
    }
    assert!(still_signed_in(&app, &igor_cookie).await);
    let others = app
        .post_form("/api/settings/sessions/end-others", &[])
        .await;
    assert_eq!(others.status(), StatusCode::OK);
    assert!(
        still_signed_in(&app, &igor_cookie).await,
        "«all other sessions» means the patient's own"
    );
}
