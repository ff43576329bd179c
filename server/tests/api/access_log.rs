//! «Журнал доступа»: who opened a patient's data, their sign-ins and the
//! attempts at them, only their own; and the mail about a new device.

use crate::helpers::{error_json, json, new_client, problem_of, spawn_demo_app, TestApp};
use crate::mis_api::{call, mis_token};
use crate::requests::{booking, send_booking};
use reqwest::StatusCode;
use serde_json::Value;
use server::demo;

const FIREFOX_ON_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const SAFARI_ON_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) \
     AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";

/// The first page of the log of the patient signed in on `client`.
async fn log_of(app: &TestApp, client: &reqwest::Client, form: &[(&str, &str)]) -> Value {
    json(app.post_form_as(client, "/api/access-log", form).await).await
}

fn entries(log: &Value) -> &Vec<Value> {
    log["entries"].as_array().unwrap()
}

/// The entries that did `what`.
fn doing<'a>(log: &'a Value, what: &str) -> Vec<&'a Value> {
    entries(log).iter().filter(|e| e["what"] == what).collect()
}

fn count_in(log: &Value, what: &str) -> usize {
    doing(log, what).len()
}

/// Every string in `value` but the role names.
fn texts_but_roles(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|v| texts_but_roles(v, out)),
        Value::Object(fields) => fields
            .iter()
            .filter(|(key, _)| *key != "roles")
            .for_each(|(_, v)| texts_but_roles(v, out)),
        _ => {}
    }
}

/// A sign-in posted by a browser that says what it is.
async fn sign_in_from(
    app: &TestApp,
    client: &reqwest::Client,
    user_agent: &str,
    login: &str,
    password: &str,
) -> StatusCode {
    client
        .post(format!("{}/api/sign_in", app.address))
        .header("origin", &app.address)
        .header("user-agent", user_agent)
        .form(&[("login", login), ("password", password)])
        .send()
        .await
        .unwrap()
        .status()
}

/// Signs the demo patient in on `client`, a browser saying it is `user_agent`.
async fn sign_in_demo_on(app: &TestApp, client: &reqwest::Client, user_agent: &str) {
    let status = sign_in_from(
        app,
        client,
        user_agent,
        demo::PATIENT_LOGIN,
        demo::PATIENT_PASSWORD,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_log_names_staff_by_name_and_department_the_mis_by_its_name_and_nothing_of_another_patient(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let other = app.second_patient().await;
    let mine = send_booking(&app, "access-log-form-key-0001").await;
    let theirs = json(
        app.post_form_as(
            &other,
            "/api/booking/send",
            &booking("access-log-form-key-0002", &[]),
        )
        .await,
    )
    .await
    .as_str()
    .unwrap()
    .to_owned();

    // An operator opens both requests in the admin module; reception
    // lists every patient; the MIS reads the requests.
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    for number in [&mine, &theirs] {
        let opened = app
            .post_form_as(&operator, "/api/admin/requests/one", &[("number", number)])
            .await;
        assert_eq!(opened.status(), StatusCode::OK);
    }
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    let listed = app
        .post_form_as(&reception, "/api/admin/patients/list", &[])
        .await;
    assert_eq!(listed.status(), StatusCode::OK);
    let token = mis_token(&app).await;
    let (status, _) = call(&app, &token, reqwest::Method::GET, "/api/v1/requests", None).await;
    assert_eq!(status, StatusCode::OK);

    // Both patients read their logs at the same time.
    let (my_log, their_log) =
        tokio::join!(log_of(&app, &app.client, &[]), log_of(&app, &other, &[]));

    let viewed = doing(&my_log, "RequestViewed");
    assert_eq!(viewed.len(), 1, "{my_log:#}");
    assert_eq!(viewed[0]["subject"], mine.as_str());
    assert_eq!(viewed[0]["who"]["Staff"]["name"], "Оператор контакт-центра");
    assert_eq!(
        viewed[0]["who"]["Staff"]["departments"],
        serde_json::json!(["Контакт-центр"])
    );
    assert_eq!(viewed[0]["ip"], "", "staff addresses are not shown");
    let found = doing(&my_log, "ListedInSearch");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]["who"]["Staff"]["roles"],
        serde_json::json!(["reception"])
    );
    let read = doing(&my_log, "RequestsRead");
    assert_eq!(read.len(), 1);
    assert_eq!(read[0]["who"]["Mis"]["client"], "Тестовая МИС");
    assert!(read[0]["subject"].as_str().unwrap().contains(mine.as_str()));
    let signed_in = doing(&my_log, "SignedIn");
    assert_eq!(signed_in.len(), 1);
    assert_eq!(signed_in[0]["who"], "You");
    assert_eq!(signed_in[0]["ip"], "127.0.0.1");
    assert_eq!(
        doing(&my_log, "Other").len(),
        0,
        "the patient's own booking is not someone opening their data: {my_log:#}"
    );

    let my_text = my_log.to_string();
    assert!(!my_text.contains(theirs.as_str()), "{my_log:#}");
    // Staff are named, never by their login (a role's name may be the
    // same word as a demo login: «operator»).
    let mut texts = Vec::new();
    texts_but_roles(&my_log, &mut texts);
    for login in [demo::OPERATOR_LOGIN, demo::RECEPTION_LOGIN, "ivanov"] {
        assert!(
            texts.iter().all(|text| !text.contains(login)),
            "{login} in {my_log:#}"
        );
    }
    let their_text = their_log.to_string();
    assert!(!their_text.contains(mine.as_str()), "{their_log:#}");
    assert_eq!(
        doing(&their_log, "RequestViewed")[0]["subject"],
        theirs.as_str()
    );

    // The page, as a browser without wasm loads it, in the clinic's words.
    let (status, page) = app.get_html("/access-log").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Журнал доступа"));
    assert!(page.contains("Оператор контакт-центра (Контакт-центр)"));
    assert!(page.contains("МИС «Тестовая МИС»"));
    assert!(page.contains(mine.as_str()));
    assert!(!page.contains(theirs.as_str()));
    let (_, settings) = app.get_html("/settings").await;
    assert!(settings.contains("href=\"/access-log\""));
}

