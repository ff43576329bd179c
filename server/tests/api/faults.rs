//! Faults: the mail server away, a mail worker dying mid-send, the database
//! cut off, the audit log refusing rows, the MIS resending and dropping
//! connections, the clock stepped — and each time nothing lost, nothing
//! done twice, nobody shown as signed in or out by mistake.

use crate::helpers::{new_client, spawn_app_with, spawn_demo_app, Cabinet, TestApp};
use crate::mail::{demo_app_mailing_to, smtp_sink_on, HoldFirst};
use crate::mis_api::{count, mis_token};
use crate::requests::send_booking;
use chrono::{Duration, NaiveDate};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::demo;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// `n` patients with active cabinets: logins `fault-00`…, each with a
/// recovery address, all with one password hash (made once: slow).
pub(crate) async fn patients_with_cabinets(app: &TestApp, n: usize) -> Vec<String> {
    let hash =
        app::security::hash_password(&app::security::Secret::new("fault-pass-2026-x")).unwrap();
    let mut tx = app.db.begin_write().await.unwrap();
    let mut logins = Vec::new();
    for i in 0..n {
        let login = format!("fault-{i:02}");
        let email = format!("{login}@example.ru");
        app.insert_cabinet(
            &mut tx,
            &Cabinet {
                mis_patient_id: &format!("MIS-F{i:04}"),
                full_name: "Фёдоров Фёдор Фёдорович",
                birth_date: NaiveDate::from_ymd_opt(1980, 1, 1).unwrap(),
                agreement: &format!("ДС-F-{i:04}"),
                email: &email,
                sms_phone: "+79035550000",
                login: &login,
                password_hash: &hash,
                address_as: "Фёдор Фёдорович",
            },
        )
        .await;
        logins.push(login);
    }
    tx.commit().await.unwrap();
    logins
}

/// A port nothing listens on yet, and the listener to open on it later.
async fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap().port()
}

/// The Message-ID header of a message as the sink received it.
fn message_id_of(message: &str) -> String {
    message
        .lines()
        .find_map(|line| line.strip_prefix("Message-ID: "))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Sends `n` bookings as the demo patient and has the operator take each
/// into work: one status mail each.
async fn status_mails(app: &TestApp, n: usize) {
    app.sign_in_demo_patient().await;
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    for i in 0..n {
        let key = format!("fault-booking-key-{i:08}");
        let number = send_booking(app, &key).await;
        let moved = app
            .post_form_as(
                &operator,
                "/api/admin/requests/status",
                &[
                    ("number", number.as_str()),
                    ("status", "in_progress"),
                    ("comment", ""),
                ],
            )
            .await;
        assert_eq!(moved.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn with_smtp_down_every_form_still_answers_and_when_it_returns_each_valid_mail_goes_exactly_once(
) {
    let port = free_port().await;
    let app = demo_app_mailing_to(port).await;
    let logins = patients_with_cabinets(&app, 50).await;
    let recover = |login: String| {
        let app = &app;
        async move {
            let response = app
                .post_form("/api/recovery/request", &[("login", login.as_str())])
                .await;
            assert_eq!(response.status(), StatusCode::OK, "{login}");
        }
    };
    // The first half of the codes, and the status mails, while the mail
    // server is away: every form answers as usual.
    for login in &logins[..25] {
        recover(login.clone()).await;
    }
    status_mails(&app, 50).await;
    assert_eq!(app.deliver_mail().await, 0);
    // Eight minutes later the other half; the first codes (ten minutes'
    // validity) expire four minutes after that, still without mail.
    app.clock.advance(Duration::minutes(8));
    for login in &logins[25..] {
        recover(login.clone()).await;
    }
    assert_eq!(app.deliver_mail().await, 0);
    app.clock.advance(Duration::minutes(4));
    let outbox = app.outbox().await;
    assert!(outbox.iter().all(|mail| mail.sent_at.is_none()));
    assert!(
        outbox.iter().all(|mail| mail.attempts >= 1),
        "each was tried"
    );

    // The mail server is back: two workers deliver at once.
    let received = smtp_sink_on(
        TcpListener::bind(("127.0.0.1", port)).await.unwrap(),
        0,
        None,
    );
    let (one, two) = tokio::join!(app.deliver_mail(), app.deliver_mail());
    assert_eq!(
        one + two,
        75,
        "50 status mails and the 25 codes still valid"
    );
    assert_eq!(app.deliver_mail().await, 0, "nothing left to send");

    let outbox = app.outbox().await;
    let sent: BTreeSet<String> = outbox
        .iter()
        .filter(|mail| mail.sent_at.is_some())
        .map(|mail| mail.message_id.clone())
        .collect();
    let delivered: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|message| message_id_of(message))
        .collect();
    assert_eq!(delivered.len(), 75, "no message twice");
    assert_eq!(
        delivered.iter().cloned().collect::<BTreeSet<_>>(),
        sent,
        "each under the Message-ID it was queued with"
    );
    let expired: Vec<_> = outbox
        .iter()
        .filter(|mail| mail.failed_at.is_some())
        .collect();
    assert_eq!(expired.len(), 25);
    for mail in expired {
        assert_eq!(mail.kind, "recovery_code");
        assert_eq!(
            mail.last_error.as_deref(),
            Some("expired before it could be sent")
        );
        assert_eq!(mail.text_body, "", "the unsent code is not kept either");
        assert!(
            !delivered.contains(&mail.message_id),
            "an expired code is never sent"
        );
    }
}

#[tokio::test]
async fn a_worker_killed_after_the_mail_server_took_a_message_resends_it_once_under_its_message_id()
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (taken_tx, taken) = oneshot::channel();
    let (answer, answer_rx) = oneshot::channel::<()>();
    let received = smtp_sink_on(
        listener,
        0,
        Some(HoldFirst {
            taken: taken_tx,
            answer: answer_rx,
        }),
    );
    let app = demo_app_mailing_to(port).await;
    let message_id = app.queue_mail("notice", None).await;

    // The worker sends; the mail server has the whole message; the worker
    // dies before it hears "250" and before it can record the delivery.
    let worker = app.mail_worker.clone();
    let sending = tokio::spawn(async move { worker.deliver_due().await });
    taken.await.unwrap();
    sending.abort();
    assert!(sending.await.unwrap_err().is_cancelled());
    drop(answer);
    let mail = &app.outbox().await[0];
    assert!(mail.sent_at.is_none());

    // Another worker does not take it while the first one's lease runs…
    assert_eq!(app.deliver_mail().await, 0);
    // …then sends it once more, under the same Message-ID, and never again.
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.deliver_mail().await, 1);
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.deliver_mail().await, 0);
    let copies: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|message| message_id_of(message))
        .collect();
    assert_eq!(copies, vec![message_id.clone(), message_id]);
    assert!(app.outbox().await[0].sent_at.is_some());
}

