use crate::helpers::{spawn_app, spawn_app_with};
use reqwest::StatusCode;

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = spawn_app().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_answers_when_the_database_is_reachable() {
    let app = spawn_app().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn readyz_fails_when_the_database_is_gone_while_healthz_still_answers() {
    let app = spawn_app().await;
    app.make_database_unreachable().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.text().await.unwrap(), "database unreachable");
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_a_request_id_of_ours_whatever_the_client_sends() {
    let app = spawn_app().await;
    for path in ["/healthz", "/", "/no-such-page"] {
        let response = app.get(path).await;
        let id = response
            .headers()
            .get("x-request-id")
            .expect("x-request-id header");
        assert!(!id.is_empty(), "{path}");
    }
    let response = app
        .client
        .get(format!("{}/healthz", app.address))
        .header("x-request-id", "client-chosen-42")
        .send()
        .await
        .unwrap();
    let id = response.headers()["x-request-id"].to_str().unwrap();
    assert_ne!(id, "client-chosen-42");
    assert_eq!(id.len(), 36, "a UUID of ours: {id}");
}

#[tokio::test]
async fn a_request_id_given_by_our_own_proxy_is_kept_if_it_looks_like_one() {
    let app = spawn_app_with(|config| {
        config.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let with_id = |id: &'static str| {
        app.client
            .get(format!("{}/healthz", app.address))
            .header("x-request-id", id)
            .send()
    };
    let response = with_id("from-the-proxy-42").await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "from-the-proxy-42");
    let response = with_id("two words").await.unwrap();
    assert_ne!(response.headers()["x-request-id"], "two words");
}

#[tokio::test]
async fn a_stopped_server_finishes_and_refuses_new_connections() {
    let app = spawn_app().await;
    let address = app.address.clone();
    app.stop().await;
    let refused = reqwest::get(format!("{address}/healthz")).await;
    assert!(refused.is_err());
}
