//! Sign-in, sign-out and sessions: cookies, timeouts, lockouts, rate limits.

use crate::helpers::{
    bare_client, error_json, problem_of, set_cookie, spawn_app_with, spawn_demo_app, TestApp,
};
use app::db::accounts;
use app::security::token_hash;
use chrono::Duration;
use reqwest::StatusCode;
use server::demo;

/// GET `path` with only `cookie`, as a browser holding that cookie would.
async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    bare_client()
        .get(format!("{}{path}", app.address))
        .header("accept", "text/html")
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

fn cookie_pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_owned()
}

async fn is_signed_in_with(app: &TestApp, cookie: &str) -> bool {
    get_with_cookie(app, "/", cookie).await.status() == StatusCode::OK
}

#[tokio::test]
async fn the_demo_patient_signs_in_with_an_http_only_lax_host_cookie_and_sees_the_cabinet() {
    let app = spawn_demo_app().await;
    let response = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response, "cabinet").expect("session cookie");
    for part in ["Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=43200"] {
        assert!(cookie.contains(part), "{part} in {cookie}");
    }
    assert!(!cookie.contains("Domain"), "{cookie}");
    // Plain http on this computer: not Secure, so not __Host- either.
    assert!(!cookie.contains("Secure"), "{cookie}");

    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Анна Сергеевна"),
        "the header greets the patient"
    );
    // Signed in, the sign-in page sends the patient home.
    let login_page = app.get("/login").await;
    assert_eq!(login_page.status(), StatusCode::FOUND);
    assert_eq!(login_page.headers()["location"], "/");
}

#[tokio::test]
async fn over_https_the_cookie_is_secure_and_host_prefixed() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.public_url = "https://lk.clinic.example".into();
        config.sessions.secure_cookies = true;
    })
    .await;
    let response = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = set_cookie(&response, "__Host-cabinet").expect("__Host- cookie");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"));
}

#[tokio::test]
async fn the_login_is_found_whatever_the_case_of_its_letters() {
    let app = spawn_demo_app().await;
    let response = app.sign_in("  DeMo ", demo::PATIENT_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_login_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_demo_app().await;
    let unknown = app.sign_in("nobody-here", "some long password 123").await;
    let wrong = app
        .sign_in(demo::PATIENT_LOGIN, "some long password 123")
        .await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status(), unknown.status());
    assert!(set_cookie(&wrong, "cabinet").is_none());
    let (unknown, wrong) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
    assert_eq!(unknown, wrong);
    assert!(unknown.contains("credentials_wrong"), "{unknown}");
}

#[tokio::test]
async fn only_a_hash_of_the_session_token_is_stored_and_each_sign_in_gets_a_new_token() {
    let app = spawn_demo_app().await;
    let first = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let first = cookie_pair(&set_cookie(&first, "cabinet").unwrap());
    let token = first.split_once('=').unwrap().1.to_owned();
    assert_eq!(token.len(), 64, "256 bits as hex");
    let patient = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    let open = app::db::sessions::open_of_patient(&app.db, patient.patient_id)
        .await
        .unwrap();
    assert_eq!(open.len(), 1);
    assert!(
        app::db::sessions::find_open(&app.db, &token)
            .await
            .unwrap()
            .is_none(),
        "the raw token is not a key"
    );
    assert!(app::db::sessions::find_open(&app.db, &token_hash(&token))
        .await
        .unwrap()
        .is_some());

    // Signing in again from the same browser: a new token, the old one dead.
    let second = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let second = cookie_pair(&set_cookie(&second, "cabinet").unwrap());
    assert_ne!(first, second);
    assert!(!is_signed_in_with(&app, &first).await);
    assert!(is_signed_in_with(&app, &second).await);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server_not_only_in_the_browser() {
    let app = spawn_demo_app().await;
    let response = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let cookie = cookie_pair(&set_cookie(&response, "cabinet").unwrap());
    let out = app.post_form("/api/sign_out", &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert!(set_cookie(&out, "cabinet").unwrap().contains("Max-Age=0"));
    // The old cookie, replayed, no longer opens the cabinet.
    let replay = get_with_cookie(&app, "/", &cookie).await;
    assert_eq!(replay.status(), StatusCode::FOUND);
    assert_eq!(replay.headers()["location"], "/login");
    let actions = app.audit_actions().await;
    assert!(
        actions.ends_with(&["signed_in".to_owned(), "signed_out".to_owned()]),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "activity at 29 minutes"
    );
    app.clock.advance(Duration::minutes(29));
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::OK,
        "29 minutes after the last activity"
    );
    app.clock.advance(Duration::minutes(30));
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::FOUND,
        "30 idle minutes"
    );
}

