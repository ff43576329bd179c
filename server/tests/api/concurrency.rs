//! Many patients at once, as on a Monday morning: every signed-in page and
//! the server functions behind them, thousands of times, dozens at a time,
//! for two patients. Asserts correctness, never speed: not one answer is a
//! server error, and every answer holds its own patient's data and nobody
//! else's.
//!
//! One page rendered at a time hides what one render may share with
//! another (a reactive value read outside the request that owns it); only
//! renders that overlap on the same worker threads show it, so this runs
//! on a multi-threaded runtime with many requests in flight.

use crate::helpers::{markup_of, spawn_demo_app, TestApp};
use app::sections::Section;
use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::Value;
use server::demo;

/// Requests in flight at once.
const IN_FLIGHT: usize = 48;
/// Times every call of both patients is made.
const ROUNDS: usize = 48;

/// A signed-in patient and what only their answers may hold.
struct Patient {
    client: reqwest::Client,
    login: &'static str,
    /// How the header greets them.
    address_as: &'static str,
    /// Their requests' numbers.
    requests: Vec<String>,
}

/// One call a page or its script makes.
#[derive(Clone, Debug)]
enum Call {
    Page(String),
    ServerFn(&'static str, Vec<(&'static str, String)>),
}

/// Every signed-in page and the server functions they call, for `patient`.
fn calls_of(patient: &Patient) -> Vec<Call> {
    let mut pages = vec!["/".to_owned()];
    pages.extend(Section::ALL.iter().map(|section| section.path().to_owned()));
    pages.extend(
        [
            "/booking?tab=list",
            "/home-visit?tab=list",
            "/feedback?tab=list",
        ]
        .map(str::to_owned),
    );
    pages.push("/requests?status=sent".to_owned());
    pages.extend(
        patient
            .requests
            .iter()
            .map(|number| format!("/requests/{number}")),
    );
    let mut calls: Vec<Call> = pages.into_iter().map(Call::Page).collect();
    calls.extend([
        Call::ServerFn(
            "requests/list",
            vec![("kind", String::new()), ("status", String::new())],
        ),
        Call::ServerFn(
            "requests/one",
            vec![("number", patient.requests[0].clone())],
        ),
        Call::ServerFn("settings/account", vec![]),
        Call::ServerFn("settings/sessions", vec![]),
        Call::ServerFn("booking/options", vec![]),
        Call::ServerFn("requests/draft", vec![("form", "booking".to_owned())]),
    ]);
    calls
}

/// Makes `call` as `patient`; a description of what was wrong, if anything.
async fn check(app: &TestApp, patient: &Patient, other: &Patient, call: &Call) -> Option<String> {
    match call {
        Call::Page(path) => {
            let response = match patient
                .client
                .get(format!("{}{}", app.address, path))
                .header("accept", "text/html")
                .send()
                .await
            {
                Ok(response) => response,
                Err(error) => return Some(format!("{path} for {}: {error}", patient.login)),
            };
            let status = response.status();
            let html = markup_of(response).await;
            if status != StatusCode::OK {
                return Some(format!("{path} for {}: {status}", patient.login));
            }
            let greeting = format!("<span class=\"account-name\">{}</span>", patient.address_as);
            if !html.contains(&greeting) {
                return Some(format!("{path} for {}: not greeted by name", patient.login));
            }
            if html.contains(other.address_as)
                || other.requests.iter().any(|number| html.contains(number))
            {
                return Some(format!(
                    "{path} for {}: shows {}'s data",
                    patient.login, other.login
                ));
            }
            None
        }
        Call::ServerFn(name, form) => {
            let response = app
                .post_form_as(
                    &patient.client,
                    &format!("/api/{name}"),
                    &form
                        .iter()
                        .map(|(field, value)| (*field, value.as_str()))
                        .collect::<Vec<_>>(),
                )
                .await;
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            if status != StatusCode::OK {
                return Some(format!("{name} for {}: {status} {body}", patient.login));
            }
            let json = || serde_json::from_str::<Value>(&body).unwrap_or_default();
            let mixed = match *name {
                "requests/list" => {
                    let numbers: Vec<String> = json()
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|request| request["number"].as_str().map(str::to_owned))
                        .collect();
                    numbers != patient.requests
                }
                "settings/account" => json()["login"] != patient.login,
                _ => other.requests.iter().any(|number| body.contains(number)),
            };
            mixed.then(|| format!("{name} for {}: not their data: {body}", patient.login))
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_signed_in_page_answers_each_patient_with_their_own_data_under_concurrent_load() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let second = app.second_patient().await;
    let booking = app
        .post_form_as(
            &second,
            "/api/booking/send",
            &[
                ("idempotency_key", "concurrency-second-patient-booking"),
                ("reason", "Плановый осмотр"),
                ("desired_date", "2026-12-01"),
                ("specialist", "Терапевт"),
                ("clinic", "spir"),
                ("time_of_day", "morning"),
                ("comment", ""),
            ],
        )
        .await;
    assert_eq!(booking.status(), StatusCode::OK);

    let anna = Patient {
        requests: numbers_of(&app, &app.client).await,
        client: app.client.clone(),
        login: demo::PATIENT_LOGIN,
        address_as: "Анна Сергеевна",
    };
    let pyotr = Patient {
        requests: numbers_of(&app, &second).await,
        client: second,
        login: "ivanov",
        address_as: "Пётр Ильич",
    };
    assert!(!anna.requests.is_empty() && pyotr.requests.len() == 1);

    // Both patients' calls, interleaved, round after round.
    let patients = [(&anna, &pyotr), (&pyotr, &anna)];
    let rounds: Vec<Vec<Call>> = patients.iter().map(|(p, _)| calls_of(p)).collect();
    let mut work = Vec::new();
    for _ in 0..ROUNDS {
        for (index, calls) in rounds.iter().enumerate() {
            work.extend(calls.iter().map(|call| (index, call.clone())));
        }
    }
    let total = work.len();
    assert!(total >= 2_000, "{total} calls are too few to overlap");

    let failures: Vec<String> = futures_util::stream::iter(work)
        .map(|(index, call)| {
            let (patient, other) = patients[index];
            let app = &app;
            async move { check(app, patient, other, &call).await }
        })
        .buffer_unordered(IN_FLIGHT)
        .filter_map(|failure| async move { failure })
        .collect()
        .await;
    assert!(
        failures.is_empty(),
        "{} of {total} calls went wrong, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The numbers of the requests `client`'s patient has, newest first.
async fn numbers_of(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let response = app
        .post_form_as(
            client,
            "/api/requests/list",
            &[("kind", ""), ("status", "")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|request| request["number"].as_str().unwrap().to_owned())
        .collect()
}
