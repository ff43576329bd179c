use crate::helpers::spawn_app;
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
async fn every_response_carries_a_request_id_and_keeps_one_given_by_a_proxy() {
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
        .header("x-request-id", "from-the-proxy-42")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "from-the-proxy-42");
}

#[tokio::test]
async fn a_stopped_server_finishes_and_refuses_new_connections() {
    let app = spawn_app().await;
    let address = app.address.clone();
    app.stop().await;
    let refused = reqwest::get(format!("{address}/healthz")).await;
    assert!(refused.is_err());
}
