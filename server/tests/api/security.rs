//! The HTTP security core: same-origin writes, GET never changes anything,
//! security headers, no caching of personal data, the append-only audit log.

use crate::helpers::{spawn_app_with, spawn_demo_app};
use app::db::audit;
use reqwest::StatusCode;
use server::demo;

#[tokio::test]
async fn a_state_changing_request_from_another_origin_is_refused() {
    let app = spawn_demo_app().await;
    let form = [
        ("login", demo::PATIENT_LOGIN),
        ("password", demo::PATIENT_PASSWORD),
    ];
    let url = format!("{}/api/sign_in", app.address);
    let cross_origin = app
        .client
        .post(&url)
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_origin.status(), StatusCode::FORBIDDEN);
    let cross_site = app
        .client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    let no_origin = app.client.post(&url).form(&form).send().await.unwrap();
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    let same_origin = app
        .client
        .post(&url)
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .all(|a| a != "sign_in_failed"),
        "refused requests never ran"
    );
}

#[tokio::test]
async fn a_get_request_never_runs_a_state_changing_server_function() {
    let app = spawn_demo_app().await;
    for path in [
        "/api/sign_in",
        "/api/sign_out",
        "/api/recovery/request",
        "/api/activation/register",
    ] {
        let response = app
            .client
            .get(format!(
                "{}{path}?login={}&password={}",
                app.address,
                demo::PATIENT_LOGIN,
                demo::PATIENT_PASSWORD
            ))
            .send()
            .await
            .unwrap();
        assert!(
            !response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        assert!(response.headers().get("set-cookie").is_none(), "{path}");
    }
    assert!(app.outbox().await.is_empty());
}

#[tokio::test]
async fn pages_carry_a_nonce_csp_without_unsafe_eval_and_the_other_security_headers() {
    let app = spawn_demo_app().await;
    let response = app.get("/login").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(
        !csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    assert!(nonce.len() >= 16, "{nonce}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert_eq!(headers["cache-control"], "no-store");
    assert!(
        headers.get("strict-transport-security").is_none(),
        "no HSTS over plain http"
    );
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the nonce"
    );

    // Another page, another nonce.
    let again = app.get("/login").await;
    let csp_again = again.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_ne!(csp, csp_again);
}

#[tokio::test]
async fn server_function_answers_are_never_cached_and_get_a_strict_csp() {
    let app = spawn_demo_app().await;
    let response = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("default-src 'none'"));
}

#[tokio::test]
async fn over_https_every_response_asks_for_https_from_now_on() {
    let app = spawn_app_with(|config| {
        config.public_url = "https://lk.clinic.example".into();
        config.sessions.secure_cookies = true;
    })
    .await;
    let response = app.get("/healthz").await;
    assert!(response.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
}

#[tokio::test]
async fn the_audit_log_records_who_when_and_from_where_and_refuses_changes() {
    let app = spawn_demo_app().await;
    app.sign_in(demo::PATIENT_LOGIN, "a wrong long password")
        .await;
    app.sign_in_demo_patient().await;
    let rows = audit::all(&app.db).await.unwrap();
    let failed = rows.iter().find(|r| r.action == "sign_in_failed").unwrap();
    assert_eq!(failed.ip, "127.0.0.1");
    assert!(!failed.request_id.is_empty());
    assert!(
        failed.patient_id.is_some(),
        "a failure on a real account names it"
    );
    let signed_in = rows.iter().find(|r| r.action == "signed_in").unwrap();
    assert_eq!(signed_in.at, app.clock.now());
    assert_eq!(signed_in.actor_patient_id, signed_in.patient_id);
    for row in &rows {
        assert!(!row.detail.contains(demo::PATIENT_PASSWORD) && !row.detail.contains("wrong"));
    }

    let update = app::db::with_db!(&app.db, pool => {
        sqlx::query("UPDATE audit_log SET action = 'nothing'").execute(pool).await.map(|_| ())
    });
    assert!(update.is_err(), "UPDATE must be refused");
    let delete = app::db::with_db!(&app.db, pool => {
        sqlx::query("DELETE FROM audit_log").execute(pool).await.map(|_| ())
    });
    assert!(delete.is_err(), "DELETE must be refused");
    assert_eq!(audit::all(&app.db).await.unwrap().len(), rows.len());
}

#[tokio::test]
async fn a_form_posted_without_wasm_comes_back_to_its_page_with_the_error_not_as_raw_json() {
    let app = spawn_demo_app().await;
    let response = app
        .post_plain_form(
            "/api/sign_in",
            "/login",
            &[
                ("login", demo::PATIENT_LOGIN),
                ("password", "a wrong long password"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/login?", app.address)),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
    // Followed, the sign-in page shows the message.
    let (status, html) = app.get_html(&location[app.address.len()..]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Неверный логин или пароль."),
        "the error is shown on the page"
    );

    let ok = app
        .post_plain_form(
            "/api/sign_in",
            "/login",
            &[
                ("login", demo::PATIENT_LOGIN),
                ("password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(ok.headers()["location"], "/");
}

#[tokio::test]
async fn arguments_that_do_not_parse_are_a_bad_request_not_a_500() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let response = app
        .post_form(
            "/api/settings/sessions/end",
            &[("session_id", "not-a-number")],
        )
        .await;
    let status = response.status();
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.text().await.unwrap()
    );
    let missing = app.post_form("/api/sign_in", &[("login", "demo")]).await;
    assert_eq!(missing.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_clients() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let response = app
        .client
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[
            ("login", demo::PATIENT_LOGIN),
            ("password", demo::PATIENT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let rows = audit::all(&app.db).await.unwrap();
    assert_eq!(rows.last().unwrap().ip, "203.0.113.7");
}

#[tokio::test]
async fn an_untrusted_peer_cannot_choose_its_address_with_a_header() {
    let app = spawn_demo_app().await;
    let response = app
        .client
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[
            ("login", demo::PATIENT_LOGIN),
            ("password", demo::PATIENT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        audit::all(&app.db).await.unwrap().last().unwrap().ip,
        "127.0.0.1"
    );
}
