//! Two instances of the server on one database, as behind a load balancer:
//! an address's attempts and a login's lockout are counted once across
//! both, and a burst of sign-ins is answered "busy" at once beyond what
//! the password hashing can take, while pages go on being served.

use crate::helpers::{error_json, new_client, spawn_app_with};
use app::security::RateLimit;
use reqwest::StatusCode;
use server::demo;

const SMALL: RateLimit = RateLimit {
    burst: 4,
    per_minute: 1,
};

/// A sign-in from a new browser on the page of the instance at `address`.
async fn sign_in_at(address: &str, login: &str, password: &str) -> reqwest::Response {
    new_client()
        .post(format!("{address}/api/sign_in"))
        .header("origin", address)
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn an_address_gets_one_budget_of_attempts_across_two_instances_not_one_each() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.rate_limit = SMALL;
    })
    .await;
    let other = app
        .another_instance_with(|config| config.rate_limit = SMALL)
        .await;
    // Four attempts, alternating between the instances, use the budget…
    for (n, address) in [&app.address, &other.address]
        .into_iter()
        .cycle()
        .take(4)
        .enumerate()
    {
        let response = sign_in_at(address, &format!("nobody-{n}"), "wrong but long").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    // …and the fifth is refused by either, even with the right password.
    for address in [&app.address, &other.address] {
        let refused = sign_in_at(address, demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD).await;
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        let error = error_json(refused).await;
        assert!(error["RateLimited"]["retry_after_secs"].as_u64().unwrap() >= 1);
    }
    // A minute later the address has regained one attempt, whichever
    // instance it reaches.
    app.clock.advance(chrono::Duration::minutes(1));
    other.clock.advance(chrono::Duration::minutes(1));
    let allowed = sign_in_at(&other.address, demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD).await;
    assert_eq!(allowed.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_login_locked_through_one_instance_is_locked_through_the_other() {
    let app = spawn_app_with(|config| config.demo = true).await;
    let other = app.another_instance().await;
    for address in [&app.address, &other.address].into_iter().cycle().take(5) {
        let response = sign_in_at(address, demo::PATIENT_LOGIN, "wrong but long").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    for address in [&app.address, &other.address] {
        let locked = sign_in_at(address, demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD).await;
        assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}

#[tokio::test]
async fn two_hundred_sign_ins_at_once_are_answered_busy_beyond_the_queue_while_pages_go_on() {
    let app = spawn_app_with(|config| config.demo = true).await;
    app.sign_in_demo_patient().await;
    let burst: Vec<_> = (0..200)
        .map(|n| {
            let address = app.address.clone();
            tokio::spawn(async move {
                new_client()
                    .post(format!("{address}/api/sign_in"))
                    .header("origin", &address)
                    .form(&[
                        ("login", format!("nobody-{n}").as_str()),
                        ("password", "wrong but long"),
                    ])
                    .send()
                    .await
                    .map(|response| response.status())
            })
        })
        .collect();
    // A signed-in page while the burst is on.
    let (status, html) = app.get_html("/requests").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Все запросы"), "{html}");

    let (mut answered, mut busy) = (0, 0);
    for call in burst {
        match call.await.unwrap().unwrap() {
            StatusCode::UNPROCESSABLE_ENTITY => answered += 1,
            StatusCode::SERVICE_UNAVAILABLE => busy += 1,
            other => panic!("a sign-in answered {other}"),
        }
    }
    println!("{answered} sign-ins checked, {busy} answered busy");
    // Bounded: some were checked, the excess was told "busy" (503, not a
    // 500, not a wait without end); the unit test of the hasher shows the
    // exact bound.
    assert!(answered >= 1 && busy >= 1, "{answered} / {busy}");
}
