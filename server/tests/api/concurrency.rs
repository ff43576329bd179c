//! Many people at once, as on a Monday morning: every signed-in page and the
//! server functions behind them, thousands of times, dozens at a time, for
//! two patients and an operator. Asserts correctness, never speed: not one
//! answer is a server error, and every answer holds its own reader's data
//! and nobody else's.
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
/// Times every call of every reader is made.
const ROUNDS: usize = 40;

/// Someone signed in, and what only their answers may hold.
struct Reader {
    client: reqwest::Client,
    login: &'static str,
    /// The header's greeting, which every page of theirs shows.
    greeting: String,
    /// The patient's requests' numbers, newest first (none for staff).
    requests: Vec<String>,
    /// What must never appear in their answers: the others' data.
    foreign: Vec<String>,
    calls: Vec<Call>,
}

/// One call a page or its script makes.
#[derive(Clone, Debug)]
enum Call {
    Page(String),
    ServerFn(&'static str, Vec<(&'static str, String)>),
}

fn greeting(name: &str) -> String {
    format!("<span class=\"account-name\">{name}</span>")
}

/// Every signed-in page of a patient and the server functions they call.
fn patient_calls(requests: &[String]) -> Vec<Call> {
    let mut pages = vec!["/".to_owned()];
    pages.extend(Section::ALL.iter().map(|section| section.path().to_owned()));
    pages.extend(
        [
            "/booking?tab=list",
            "/home-visit?tab=list",
            "/feedback?tab=list",
            "/requests?status=sent",
        ]
        .map(str::to_owned),
    );
    pages.extend(requests.iter().map(|number| format!("/requests/{number}")));
    let mut calls: Vec<Call> = pages.into_iter().map(Call::Page).collect();
    calls.extend([
        Call::ServerFn(
            "requests/list",
            vec![("kind", String::new()), ("status", String::new())],
        ),
        Call::ServerFn("requests/one", vec![("number", requests[0].clone())]),
        Call::ServerFn("settings/account", vec![]),
        Call::ServerFn("settings/sessions", vec![]),
        Call::ServerFn("booking/options", vec![]),
        Call::ServerFn("requests/draft", vec![("form", "booking".to_owned())]),
    ]);
    calls
}

/// The operator's pages and the queue behind them.
fn operator_calls() -> Vec<Call> {
    let mut calls: Vec<Call> = [
        "/admin",
        "/admin/requests",
        "/admin/requests?status=sent",
        "/admin/requests/З-2026-000001",
    ]
    .map(|path| Call::Page(path.to_owned()))
    .into();
    calls.push(Call::ServerFn("admin/requests/list", vec![]));
    calls
}

/// Makes `call` as `reader`; a description of what was wrong, if anything.
async fn check(app: &TestApp, reader: &Reader, call: &Call) -> Option<String> {
    let who = reader.login;
    let (what, status, body) = match call {
        Call::Page(path) => {
            let response = match reader
                .client
                .get(format!("{}{}", app.address, path))
                .header("accept", "text/html")
                .send()
                .await
            {
                Ok(response) => response,
                Err(error) => return Some(format!("{path} for {who}: {error}")),
            };
            (path.as_str(), response.status(), markup_of(response).await)
        }
        Call::ServerFn(name, form) => {
            let form: Vec<(&str, &str)> = form
                .iter()
                .map(|(field, value)| (*field, value.as_str()))
                .collect();
            let response = app
                .post_form_as(&reader.client, &format!("/api/{name}"), &form)
                .await;
            let status = response.status();
            (*name, status, response.text().await.unwrap_or_default())
        }
    };
    if status != StatusCode::OK {
        return Some(format!("{what} for {who}: {status}"));
    }
    if let Some(foreign) = reader
        .foreign
        .iter()
        .find(|text| body.contains(text.as_str()))
    {
        return Some(format!("{what} for {who}: shows another's «{foreign}»"));
    }
    let json = || serde_json::from_str::<Value>(&body).unwrap_or_default();
    let own = match (call, what) {
        (Call::Page(_), _) => body.contains(&reader.greeting),
        (_, "requests/list") => {
            let numbers: Vec<String> = json()
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|request| request["number"].as_str().map(str::to_owned))
                .collect();
            numbers == reader.requests
        }
        (_, "settings/account") => json()["login"] == reader.login,
        _ => true,
    };
    (!own).then(|| format!("{what} for {who}: not their own data"))
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_signed_in_page_answers_each_reader_with_their_own_data_under_concurrent_load() {
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
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;

    let anna_requests = numbers_of(&app, &app.client).await;
    let pyotr_requests = numbers_of(&app, &second).await;
    assert!(!anna_requests.is_empty() && pyotr_requests.len() == 1);
    let (anna, pyotr) = ("Анна Сергеевна", "Пётр Ильич");
    let readers = [
        Reader {
            client: app.client.clone(),
            login: demo::PATIENT_LOGIN,
            greeting: greeting(anna),
            calls: patient_calls(&anna_requests),
            foreign: [vec![pyotr.to_owned()], pyotr_requests.clone()].concat(),
            requests: anna_requests.clone(),
        },
        Reader {
            client: second,
            login: "ivanov",
            greeting: greeting(pyotr),
            calls: patient_calls(&pyotr_requests),
            foreign: [vec![anna.to_owned()], anna_requests].concat(),
            requests: pyotr_requests,
        },
        Reader {
            client: operator,
            login: demo::OPERATOR_LOGIN,
            greeting: greeting("Оператор контакт-центра"),
            calls: operator_calls(),
            foreign: vec![greeting(anna), greeting(pyotr)],
            requests: Vec::new(),
        },
    ];

    // Everyone's calls, interleaved, round after round.
    let mut work = Vec::new();
    for _ in 0..ROUNDS {
        for reader in &readers {
            work.extend(reader.calls.iter().map(|call| (reader, call)));
        }
    }
    let total = work.len();
    assert!(total >= 2_000, "{total} calls are too few to overlap");

    let app = &app;
    let failures: Vec<String> = futures_util::stream::iter(work)
        .map(|(reader, call)| async move { check(app, reader, call).await })
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
