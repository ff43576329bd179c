//! The second step of signing in: an authenticator app's code, set up in
//! «Настройки», asked after the right password; recovery codes that work
//! once; wrong codes under the login's lockout; every change audited and
//! mailed.

use crate::helpers::{
    error_json, json, new_client, password_step, password_step_with, problem, problem_of,
    signed_in, spawn_demo_app, TestApp,
};
use crate::recovery::{latest_code, request_code, reset, NEW_PASSWORD};
use app::security::second_factor::{code_at_step, step_at};
use chrono::Duration;
use reqwest::StatusCode;
use server::demo;

/// The demo patient's id in the MIS.
const DEMO_MIS_ID: &str = "MIS-100001";

/// The app's code at the test clock's time.
fn code_now(app: &TestApp, secret: &str) -> String {
    code_at_step(secret, step_at(app.clock.now())).unwrap()
}

/// Turns the code on for the demo patient signed in on `app.client`: the
/// secret (as an app would read it from the QR code) and the recovery codes.
async fn turn_on(app: &TestApp) -> (String, Vec<String>) {
    let begun = app
        .post_form(
            "/api/settings/second-factor/begin",
            &[("current_password", demo::PATIENT_PASSWORD)],
        )
        .await;
    assert_eq!(begun.status(), StatusCode::OK);
    let state = json(app.post_form("/api/settings/second-factor", &[]).await).await;
    let setting_up = &state["SettingUp"];
    assert!(setting_up["qr_svg"].as_str().unwrap().starts_with("<svg"));
    let secret = setting_up["secret"].as_str().unwrap().replace(' ', "");
    assert_eq!(secret.len(), 32);

    // A wrong first code leaves it off.
    let wrong = code_at_step(&secret, step_at(app.clock.now()) + 10).unwrap();
    let refused = app
        .post_form("/api/settings/second-factor/confirm", &[("code", &wrong)])
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(refused).await;
    assert_eq!(
        problem_of(&error, "code").as_deref(),
        Some("one_time_code_wrong")
    );

    let codes = json(
        app.post_form(
            "/api/settings/second-factor/confirm",
            &[("code", &code_now(app, &secret))],
        )
        .await,
    )
    .await;
    let codes: Vec<String> = codes["codes"]
        .as_str()
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Turns the code on for the staff member signed in on `client`: the secret.
async fn turn_on_for_staff(app: &TestApp, client: &reqwest::Client, password: &str) -> String {
    let staff = [("for_staff", "on")];
    let begun = app
        .post_form_as(
            client,
            "/api/settings/second-factor/begin",
            &[("current_password", password), ("for_staff", "on")],
        )
        .await;
    assert_eq!(begun.status(), StatusCode::OK);
    let state = json(
        app.post_form_as(client, "/api/settings/second-factor", &staff)
            .await,
    )
    .await;
    let secret = state["SettingUp"]["secret"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    json(
        app.post_form_as(
            client,
            "/api/settings/second-factor/confirm",
            &[("code", &code_now(app, &secret)), ("for_staff", "on")],
        )
        .await,
    )
    .await;
    secret
}

async fn code_step(app: &TestApp, client: &reqwest::Client, code: &str) -> reqwest::Response {
    app.post_form_as(client, "/api/sign_in/code", &[("code", code)])
        .await
}

#[tokio::test]
async fn with_the_code_on_a_password_alone_does_not_sign_in_and_the_app_s_code_or_a_recovery_code_once_does(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (secret, recovery) = turn_on(&app).await;

    // The password leads to the second step, not into the cabinet.
    let browser = new_client();
    assert_eq!(password_step(&app, &browser).await, "/login/code");
    assert!(!signed_in(&app, &browser).await);

    // The code that turned it on was taken: not again.
    let reused = code_step(&app, &browser, &code_now(&app, &secret)).await;
    assert_eq!(
        problem(reused, "code").await.as_deref(),
        Some("one_time_code_wrong")
    );
    assert!(!signed_in(&app, &browser).await);

    // Half a minute later the app shows the next code: it signs in.
    app.clock.advance(Duration::seconds(30));
    let next = code_now(&app, &secret);
    let answer = json(code_step(&app, &browser, &next).await).await;
    assert_eq!(answer, "/");
    assert!(signed_in(&app, &browser).await);
    // The step is over: the same browser cannot open a second session with it.
    let again = code_step(&app, &browser, &recovery[0]).await;
    assert_eq!(
        problem(again, "code").await.as_deref(),
        Some("second_step_expired")
    );

    // A recovery code, typed in capitals without dashes, signs in once.
    let phone_lost = new_client();
    password_step(&app, &phone_lost).await;
    let typed = recovery[1].replace('-', "").to_uppercase();
    json(code_step(&app, &phone_lost, &typed).await).await;
    assert!(signed_in(&app, &phone_lost).await);
    // The patient hears of it, with how many codes are left.
    let told = app.outbox().await;
    assert!(
        told.iter().any(|m| m.kind == "second_factor"
            && m.text_body.contains("по резервному коду")
            && m.text_body.contains("осталось: 9")),
        "{:?}",
        told.iter().map(|m| &m.text_body).collect::<Vec<_>>()
    );
    let stranger = new_client();
    password_step(&app, &stranger).await;
    let spent = code_step(&app, &stranger, &recovery[1]).await;
    assert_eq!(
        problem(spent, "code").await.as_deref(),
        Some("one_time_code_wrong")
    );
    assert!(!signed_in(&app, &stranger).await);

    // Five minutes after the password, the step has expired.
    app.clock.advance(Duration::minutes(5));
    let late = code_step(&app, &stranger, &recovery[2]).await;
    assert_eq!(
        problem(late, "code").await.as_deref(),
        Some("second_step_expired")
    );

    let state = json(app.post_form("/api/settings/second-factor", &[]).await).await;
    assert_eq!(state["On"]["recovery_codes_left"], 9);
    let actions = app.audit_actions().await;
    for action in ["second_factor_added", "second_step_failed"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    let mails = app.outbox().await;
    assert!(mails.iter().any(|m| m.kind == "second_factor"));
}

#[tokio::test]
async fn wrong_codes_count_toward_the_login_s_lockout_which_the_right_password_does_not_reset() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (secret, _) = turn_on(&app).await;
    app.clock.advance(Duration::seconds(30));

    // The password, a wrong code, the password again, two wrong codes: the
    // fifth attempt at the login fails and locks it.
    let browser = new_client();
    password_step(&app, &browser).await;
    let wrong = "000000";
    assert_ne!(code_now(&app, &secret), wrong);
    problem(code_step(&app, &browser, wrong).await, "code").await;
    password_step(&app, &browser).await;
    problem(code_step(&app, &browser, wrong).await, "code").await;
    problem(code_step(&app, &browser, wrong).await, "code").await;

    // Now even the right code is refused until the lock ends, and so is
    // the right password.
    let locked = code_step(&app, &browser, &code_now(&app, &secret)).await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(!signed_in(&app, &browser).await);
    let password_again = app
        .post_form_as(
            &browser,
            "/api/sign_in",
            &[
                ("login", demo::PATIENT_LOGIN),
                ("password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(password_again.status(), StatusCode::TOO_MANY_REQUESTS);

    // After the lock, the waiting step takes the app's code.
    app.clock.advance(Duration::seconds(90));
    json(code_step(&app, &browser, &code_now(&app, &secret)).await).await;
    assert!(signed_in(&app, &browser).await);

    // The refusals are the patient's to see.
    let log = json(app.post_form_as(&browser, "/api/access-log", &[]).await).await;
    let wrong_codes = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["what"] == "SecondStepFailed")
        .count();
    assert_eq!(wrong_codes, 3);
    let actions = app.audit_actions().await;
    assert!(actions.iter().any(|a| a == "sign_in_locked"));
}

#[tokio::test]
async fn password_recovery_leaves_the_code_on_and_turning_it_off_needs_the_password_and_is_mailed()
{
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (secret, _) = turn_on(&app).await;
    let refused = app
        .post_form(
            "/api/settings/second-factor/remove",
            &[("current_password", "not-the-password")],
        )
        .await;
    assert_eq!(
        problem(refused, "current_password").await.as_deref(),
        Some("password_wrong")
    );

    // Whoever reads the recovery mailbox sets a new password, and still
    // meets the second step.
    request_code(&app, demo::PATIENT_LOGIN).await;
    let code = latest_code(&app).await;
    assert_eq!(
        reset(&app, &code, NEW_PASSWORD).await.status(),
        StatusCode::OK
    );
    assert!(!signed_in(&app, &app.client).await);
    assert_eq!(
        password_step_with(&app, &app.client, NEW_PASSWORD).await,
        "/login/code"
    );
    app.clock.advance(Duration::seconds(30));
    json(code_step(&app, &app.client, &code_now(&app, &secret)).await).await;

    let before = app.outbox().await.len();
    let removed = app
        .post_form(
            "/api/settings/second-factor/remove",
            &[("current_password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    assert_eq!(
        json(app.post_form("/api/settings/second-factor", &[]).await).await,
        "Off"
    );
    let mails = app.outbox().await;
    assert!(mails[before..]
        .iter()
        .any(|m| m.kind == "second_factor" && m.recipient == "anna.smirnova@example.ru"));
    let actions = app.audit_actions().await;
    assert_eq!(
        actions.last().map(String::as_str),
        Some("second_factor_removed")
    );
    let browser = new_client();
    assert_eq!(password_step_with(&app, &browser, NEW_PASSWORD).await, "/");
    assert!(signed_in(&app, &browser).await);
}

#[tokio::test]
async fn reception_turns_the_code_off_for_a_patient_who_lost_the_phone_only_with_identity_checked()
{
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    turn_on(&app).await;
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let path = "/api/admin/patients/second-factor/remove";
    let unchecked = app
        .post_form_as(&reception, path, &[("mis_patient_id", DEMO_MIS_ID)])
        .await;
    assert_eq!(
        problem(unchecked, "identity_checked").await.as_deref(),
        Some("required")
    );
    // A patient's own session cannot do it.
    let own = app
        .post_form(
            path,
            &[("mis_patient_id", DEMO_MIS_ID), ("identity_checked", "on")],
        )
        .await;
    assert_eq!(own.status(), StatusCode::UNAUTHORIZED);

    let before = app.outbox().await.len();
    let done = app
        .post_form_as(
            &reception,
            path,
            &[("mis_patient_id", DEMO_MIS_ID), ("identity_checked", "on")],
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);
    let again = app
        .post_form_as(
            &reception,
            path,
            &[("mis_patient_id", DEMO_MIS_ID), ("identity_checked", "on")],
        )
        .await;
    assert_eq!(
        problem(again, "mis_patient_id").await.as_deref(),
        Some("second_factor_off")
    );

    assert_eq!(
        json(app.post_form("/api/settings/second-factor", &[]).await).await,
        "Off"
    );
    let mails = app.outbox().await;
    assert!(mails[before..].iter().any(|m| m.kind == "second_factor"));
    let log = json(app.post_form("/api/access-log", &[]).await).await;
    let removed = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["what"] == "SecondFactorRemoved")
        .expect("the removal in the patient's log");
    assert!(removed["who"]["Staff"].is_object(), "{removed}");
}

#[tokio::test]
async fn when_the_clinic_requires_it_a_staff_member_sets_up_the_code_before_anything_else_and_then_signs_in_with_it(
) {
    let app = spawn_demo_app().await;
    let admin = app
        .staff_client(demo::ADMIN_LOGIN, demo::ADMIN_PASSWORD)
        .await;
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let search = |client| {
        app.post_form_as(
            client,
            "/api/admin/patients/list",
            &[("login", demo::PATIENT_LOGIN)],
        )
    };
    assert_eq!(search(&reception).await.status(), StatusCode::OK);

    // Only an admin sets the rule, and only once they have a code themselves.
    let policy = "/api/admin/staff/second-factor-policy";
    let by_reception = app
        .post_form_as(&reception, policy, &[("required", "on")])
        .await;
    assert_eq!(by_reception.status(), StatusCode::FORBIDDEN);
    let too_early = app
        .post_form_as(&admin, policy, &[("required", "on")])
        .await;
    assert_eq!(
        problem(too_early, "required").await.as_deref(),
        Some("own_second_factor_first")
    );
    turn_on_for_staff(&app, &admin, demo::ADMIN_PASSWORD).await;
    let set = app
        .post_form_as(&admin, policy, &[("required", "on")])
        .await;
    assert_eq!(set.status(), StatusCode::OK);

    // Reception, without a code, is sent to set it up, and every staff
    // function refuses them meanwhile.
    assert_eq!(search(&reception).await.status(), StatusCode::FORBIDDEN);
    let home = app.get_as(&reception, "/admin/patients").await;
    assert_eq!(
        home.headers()["location"].to_str().unwrap(),
        "/admin/second-factor"
    );
    let setup = app.get_as(&reception, "/admin/second-factor").await;
    assert_eq!(setup.status(), StatusCode::OK);

    let secret = turn_on_for_staff(&app, &reception, demo::RECEPTION_PASSWORD).await;
    assert_eq!(search(&reception).await.status(), StatusCode::OK);

    // Signing in again takes the code too.
    let browser = new_client();
    let answer = json(
        app.post_form_as(
            &browser,
            "/api/admin/sign_in",
            &[
                ("login", demo::RECEPTION_LOGIN),
                ("password", demo::RECEPTION_PASSWORD),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(answer, "/admin/login/code");
    assert_eq!(search(&browser).await.status(), StatusCode::UNAUTHORIZED);
    app.clock.advance(Duration::seconds(30));
    let signed = json(
        app.post_form_as(
            &browser,
            "/api/admin/sign_in/code",
            &[("code", &code_now(&app, &secret))],
        )
        .await,
    )
    .await;
    assert_eq!(signed, "/admin");
    assert_eq!(search(&browser).await.status(), StatusCode::OK);

    // A lost phone: the admin turns it off, and the rule sends them back.
    let reset = app
        .post_form_as(
            &admin,
            "/api/admin/staff/second-factor/remove",
            &[("login", demo::RECEPTION_LOGIN)],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::OK);
    assert_eq!(search(&browser).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn without_the_wasm_both_steps_are_plain_forms_that_lead_on_and_a_wrong_code_comes_back_to_its_field(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (secret, _) = turn_on(&app).await;
    // Signed out, then back in through plain posts, as a browser without
    // the wasm sends them.
    app.post_form("/api/sign_out", &[]).await;
    assert!(!signed_in(&app, &app.client).await);
    let password = app
        .post_plain_form(
            "/api/sign_in",
            "/login",
            &[
                ("login", demo::PATIENT_LOGIN),
                ("password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(password.status(), StatusCode::FOUND);
    assert_eq!(password.headers()["location"], "/login/code");
    // Only a browser that gave the password is shown the code's page.
    let elsewhere = app.get_as(&new_client(), "/login/code").await;
    assert_eq!(elsewhere.headers()["location"], "/login");
    let (status, page) = app.get_html("/login/code").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Код подтверждения"), "the code's field");

    let wrong = app
        .post_plain_form("/api/sign_in/code", "/login/code", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), StatusCode::FOUND);
    let location = wrong.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let (_, html) = app.get_html(&location[app.address.len()..]).await;
    assert!(html.contains("Код не подошёл"), "the message at the field");

    app.clock.advance(Duration::seconds(30));
    let right = app
        .post_plain_form(
            "/api/sign_in/code",
            "/login/code",
            &[("code", &code_now(&app, &secret))],
        )
        .await;
    assert_eq!(right.status(), StatusCode::FOUND);
    assert_eq!(right.headers()["location"], "/");
    assert!(signed_in(&app, &app.client).await);
}

#[tokio::test]
async fn one_code_sent_from_two_browsers_at_once_signs_in_only_one() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (secret, _) = turn_on(&app).await;
    for round in 0..6 {
        // A new 30-second step each round: its code not yet taken.
        app.clock.advance(Duration::seconds(30));
        let (first, second) = (new_client(), new_client());
        password_step(&app, &first).await;
        password_step(&app, &second).await;
        let code = code_now(&app, &secret);
        let (a, b) = tokio::join!(
            code_step(&app, &first, &code),
            code_step(&app, &second, &code)
        );
        let statuses = [a.status(), b.status()];
        let signed = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(signed, 1, "round {round}: {statuses:?}");
    }
}