#[tokio::test]
async fn a_session_ends_after_twelve_hours_however_active() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    for _ in 0..47 {
        app.clock.advance(Duration::minutes(15));
        assert_eq!(app.get("/").await.status(), StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(15));
    assert_eq!(
        app.get("/").await.status(),
        StatusCode::FOUND,
        "12 hours after signing in"
    );
}

#[tokio::test]
async fn session_timeouts_are_configurable() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.sessions.patient_idle = Duration::minutes(5);
    })
    .await;
    app.sign_in_demo_patient().await;
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.get("/").await.status(), StatusCode::FOUND);
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_login_with_growing_delays_and_a_clear_message() {
    let app = spawn_demo_app().await;
    for attempt in 1..=5 {
        let response = app
            .sign_in(demo::PATIENT_LOGIN, "wrong but long password")
            .await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    // Locked: even the right password is refused, with when to come back.
    let locked = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let error = error_json(locked).await;
    assert_eq!(error["RateLimited"]["retry_after_secs"], 60);

    app.clock.advance(Duration::seconds(61));
    let sixth_wrong = app
        .sign_in(demo::PATIENT_LOGIN, "wrong but long password")
        .await;
    assert_eq!(sixth_wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let locked = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(
        error_json(locked).await["RateLimited"]["retry_after_secs"],
        120,
        "twice as long"
    );

    app.clock.advance(Duration::seconds(121));
    let response = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let actions = app.audit_actions().await;
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_failed").count(), 6);
    assert_eq!(actions.iter().filter(|a| *a == "sign_in_locked").count(), 2);
}

#[tokio::test]
async fn an_unknown_login_locks_exactly_like_a_real_one() {
    let app = spawn_demo_app().await;
    for _ in 1..=5 {
        app.sign_in("nobody-here", "wrong but long password").await;
    }
    let locked = app.sign_in("nobody-here", "wrong but long password").await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn one_address_trying_too_often_is_slowed_down_with_a_message_not_a_500() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.rate_limit = app::security::RateLimit {
            burst: 3,
            per_minute: 1,
        };
    })
    .await;
    for login in ["a-one", "a-two", "a-three"] {
        let response = app.sign_in(login, "wrong but long password").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    let error = error_json(limited).await;
    assert!(error["RateLimited"]["retry_after_secs"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn an_enormous_password_is_refused_without_being_hashed() {
    let app = spawn_demo_app().await;
    // Longer than the longest password, shorter than the form's limit:
    // parsed, refused, never hashed.
    let long = "x".repeat(600);
    let response = app.sign_in(demo::PATIENT_LOGIN, &long).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(response).await;
    assert_eq!(
        problem_of(&error, "form").as_deref(),
        Some("credentials_wrong")
    );
    // A megabyte is not even read: 413 (not the function's 422) before
    // anything parses it.
    let huge = "x".repeat(1_000_000);
    let response = app.sign_in(demo::PATIENT_LOGIN, &huge).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_hash_with_older_parameters_is_replaced_at_sign_in() {
    let app = spawn_demo_app().await;
    let patient = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    // An argon2id hash of the demo password with a quarter of the memory.
    let weak = {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(
            demo::PATIENT_PASSWORD.as_bytes(),
            &SaltString::generate(&mut OsRng),
        )
        .unwrap()
        .to_string()
    };
    let mut tx = app.db.begin_write().await.unwrap();
    accounts::set_password_hash(&mut tx, patient.patient_id, &weak)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    app.sign_in_demo_patient().await;
    let upgraded = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    assert!(
        upgraded
            .password_hash
            .starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{}",
        upgraded.password_hash
    );
}

#[tokio::test]
async fn the_language_in_use_at_sign_in_is_remembered_for_mail() {
    let app = spawn_demo_app().await;
    let response = app
        .client
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .header("cookie", "i18n_pref_locale=en")
        .form(&[
            ("login", demo::PATIENT_LOGIN),
            ("password", demo::PATIENT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let patient = accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(patient.locale, "en");
}

#[tokio::test]
async fn wrong_passwords_sent_in_parallel_still_lock_the_login() {
    let app = spawn_demo_app().await;
    let mut attempts = Vec::new();
    for _ in 0..10 {
        let client = app.client.clone();
        let address = app.address.clone();
        attempts.push(tokio::spawn(async move {
            client
                .post(format!("{address}/api/sign_in"))
                .header("origin", &address)
                .form(&[
                    ("login", demo::PATIENT_LOGIN),
                    ("password", "wrong but long password"),
                ])
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    let mut checked = 0;
    for attempt in attempts {
        if attempt.await.unwrap() == StatusCode::UNPROCESSABLE_ENTITY {
            checked += 1;
        }
    }
    assert!(checked <= 5, "{checked} passwords were checked");
    let locked = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
}
