//! «Календарь событий» and «Действующие направления» as the MIS feeds
//! them: the patient's own appointments in the clinic's time, an
//! appointment's memo and `.ics`, cancel and change requests (one open of
//! each per appointment), the personal calendar feed, and booking by
//! referrals. The demo's clock stands at 26.11.2026 12:00 Moscow time.

use crate::helpers::{bare_client, error_json, problem_of, spawn_demo_app, TestApp};
use app::db::with_db;
use reqwest::StatusCode;
use serde_json::Value;

fn key(n: u32) -> String {
    format!("calendar-form-key-{n:06}")
}

async fn number_of(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    response.json::<String>().await.unwrap()
}

async fn content_of(app: &TestApp, number: &str) -> Value {
    let content: String = with_db!(&app.db, pool => {
        sqlx::query_scalar("SELECT content FROM patient_requests WHERE number = $1")
            .bind(number)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    serde_json::from_str(&content).unwrap()
}

#[tokio::test]
async fn the_calendar_shows_the_patients_own_appointments_in_the_clinics_time() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/calendar").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Ноябрь 2026"), "the clinic's month");
    // Upcoming first, by start; 10:30 in Moscow, not 07:30 UTC.
    let first = html.find("28.11.2026 10:30").expect("A-1001 in the list");
    let second = html.find("05.12.2026 09:00").expect("A-1002 in the list");
    assert!(first < second);
    assert!(html.contains("Петров Пётр Петрович, Кардиолог"));
    assert!(html.contains(r#"href="/calendar/A-1001""#), "{html}");
    assert!(
        !html.contains("06.11.2026 11:00"),
        "past ones are a tab away"
    );
    let (_, past) = app.get_html("/calendar?list=past").await;
    assert!(past.find("06.11.2026 11:00").unwrap() < past.find("12.10.2026 18:30").unwrap());
    assert!(past.contains("Приём состоялся"));
    let (_, december) = app.get_html("/calendar?month=2026-12").await;
    assert!(december.contains("Декабрь 2026") && december.contains(">09:00<"));
    let (status, _) = app.get_html("/calendar?month=garbage").await;
    assert_eq!(status, StatusCode::OK, "a mistyped month shows this month");

    // Another patient has none of them, and cannot open one.
    let other = app.second_patient().await;
    let html = crate::helpers::markup_of(app.get_as(&other, "/calendar").await).await;
    assert!(!html.contains("Петров Пётр Петрович") && !html.contains("/calendar/A-1001"));
    for path in ["/calendar/A-1001/memo", "/calendar/A-1001/event.ics"] {
        let response = app.get_as(&other, path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let page = crate::helpers::markup_of(app.get_as(&other, "/calendar/A-1001").await).await;
    assert!(
        !page.contains("Не пейте кофе") && !page.contains("Кардиолог"),
        "{page}"
    );
}

#[tokio::test]
async fn an_appointment_shows_its_memo_to_read_and_download_and_adds_to_a_calendar() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/calendar/A-1001").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Повторный приём",
        "Клиника на Спиридоньевском",
        "Москва, Спиридоньевский пер., 5",
        "Памятка по подготовке",
        "не пейте кофе",
        "Отменить запись",
        "Изменить запись",
    ] {
        assert!(html.contains(shown), "{shown} missing");
    }
    let memo = app.get("/calendar/A-1001/memo").await;
    assert_eq!(memo.status(), StatusCode::OK);
    assert_eq!(memo.headers()["cache-control"], "no-store");
    assert_eq!(
        memo.headers()["content-disposition"],
        "attachment; filename=\"memo.txt\""
    );
    assert!(memo
        .text()
        .await
        .unwrap()
        .starts_with("Приходите за 15 минут"));
    assert_eq!(
        app.get("/calendar/A-1002/memo").await.status(),
        StatusCode::NOT_FOUND
    );

    let ics = app.get("/calendar/A-1001/event.ics").await;
    assert_eq!(
        ics.headers()["content-type"],
        "text/calendar; charset=utf-8"
    );
    let text = ics.text().await.unwrap();
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .collect();
    assert_eq!(events.len(), 1);
    use icalendar::{Component, EventLike};
    assert_eq!(
        events[0].get_summary(),
        Some("Повторный приём: Петров Пётр Петрович")
    );
    assert!(events[0]
        .get_location()
        .unwrap()
        .contains("Спиридоньевский"));
    assert!(text.contains("DTSTART:20261128T073000Z"), "{text}");

    // Signed out, the files lead to the sign-in page.
    let anonymous = bare_client()
        .get(format!("{}/calendar/A-1001/memo", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn cancelling_sends_one_open_request_about_the_appointment_and_changes_nothing_until_the_mis_does(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let k1 = key(1);
    let cancel = [
        ("idempotency_key", k1.as_str()),
        ("appointment", "A-1001"),
        ("reason", "Заболела"),
    ];
    let number = number_of(app.post_form("/api/calendar/cancel", &cancel).await).await;
    let content = content_of(&app, &number).await;
    assert_eq!(content["kind"], "cancel_appointment");
    assert_eq!(content["appointment"]["appointment_id"], "A-1001");
    assert_eq!(content["appointment"]["starts_at"], "2026-11-28T10:30:00");

    // A second cancel of it is refused with a message, and writes nothing.
    let k2 = key(2);
    let again = [
        ("idempotency_key", k2.as_str()),
        ("appointment", "A-1001"),
        ("reason", ""),
    ];
    let refused = app.post_form("/api/calendar/cancel", &again).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("already_requested")
    );

    // The appointment is as the MIS left it; its page lists the request.
    let (_, html) = app.get_html("/calendar/A-1001").await;
    assert!(
        html.contains(&number) && html.contains("Отправлена"),
        "{html}"
    );
    assert!(!html.contains("Запись отменена"));

    // A change with a new date goes too; a past one cannot be touched, nor
    // another patient's.
    let k3 = key(3);
    let change = [
        ("idempotency_key", k3.as_str()),
        ("appointment", "A-1001"),
        ("desired_date", "2026-12-03"),
        ("time_of_day", "evening"),
        ("comment", ""),
    ];
    let changed = number_of(app.post_form("/api/calendar/change", &change).await).await;
    assert_eq!(
        content_of(&app, &changed).await["desired_date"],
        "2026-12-03"
    );
    let k4 = key(4);
    let past = [
        ("idempotency_key", k4.as_str()),
        ("appointment", "A-1003"),
        ("reason", ""),
    ];
    let refused = app.post_form("/api/calendar/cancel", &past).await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("appointment_closed")
    );
    let k5 = key(5);
    let no_date = [
        ("idempotency_key", k5.as_str()),
        ("appointment", "A-1002"),
        ("desired_date", ""),
    ];
    let refused = app.post_form("/api/calendar/change", &no_date).await;
    assert_eq!(
        problem_of(&error_json(refused).await, "desired_date").as_deref(),
        Some("required")
    );
    let other = app.second_patient().await;
    let k6 = key(6);
    let stranger = [
        ("idempotency_key", k6.as_str()),
        ("appointment", "A-1002"),
        ("reason", ""),
    ];
    let refused = app
        .post_form_as(&other, "/api/calendar/cancel", &stranger)
        .await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("choice_invalid")
    );
}

/// Makes the demo patient's feed: its address's path.
async fn make_feed(app: &TestApp, with_details: bool) -> String {
    let form: &[(&str, &str)] = if with_details {
        &[("with_details", "on")]
    } else {
        &[]
    };
    let response = app
        .post_form("/api/settings/calendar-feed/make", form)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let made: Value = response.json().await.unwrap();
    let url = made["url"].as_str().unwrap();
    url[url.find("/calendar/feed/").unwrap()..].to_owned()
}

async fn feed(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = bare_client()
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    (response.status(), response.text().await.unwrap())
}

#[tokio::test]
async fn the_calendar_feed_lists_the_appointments_with_only_what_the_patient_shares_until_replaced_or_revoked(
) {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let private = make_feed(&app, false).await;
    let (status, text) = feed(&app, &private).await;
    assert_eq!(status, StatusCode::OK);
    let calendar: icalendar::Calendar = text.parse().unwrap();
    assert_eq!(
        calendar
            .components
            .iter()
            .filter(|c| c.as_event().is_some())
            .count(),
        5
    );
    assert!(text.contains("Приём в клинике"));
    assert!(
        !text.contains("Петров") && !text.contains("Спиридоньевский"),
        "{text}"
    );
    assert!(text.contains("UID:A-1001@"));

    // Made anew with details: the old address stops working.
    let detailed = make_feed(&app, true).await;
    assert_eq!(feed(&app, &private).await.0, StatusCode::NOT_FOUND);
    let (_, text) = feed(&app, &detailed).await;
    let calendar: icalendar::Calendar = text.parse().unwrap();
    let first = calendar
        .components
        .iter()
        .find_map(|c| c.as_event())
        .unwrap();
    use icalendar::{Component, EventLike};
    let summaries: Vec<_> = calendar
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| e.get_summary())
        .collect();
    assert!(
        summaries.contains(&"Повторный приём: Петров Пётр Петрович"),
        "{summaries:?}"
    );
    assert!(first.get_location().is_some_and(|l| l.contains("Москва")));
    let (_, settings) = app.get_html("/settings").await;
    assert!(settings.contains("Подписка на календарь") && !settings.contains(&detailed));

    let revoked = app
        .post_form("/api/settings/calendar-feed/revoke", &[])
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    assert_eq!(feed(&app, &detailed).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        feed(&app, "/calendar/feed/nothing.ics").await.0,
        StatusCode::NOT_FOUND
    );

    // Another patient's feed has none of the demo patient's appointments.
    let other = app.second_patient().await;
    let response = app
        .post_form_as(
            &other,
            "/api/settings/calendar-feed/make",
            &[("with_details", "on")],
        )
        .await;
    let made: Value = response.json().await.unwrap();
    let url = made["url"].as_str().unwrap();
    let (_, text) = feed(&app, &url[url.find("/calendar/feed/").unwrap()..]).await;
    assert!(!text.contains("BEGIN:VEVENT"), "{text}");
}