#[tokio::test]
async fn workers_racing_for_one_outbox_send_every_message_exactly_once() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_sink_on(listener, 0, None);
    let app = demo_app_mailing_to(port).await;
    let mut queued = BTreeSet::new();
    for _ in 0..120 {
        queued.insert(app.queue_mail("notice", None).await);
    }
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let worker = app.mail_worker.clone();
            tokio::spawn(async move { worker.deliver_due().await.unwrap() })
        })
        .collect();
    let mut sent = 0;
    for worker in workers {
        sent += worker.await.unwrap();
    }
    assert_eq!(sent, 120);
    let delivered: Vec<String> = received
        .lock()
        .unwrap()
        .iter()
        .map(|message| message_id_of(message))
        .collect();
    assert_eq!(delivered.len(), 120);
    assert_eq!(delivered.into_iter().collect::<BTreeSet<_>>(), queued);
}

/// A TCP relay between the server and PostgreSQL that can be cut: every
/// open connection closed and new ones refused, as when the database's
/// host goes away.
struct DatabaseLine {
    port: u16,
    up: Arc<AtomicBool>,
    relays: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl DatabaseLine {
    async fn to(target: String) -> DatabaseLine {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let relays = Arc::new(Mutex::new(Vec::new()));
        let (up_, relays_) = (up.clone(), relays.clone());
        tokio::spawn(async move {
            loop {
                let (mut client, _) = listener.accept().await.unwrap();
                if !up_.load(Ordering::SeqCst) {
                    continue; // dropped: the connection closes at once
                }
                let target = target.clone();
                relays_.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut database) = TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut database).await;
                    }
                }));
            }
        });
        DatabaseLine { port, up, relays }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for relay in self.relays.lock().unwrap().drain(..) {
            relay.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `host:port` of a PostgreSQL URL.
fn host_and_port(url: &str) -> String {
    let after_at = url.split_once('@').map_or(url, |(_, rest)| rest);
    after_at.split('/').next().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn with_the_database_cut_off_pages_answer_503_quickly_and_recover_without_a_restart() {
    let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") else {
        // SQLite is a file in the process: it cannot be cut off like this
        // (`health.rs` closes its pool instead).
        return;
    };
    let line = DatabaseLine::to(host_and_port(&admin_url)).await;
    let port = line.port;
    let app = spawn_app_with(move |config| {
        config.demo = true;
        let target = host_and_port(&config.database_url);
        config.database_url =
            config
                .database_url
                .replacen(&target, &format!("127.0.0.1:{port}"), 1);
    })
    .await;
    app.sign_in_demo_patient().await;
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Анна"), "{html}");

    line.cut();
    let started = std::time::Instant::now();
    let page = app.get("/").await;
    let waited = started.elapsed();
    println!("a signed-in page with the database cut off answered in {waited:?}");
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.headers()["retry-after"], "5");
    let text = page.text().await.unwrap();
    assert!(text.contains("Кабинет временно недоступен"), "{text}");
    assert!(!text.contains("Войти"), "not shown as signed out");
    // An answer, not a hang: within the pool's wait for a connection.
    assert!(waited < std::time::Duration::from_secs(10), "{waited:?}");

    let other = new_client();
    let sign_in = app
        .post_form_as(
            &other,
            "/api/sign_in",
            &[
                ("login", demo::PATIENT_LOGIN),
                ("password", demo::PATIENT_PASSWORD),
            ],
        )
        .await;
    assert_eq!(sign_in.status(), StatusCode::SERVICE_UNAVAILABLE);
    let error: Value = sign_in.json().await.unwrap();
    assert!(error.get("Unavailable").is_some(), "{error}");
    assert_eq!(
        app.get("/readyz").await.status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);

    // Back: the same process, the same session, signed in as before.
    line.restore();
    let mut ready = false;
    for _ in 0..50 {
        if app.get("/readyz").await.status() == StatusCode::OK {
            ready = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert!(ready, "/readyz turns green again");
    let (status, html) = app.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Анна"), "{html}");
}

#[tokio::test]
async fn a_staff_look_that_cannot_be_audited_is_refused_not_served_unrecorded() {
    let app = spawn_demo_app().await;
    app.sign_in_demo_patient().await;
    let number = send_booking(&app, "audit-fault-key-00000001").await;
    let operator = app
        .staff_client(demo::OPERATOR_LOGIN, demo::OPERATOR_PASSWORD)
        .await;
    let page = format!("/admin/requests/{number}");
    let (status, html) = app.get_html_as(&operator, &page).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Смирнова"), "seen while the log works");

    // The audit log's disk is full, say: every insert fails.
    if app.database.is_postgres() {
        app.execute_sql(
            "CREATE FUNCTION audit_fails() RETURNS trigger AS $$ \
             BEGIN RAISE EXCEPTION 'the audit log refuses rows'; END $$ LANGUAGE plpgsql",
        )
        .await;
        app.execute_sql(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION audit_fails()",
        )
        .await;
    } else {
        app.execute_sql(
            "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'the audit log refuses rows'); END",
        )
        .await;
    }
    let looks = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let (status, html) = app.get_html_as(&operator, &page).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    for private in ["Смирнова", "Болит колено"] {
        assert!(!html.contains(private), "{private} shown unrecorded");
    }
    let call = app
        .post_form_as(&operator, "/api/admin/requests/one", &[("number", &number)])
        .await;
    assert_eq!(call.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!call.text().await.unwrap().contains("Смирнова"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log").await,
        looks,
        "nothing was recorded, and nothing was shown"
    );
}

/// A small fixed-seed generator: the same "random" run every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn lab_result(n: u64) -> Value {
    json!({
        "id": format!("L-{n:05}"),
        "patient_id": "MIS-100001",
        "taken_on": "2026-11-25",
        "lab": "Лаборатория ЕМС",
        "panel": "Глюкоза",
        "status": "ready",
        "analytes": [
            {"code": "GLU", "name": "Глюкоза", "value": {"number": format!("{}.{}", 3 + n % 5, n % 10)},
             "unit": "ммоль/л", "reference": {"low": "3.3", "high": "5.5"}},
            {"code": "N", "name": "Номер пробы", "value": {"text": format!("проба {n}")}}
        ]
    })
}

#[tokio::test]
async fn ten_thousand_results_pushed_with_duplicates_retries_and_dropped_connections_arrive_once_each(
) {
    const RESULTS: u64 = 10_000;
    let app = spawn_demo_app().await;
    let token = mis_token(&app).await;
    let before = count(&app, "SELECT COUNT(*) FROM lab_orders").await;
    let analytes_before = count(&app, "SELECT COUNT(*) FROM lab_analytes").await;
    let mut dice = Dice(0x5eed_cafe_f00d_0001);
    // Batches of up to 200 results; about one result in ten comes again in
    // a later batch.
    let mut batches: Vec<Vec<u64>> = Vec::new();
    let mut next = 0;
    while next < RESULTS {
        let size = 100 + dice.below(101);
        let mut batch: Vec<u64> = (next..(next + size).min(RESULTS)).collect();
        next += size;
        for _ in 0..size / 10 {
            let again = dice.below(next.min(RESULTS));
            if !batch.contains(&again) {
                batch.push(again);
            }
        }
        batches.push(batch);
    }
    let url = format!("{}/api/v1/lab-results", app.address);
    let plan: Vec<(Vec<u64>, u64)> = batches
        .into_iter()
        .map(|batch| (batch, dice.next()))
        .collect();
    let plan = Arc::new(Mutex::new(plan));
    // Four MIS connections at once; each batch is retried until it is
    // answered, and some calls are dropped before their answer comes.
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (plan, url, token) = (plan.clone(), url.clone(), token.clone());
            tokio::spawn(async move {
                let (mut dropped, mut retried) = (0, 0);
                loop {
                    let Some((batch, luck)) = plan.lock().unwrap().pop() else {
                        return (dropped, retried);
                    };
                    let body = json!({"lab_results": batch.iter().map(|&n| lab_result(n)).collect::<Vec<_>>()});
                    let mut attempt = 0u64;
                    loop {
                        let client = reqwest::Client::new();
                        let call = client
                            .put(&url)
                            .bearer_auth(&token)
                            .json(&body)
                            .send();
                        // One call in five is cut off after a few
                        // milliseconds, as a network drop would.
                        let cut = attempt == 0 && luck % 5 == 0;
                        attempt += 1;
                        if cut {
                            let wait = std::time::Duration::from_millis(luck % 40);
                            if tokio::time::timeout(wait, call).await.is_err() {
                                dropped += 1;
                                retried += 1;
                                continue;
                            }
                            retried += 1; // answered anyway: sent again
                            continue;
                        }
                        match call.await {
                            Ok(response) if response.status() == StatusCode::OK => {
                                // A retry after an answer that was lost.
                                if luck % 7 == 0 && attempt == 1 {
                                    retried += 1;
                                    continue;
                                }
                                break;
                            }
                            Ok(response) => panic!(
                                "{}: {}",
                                response.status(),
                                response.text().await.unwrap()
                            ),
                            Err(error) => panic!("{error}"),
                        }
                    }
                }
            })
        })
        .collect();
    let (mut dropped, mut retried) = (0, 0);
    for sender in senders {
        let (d, r) = sender.await.unwrap();
        dropped += d;
        retried += r;
    }
    println!("{dropped} calls dropped, {retried} batches sent again");
    assert!(dropped > 0 && retried > dropped, "the run did what it says");

    let orders = count(&app, "SELECT COUNT(*) FROM lab_orders").await;
    assert_eq!(orders - before, RESULTS as i64, "none lost, none twice");
    let analytes = count(&app, "SELECT COUNT(*) FROM lab_analytes").await;
    assert_eq!(analytes - analytes_before, 2 * RESULTS as i64);
    // Each holds its own values.
    let rows: Vec<(String, String)> = app::db::with_db!(&app.db, pool => {
        sqlx::query_as(
            "SELECT o.mis_id, a.value_text FROM lab_analytes a JOIN lab_orders o ON o.id = a.order_id \
             WHERE a.code = 'N'",
        )
        .fetch_all(pool)
        .await
    })
    .unwrap();
    let by_id: BTreeMap<String, String> = rows.into_iter().collect();
    assert_eq!(by_id.len(), RESULTS as usize);
    for (id, text) in by_id {
        let n: u64 = id.trim_start_matches("L-").parse().unwrap();
        assert_eq!(text, format!("проба {n}"));
    }
}

#[tokio::test]
async fn with_the_clock_stepped_an_hour_sessions_expire_by_it_and_rate_limits_do_not_stick() {
    let app = spawn_app_with(|config| {
        config.demo = true;
        config.rate_limit = app::security::RateLimit {
            burst: 3,
            per_minute: 1,
        };
    })
    .await;
    app.sign_in_demo_patient().await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
    // Stepped forward an hour: the session has been idle too long.
    app.clock.advance(Duration::hours(1));
    let page = app.get("/").await;
    assert!(page.status().is_redirection(), "{}", page.status());
    assert!(page.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));

    // Two attempts spent; the clock steps back an hour. The address is not
    // locked out for the hour the step made: it has its budget as before.
    for _ in 0..2 {
        app.sign_in("nobody-at-all", "wrong but long password")
            .await;
    }
    app.clock.advance(Duration::hours(-1));
    for _ in 0..3 {
        let response = app
            .sign_in("nobody-at-all-2", "wrong but long password")
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let limited = app
        .sign_in("nobody-at-all-3", "wrong but long password")
        .await;
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
}