#[tokio::test]
async fn a_strangers_attempts_show_with_device_and_ip_and_the_lockout_they_caused() {
    let app = spawn_demo_app().await;
    let stranger = new_client();
    let guess = || {
        sign_in_from(
            &app,
            &stranger,
            FIREFOX_ON_LINUX,
            demo::PATIENT_LOGIN,
            "not-the-password-2026",
        )
    };
    // The last of the free failures locks the login.
    for _ in 0..app::security::lockout::FREE_FAILURES {
        assert_eq!(guess().await, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(guess().await, StatusCode::TOO_MANY_REQUESTS);
    // Someone typing a login nobody has leaves nothing in anyone's log.
    sign_in_from(&app, &stranger, FIREFOX_ON_LINUX, "nobody", "whatever-2026").await;

    app.clock.advance(chrono::Duration::hours(2));
    app.sign_in_demo_patient().await;
    // Today's entries: the demo's history is older.
    let today = app.context.clinic.local_date(app.clock.now()).to_string();
    let log = log_of(&app, &app.client, &[("from", &today)]).await;

    let failed = doing(&log, "SignInFailed");
    assert_eq!(failed.len(), 5, "{log:#}");
    for entry in &failed {
        assert_eq!(entry["who"], "Unknown");
        assert_eq!(entry["device"], "Firefox, Linux");
        assert_eq!(entry["ip"], "127.0.0.1");
    }
    assert_eq!(doing(&log, "SignInLocked").len(), 1, "{log:#}");
    assert_eq!(doing(&log, "RefusedWhileLocked").len(), 1, "{log:#}");
    // Newest first: the patient's own sign-in after the stranger's tries.
    assert_eq!(entries(&log)[0]["what"], "SignedIn");
    assert_eq!(entries(&log)[0]["who"], "You");
    assert_eq!(entries(&log).len(), 8, "{log:#}");
}

#[tokio::test]
async fn the_log_is_read_a_page_at_a_time_for_a_period_and_a_reversed_period_is_refused_at_the_field(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let reception = app
        .staff_client(demo::RECEPTION_LOGIN, demo::RECEPTION_PASSWORD)
        .await;
    for _ in 0..60 {
        let listed = app
            .post_form_as(
                &reception,
                "/api/admin/patients/list",
                &[("login", demo::PATIENT_LOGIN)],
            )
            .await;
        assert_eq!(listed.status(), StatusCode::OK);
    }
    // The 60 listings, the sign-in and the demo's history: pages of 50,
    // each going on where the one before stopped, the sign-in among the
    // oldest.
    let mut pages = vec![log_of(&app, &app.client, &[]).await];
    while let Some(before) = pages.last().unwrap()["earlier"].as_i64() {
        let before = before.to_string();
        pages.push(log_of(&app, &app.client, &[("before", &before)]).await);
    }
    assert!(pages.len() >= 2);
    let (last, full) = pages.split_last().unwrap();
    assert!(full.iter().all(|page| entries(page).len() == 50));
    assert!(!entries(last).is_empty() && entries(last).len() <= 50);
    let all: Vec<&Value> = pages.iter().flat_map(entries).collect();
    let count = |what: &str| all.iter().filter(|e| e["what"] == what).count();
    assert_eq!(count("ListedInSearch"), 60);
    assert_eq!(count("SignedIn"), 1);
    assert_eq!(
        entries(&pages[0])[0]["what"],
        "ListedInSearch",
        "newest first"
    );

    // A period that ended before today holds none of it.
    let today = app.clock.now().date_naive();
    let day = |days: i64| (today - chrono::Duration::days(days)).to_string();
    let (week_ago, yesterday) = (day(7), day(1));
    let past = log_of(
        &app,
        &app.client,
        &[("from", &week_ago), ("to", &yesterday)],
    )
    .await;
    assert_eq!(count_in(&past, "ListedInSearch"), 0, "{past:#}");
    assert_eq!(count_in(&past, "SignedIn"), 0, "{past:#}");
    let this_week = log_of(&app, &app.client, &[("from", &week_ago)]).await;
    assert_eq!(count_in(&this_week, "ListedInSearch"), 50, "{this_week:#}");

    let reversed = app
        .post_form(
            "/api/access-log",
            &[("from", &yesterday), ("to", &week_ago)],
        )
        .await;
    assert_eq!(reversed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error = error_json(reversed).await;
    assert_eq!(problem_of(&error, "to").as_deref(), Some("period_reversed"));
    let (status, page) = app
        .get_html(&format!("/access-log?from={yesterday}&to={week_ago}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("aria-invalid=\"true\""),
        "the field says what is wrong"
    );
    assert!(
        page.contains(&format!("value=\"{yesterday}\"")),
        "what was typed stays"
    );
}

#[tokio::test]
async fn a_sign_in_on_a_new_device_is_mailed_once_and_not_after_the_patient_turned_it_off() {
    let app = spawn_demo_app().await;
    let new_device_mails = || async {
        app.outbox()
            .await
            .into_iter()
            .filter(|m| m.kind == "new_device")
            .collect::<Vec<_>>()
    };
    // The first device the cabinet sees is nothing new.
    let laptop = new_client();
    sign_in_demo_on(&app, &laptop, FIREFOX_ON_LINUX).await;
    sign_in_demo_on(&app, &laptop, FIREFOX_ON_LINUX).await;
    assert_eq!(new_device_mails().await.len(), 0);

    let phone = new_client();
    sign_in_demo_on(&app, &phone, SAFARI_ON_IPHONE).await;
    let mails = new_device_mails().await;
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0].text_body.contains("Safari, iPhone"),
        "{}",
        mails[0].text_body
    );
    assert!(mails[0].text_body.contains("127.0.0.1"));
    assert!(mails[0].text_body.contains("/access-log"));
    // The phone is known now, its cookie says so.
    sign_in_demo_on(&app, &phone, SAFARI_ON_IPHONE).await;
    assert_eq!(new_device_mails().await.len(), 1);

    // Turned off in «Настройки»: recorded, not mailed.
    let saved = app
        .post_form_as(&phone, "/api/settings/notices", &[("status_mail", "on")])
        .await;
    assert_eq!(saved.status(), StatusCode::OK);
    let tablet = new_client();
    sign_in_demo_on(&app, &tablet, SAFARI_ON_IPHONE).await;
    assert_eq!(new_device_mails().await.len(), 1);
    let details = json(
        app.post_form_as(&tablet, "/api/settings/account", &[])
            .await,
    )
    .await;
    assert_eq!(details["new_device_mail"], false);
    assert_eq!(details["status_mail"], true);
    let new_devices = app
        .audit_actions()
        .await
        .into_iter()
        .filter(|a| a == "new_device_signed_in")
        .count();
    assert_eq!(new_devices, 2);
}
