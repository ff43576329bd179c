//! Activation: temporary credentials from reception, then the patient's own.

use crate::helpers::{error_json, problem_of, spawn_demo_app, TestApp, TEST_CLINIC_NAME};
use app::db::accounts;
use chrono::Duration;
use reqwest::StatusCode;
use server::demo;

const NEW_LOGIN: &str = "igor.petrov";
const NEW_PASSWORD: &str = "утренний кофе с корицей";

async fn check(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    app.post_form(
        "/api/activation/check",
        &[("temporary_login", login), ("temporary_password", password)],
    )
    .await
}

/// The registration form, with `changes` applied to a valid filling.
async fn register(app: &TestApp, changes: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![
        ("temporary_login", demo::TEMPORARY_LOGIN),
        ("temporary_password", demo::TEMPORARY_PASSWORD),
        ("login", NEW_LOGIN),
        ("password", NEW_PASSWORD),
        ("password_repeat", NEW_PASSWORD),
        ("recovery_email", "igor@example.ru"),
        ("address_as", "Игорь Николаевич"),
    ];
    for (name, value) in changes {
        form.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
    }
    app.post_form("/api/activation/register", &form).await
}

#[tokio::test]
async fn the_temporary_credentials_open_the_registration_form_with_the_agreement_email() {
    let app = spawn_demo_app().await;
    let response = check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let start: serde_json::Value = response.json().await.unwrap();
    assert_eq!(start["agreement_email"], "i.petrov@example.ru");
}

#[tokio::test]
async fn wrong_unknown_and_expired_temporary_credentials_get_one_answer() {
    let app = spawn_demo_app().await;
    let wrong = check(&app, demo::TEMPORARY_LOGIN, "not-the-password").await;
    let unknown = check(&app, "t-nothere", "not-the-password").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());

    app.clock.advance(Duration::days(30));
    let expired = check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD).await;
    assert_eq!(expired.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem_of(&error_json(expired).await, "form").as_deref(),
        Some("temporary_credentials_wrong")
    );
}

#[tokio::test]
async fn registering_kills_the_temporary_credentials_and_the_new_ones_sign_in() {
    let app = spawn_demo_app().await;
    let response = register(&app, &[]).await;
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "{}",
        response.text().await.unwrap()
    );

    // Single use: the temporary credentials are dead.
    let again = check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        register(&app, &[("login", "someone.else")]).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let account = accounts::by_login(&app.db, NEW_LOGIN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.recovery_email, "igor@example.ru");
    assert_eq!(account.address_as, "Игорь Николаевич");
    assert_eq!(
        app.sign_in("IGOR.PETROV", NEW_PASSWORD).await.status(),
        StatusCode::OK
    );

    let mail = app.outbox().await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].kind, "cabinet_activated");
    assert_eq!(mail[0].recipient, "igor@example.ru");
    assert!(mail[0].text_body.contains(NEW_LOGIN));
    assert!(app.audit_actions().await.contains(&"activated".to_owned()));
}

#[tokio::test]
async fn every_rule_of_the_registration_form_is_reported_at_its_field_and_nothing_is_written() {
    let app = spawn_demo_app().await;
    // (changes to a valid form, the field, the problem reported there)
    type Case<'a> = (&'a [(&'a str, &'a str)], &'a str, &'a str);
    let cases: &[Case] = &[
        (&[("login", "ab")], "login", "login_too_short"),
        (&[("login", "igor petrov")], "login", "login_characters"),
        (&[("login", "DEMO")], "login", "login_taken"),
        (
            &[("password", "short one"), ("password_repeat", "short one")],
            "password",
            "password_too_short",
        ),
        (
            &[
                ("password", "mailcreated5240"),
                ("password_repeat", "mailcreated5240"),
            ],
            "password",
            "password_common",
        ),
        (
            &[
                ("password", "igor.petrov2026!!"),
                ("password_repeat", "igor.petrov2026!!"),
            ],
            "password",
            "password_is_login",
        ),
        (
            &[
                ("password", demo::TEMPORARY_PASSWORD),
                ("password_repeat", demo::TEMPORARY_PASSWORD),
            ],
            "password",
            "password_is_temporary",
        ),
        (
            &[("password_repeat", "утренний кофе с корицей!")],
            "password_repeat",
            "passwords_differ",
        ),
        (
            &[("recovery_email", "igor@")],
            "recovery_email",
            "email_invalid",
        ),
        (&[("address_as", "   ")], "address_as", "required"),
    ];
    for (changes, field, problem) in cases {
        let response = register(&app, changes).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{changes:?}"
        );
        let error = error_json(response).await;
        assert_eq!(
            problem_of(&error, field).as_deref(),
            Some(*problem),
            "{changes:?}: {error}"
        );
    }
    let with_clinic = format!("я лечусь в {TEST_CLINIC_NAME}");
    let response = register(
        &app,
        &[
            ("password", &with_clinic),
            ("password_repeat", &with_clinic),
        ],
    )
    .await;
    assert_eq!(
        problem_of(&error_json(response).await, "password").as_deref(),
        Some("password_has_clinic_name")
    );
    let long = "д".repeat(129);
    let response = register(&app, &[("password", &long), ("password_repeat", &long)]).await;
    assert_eq!(
        problem_of(&error_json(response).await, "password").as_deref(),
        Some("password_too_long")
    );

    // Several problems at once are all reported.
    let response = register(&app, &[("login", "ab"), ("recovery_email", "nope")]).await;
    let error = error_json(response).await;
    assert_eq!(
        problem_of(&error, "login").as_deref(),
        Some("login_too_short")
    );
    assert_eq!(
        problem_of(&error, "recovery_email").as_deref(),
        Some("email_invalid")
    );

    // Nothing was written: the temporary credentials still work.
    assert!(accounts::by_login(&app.db, NEW_LOGIN)
        .await
        .unwrap()
        .is_none());
    assert!(app.outbox().await.is_empty());
    assert_eq!(
        check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn wrong_temporary_passwords_lock_activation_for_that_login() {
    let app = spawn_demo_app().await;
    for _ in 1..=5 {
        check(&app, demo::TEMPORARY_LOGIN, "not-the-password").await;
    }
    let locked = check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(
        check(&app, demo::TEMPORARY_LOGIN, demo::TEMPORARY_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}