#[tokio::test]
async fn active_referrals_are_offered_and_booking_by_them_records_them() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/referrals").await;
    assert_eq!(status, StatusCode::OK);
    for shown in [
        "Консультация кардиолога",
        "УЗИ щитовидной железы",
        "Общий анализ крови",
        "Иванова Мария Олеговна",
    ] {
        assert!(html.contains(shown), "{shown}");
    }
    assert!(!html.contains("Консультация эндокринолога"), "expired");
    // Only the lab test's box is disabled, and it says why.
    let input_of = |id: &str| {
        let at = html.find(&format!(r#"value="{id}""#)).unwrap();
        let start = html[..at].rfind("<input").unwrap();
        html[start..start + html[start..].find('>').unwrap()].to_owned()
    };
    assert!(
        input_of("R-2003").contains("disabled"),
        "{}",
        input_of("R-2003")
    );
    assert!(input_of("R-2003").contains(r#"aria-describedby="referral-R-2003-why""#));
    assert!(!input_of("R-2001").contains("disabled"));
    assert!(html.contains("Анализы сдаются без записи"));
    assert!(html.contains(r#"action="/booking""#) && html.contains(r#"method="get""#));

    // Ticked: the booking form starts with them.
    let (_, form) = app
        .get_html("/booking?referral=R-2001&referral=R-2002&referral=R-2003")
        .await;
    // Soonest to expire first, as the referrals page lists them.
    assert!(form.contains("По направлению:"), "{form}");
    assert!(form.contains("Консультация кардиолога (Иванова Мария Олеговна, до 05.01.2027)"));
    assert!(
        !form.contains("Общий анализ крови"),
        "a lab test is not booked"
    );
    assert!(
        form.contains(r#"name="referrals" value="R-2002,R-2001""#),
        "{form}"
    );

    let k = key(10);
    let send = |referrals: &'static str, k: &str| {
        vec![
            ("idempotency_key".to_owned(), k.to_owned()),
            ("reason".to_owned(), "По направлению".to_owned()),
            ("desired_date".to_owned(), "2026-12-01".to_owned()),
            ("referrals".to_owned(), referrals.to_owned()),
        ]
    };
    let as_pairs = |v: &Vec<(String, String)>| {
        v.iter()
            .map(|(a, b)| (a.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    let lab = as_pairs(&send("R-2003", &k));
    let lab: Vec<(&str, &str)> = lab.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let refused = app.post_form("/api/booking/send", &lab).await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("referral_not_bookable")
    );
    let good = as_pairs(&send("R-2001,R-2002", &k));
    let good: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let number = number_of(app.post_form("/api/booking/send", &good).await).await;
    let content = content_of(&app, &number).await;
    let ids: Vec<&str> = content["referrals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["referral_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["R-2001", "R-2002"]);
    let (_, page) = app.get_html(&format!("/requests/{number}")).await;
    assert!(
        page.contains("Направления")
            && page.contains("УЗИ щитовидной железы (Иванова Мария Олеговна, до 26.12.2026)")
    );
}

#[tokio::test]
async fn a_referral_the_mis_marks_used_or_another_patients_is_not_offered() {
    let app = spawn_demo_app().await;
    app.execute_sql("UPDATE referrals SET used = TRUE WHERE mis_id = 'R-2001'")
        .await;
    app.sign_in_demo_patient().await;
    let (_, html) = app.get_html("/referrals").await;
    assert!(!html.contains("Консультация кардиолога") && html.contains("УЗИ щитовидной железы"));
    let other = app.second_patient().await;
    let html = crate::helpers::markup_of(app.get_as(&other, "/referrals").await).await;
    assert!(
        !html.contains("УЗИ щитовидной железы") && html.contains("Действующих направлений нет")
    );
    let refused = app
        .post_form_as(
            &other,
            "/api/booking/send",
            &[
                ("idempotency_key", &key(20)),
                ("reason", "x"),
                ("desired_date", "2026-12-01"),
                ("referrals", "R-2002"),
            ],
        )
        .await;
    assert_eq!(
        problem_of(&error_json(refused).await, "form").as_deref(),
        Some("referral_not_bookable")
    );
}
