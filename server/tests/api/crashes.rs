//! The server process itself killed (`kill -9`) while it writes, and many
//! writers at once on SQLite: after a restart every change is there whole
//! or not at all, nothing answered as done is missing, and the SQLite file
//! passes its integrity check. These tests run the real `server` binary.

use crate::helpers::{new_client, TestDatabase};
use app::db::{with_db, Db};
use reqwest::StatusCode;
use serde_json::json;
use server::demo;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The server binary running on `database_url`, and what it printed.
struct ServerProcess {
    child: Child,
    address: String,
    /// The demo MIS client's token, made anew at each start.
    mis_token: String,
    /// What it printed and logged before the token, and the rest as it comes.
    early: Vec<String>,
    output: mpsc::Receiver<String>,
}

/// Sends each line `from` prints to `to`, on a thread of its own (the
/// process is driven with std's blocking pipes: tokio's process feature
/// would build tokio, and all that builds on it, a second time for tests).
fn forward_lines(from: impl std::io::Read + Send + 'static, to: mpsc::Sender<String>) {
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            if to.send(line).is_err() {
                return;
            }
        }
    });
}

impl ServerProcess {
    async fn start(database_url: &str, work: &Path) -> ServerProcess {
        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("--demo")
            .current_dir(work)
            .env("DATABASE_URL", database_url)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", work.join("site"))
            .env("REQUESTS_PER_HOUR", "100000")
            .env("RATE_LIMIT_BURST", "100000")
            .env("LOG_LEVEL", "info")
            // Logs are in UTC whatever the machine's zone.
            .env("TZ", "Europe/Moscow")
            .env_remove("SMTP_URL")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // What it prints and what it logs, in one stream.
        let (printed, output) = mpsc::channel();
        forward_lines(child.stdout.take().unwrap(), printed.clone());
        forward_lines(child.stderr.take().unwrap(), printed);
        let mut early = Vec::new();
        let mis_token = loop {
            let line = output
                .recv_timeout(Duration::from_secs(120))
                .expect("the server prints the demo MIS token within two minutes");
            if let Some((_, token)) = line.split_once("(integration API, /api/v1): ") {
                break token.trim().to_owned();
            }
            early.push(line);
        };
        let address = format!("http://127.0.0.1:{port}");
        for _ in 0..200 {
            if let Ok(response) = reqwest::get(format!("{address}/readyz")).await {
                if response.status() == StatusCode::OK {
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        ServerProcess {
            child,
            address,
            mis_token,
            early,
            output,
        }
    }

    /// `kill -9`: no shutdown, no flush, no goodbye. What it had logged.
    fn kill(mut self) -> Vec<String> {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
        let mut lines = std::mem::take(&mut self.early);
        while let Ok(line) = self.output.recv_timeout(Duration::from_millis(200)) {
            lines.push(line);
        }
        lines
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the writers were told before the kill.
#[derive(Default)]
struct Told {
    /// Bookings answered with their number: (key, number).
    booked: Vec<(String, String)>,
    /// Bookings sent but not answered (the kill came first).
    unanswered: Vec<String>,
    /// MIS batches answered 200: their prefix.
    pushed: Vec<String>,
    /// MIS batches sent but not answered.
    unpushed: Vec<String>,
}

const BATCH: usize = 50;

/// A booking for next week: the process runs on the real clock.
fn booking(key: &str) -> Vec<(String, String)> {
    let next_week = (chrono::Utc::now() + chrono::Duration::days(7))
        .date_naive()
        .to_string();
    crate::requests::booking(key, &[("desired_date", next_week.as_str())])
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

fn lab_batch(prefix: &str) -> serde_json::Value {
    let results: Vec<_> = (0..BATCH)
        .map(|i| {
            json!({
                "id": format!("{prefix}-{i:03}"),
                "patient_id": "MIS-100001",
                "taken_on": "2026-11-25",
                "lab": "Лаборатория ЕМС",
                "panel": "Глюкоза",
                "status": "ready",
                "analytes": [{"code": "GLU", "name": "Глюкоза", "value": {"number": "5.1"}}]
            })
        })
        .collect();
    json!({ "lab_results": results })
}

/// Sends bookings and MIS batches, one of each at a time, until the
/// server stops answering: what it was told.
fn start_writing(
    server: &ServerProcess,
    patient: &reqwest::Client,
    round: usize,
) -> tokio::task::JoinHandle<Told> {
    let told = std::sync::Arc::new(std::sync::Mutex::new(Told::default()));
    let bookings = {
        let (told, patient, address) = (told.clone(), patient.clone(), server.address.clone());
        async move {
            for n in 0.. {
                let key = format!("crash-key-{round:02}-{n:06}");
                let sent = patient
                    .post(format!("{address}/api/booking/send"))
                    .header("origin", &address)
                    .form(&booking(&key))
                    .send()
                    .await;
                let answer = match sent {
                    Ok(response) if response.status() == StatusCode::OK => {
                        response.json::<String>().await.ok()
                    }
                    Ok(response) => panic!("a booking answered {}", response.status()),
                    Err(_) => None,
                };
                match answer {
                    Some(number) => told.lock().unwrap().booked.push((key, number)),
                    None => {
                        told.lock().unwrap().unanswered.push(key);
                        return;
                    }
                }
            }
        }
    };
    let pushes = {
        let (told, address, token) = (
            told.clone(),
            server.address.clone(),
            server.mis_token.clone(),
        );
        async move {
            let client = reqwest::Client::new();
            for b in 0.. {
                let prefix = format!("K{round:02}-{b:04}");
                let sent = client
                    .put(format!("{address}/api/v1/lab-results"))
                    .bearer_auth(&token)
                    .json(&lab_batch(&prefix))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == StatusCode::OK => {
                        told.lock().unwrap().pushed.push(prefix)
                    }
                    Ok(response) => panic!("a push answered {}", response.status()),
                    Err(_) => {
                        told.lock().unwrap().unpushed.push(prefix);
                        return;
                    }
                }
            }
        }
    };
    tokio::spawn(async move {
        tokio::join!(bookings, pushes);
        let told = std::mem::take(&mut *told.lock().unwrap());
        told
    })
}

async fn count(db: &Db, sql: String) -> i64 {
    with_db!(db, pool => {
        sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).fetch_one(pool).await
    })
    .unwrap()
}

#[tokio::test]
async fn killed_mid_write_the_server_restarts_with_every_change_whole_or_absent() {
    let (database, database_url) = TestDatabase::create().await;
    let work = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::start(&database_url, work.path()).await;
    let patient = new_client();
    let signed_in = patient
        .post(format!("{}/api/sign_in", server.address))
        .header("origin", &server.address)
        .form(&[
            ("login", demo::PATIENT_LOGIN),
            ("password", demo::PATIENT_PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);

    let mut all = Told::default();
    for round in 0..3 {
        let writing = start_writing(&server, &patient, round);
        tokio::time::sleep(Duration::from_millis(400 + 350 * round as u64)).await;
        // In the first round, an activation too, killed a few milliseconds
        // in: while its password is hashed or its rows are written.
        let activation = (round == 0).then(|| {
            let address = server.address.clone();
            tokio::spawn(async move {
                new_client()
                    .post(format!("{address}/api/activation/register"))
                    .header("origin", &address)
                    .form(&[
                        ("temporary_login", demo::TEMPORARY_LOGIN),
                        ("temporary_password", demo::TEMPORARY_PASSWORD),
                        ("login", "crash.activated"),
                        ("password", "a crash-proof passphrase"),
                        ("password_repeat", "a crash-proof passphrase"),
                        ("recovery_email", "igor@example.ru"),
                        ("address_as", "Игорь Николаевич"),
                    ])
                    .send()
                    .await
                    .map(|response| response.status())
            })
        });
        if activation.is_some() {
            tokio::time::sleep(Duration::from_millis(15)).await;
        }
        let log = server.kill();
        let told = writing.await.unwrap();
        if let Some(activation) = activation {
            println!(
                "the activation before the kill: {:?}",
                activation.await.unwrap()
            );
        }
        // The log's times are UTC, though the process ran in Moscow's zone.
        let stamped = log
            .iter()
            .find(|line| line.starts_with("20"))
            .unwrap_or_else(|| panic!("a log line in {log:?}"));
        assert!(
            stamped.split_whitespace().next().unwrap().ends_with('Z'),
            "{stamped}"
        );
        println!(
            "round {round}: {} bookings answered, {} pushes answered, killed mid-way: {} + {}",
            told.booked.len(),
            told.pushed.len(),
            told.unanswered.len(),
            told.unpushed.len()
        );

        let db = Db::connect(&database_url, &Default::default())
            .await
            .unwrap();
        if !database.is_postgres() {
            let check: String = with_db!(&db, pool => {
                sqlx::query_scalar("PRAGMA integrity_check").fetch_one(pool).await
            })
            .unwrap();
            assert_eq!(check, "ok");
        }
        // Every request is whole: its first status and its audit row.
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM patient_requests r WHERE NOT EXISTS \
                 (SELECT 1 FROM request_status_history h WHERE h.request_id = r.id)"
                    .into()
            )
            .await,
            0
        );
        assert_eq!(
            count(
                &db,
                "SELECT COUNT(*) FROM patient_requests r WHERE NOT EXISTS \
                 (SELECT 1 FROM audit_log a WHERE a.action = 'request_sent' AND a.detail = r.number)"
                    .into()
            )
            .await,
            0
        );
        // Every answered booking is there.
        for (key, number) in &told.booked {
            assert_eq!(
                count(
                    &db,
                    format!(
                        "SELECT COUNT(*) FROM patient_requests \
                         WHERE idempotency_key = '{key}' AND number = '{number}'"
                    )
                )
                .await,
                1,
                "{key}"
            );
        }
        // Every batch is all or nothing, and an answered one is all.
        for (prefix, answered) in told
            .pushed
            .iter()
            .map(|p| (p, true))
            .chain(told.unpushed.iter().map(|p| (p, false)))
        {
            let orders = count(
                &db,
                format!("SELECT COUNT(*) FROM lab_orders WHERE mis_id LIKE '{prefix}-%'"),
            )
            .await;
            if answered {
                assert_eq!(orders, BATCH as i64, "{prefix}");
            } else {
                assert!(orders == 0 || orders == BATCH as i64, "{prefix}: {orders}");
            }
        }
        db.close().await;

        server = ServerProcess::start(&database_url, work.path()).await;
        // The patient is still signed in; a booking the kill cut off, sent
        // again with its key, is one request however far it got.
        for key in &told.unanswered {
            let again = patient
                .post(format!("{}/api/booking/send", server.address))
                .header("origin", &server.address)
                .form(&booking(key))
                .send()
                .await
                .unwrap();
            assert_eq!(again.status(), StatusCode::OK);
        }
        let db = Db::connect(&database_url, &Default::default())
            .await
            .unwrap();
        for key in &told.unanswered {
            assert_eq!(
                count(
                    &db,
                    format!(
                        "SELECT COUNT(*) FROM patient_requests WHERE idempotency_key = '{key}'"
                    )
                )
                .await,
                1
            );
        }
        // The activation happened whole or not at all: either the new
        // login signs in and the temporary one is spent, or the temporary
        // one still opens the form and the new login does not exist.
        if round == 0 {
            let activated = count(
                &db,
                "SELECT COUNT(*) FROM patient_accounts WHERE login = 'crash.activated'".into(),
            )
            .await;
            let check = new_client()
                .post(format!("{}/api/activation/check", server.address))
                .header("origin", &server.address)
                .form(&[
                    ("temporary_login", demo::TEMPORARY_LOGIN),
                    ("temporary_password", demo::TEMPORARY_PASSWORD),
                ])
                .send()
                .await
                .unwrap();
            println!(
                "after the restart: activated {activated}, temporary credentials answer {}",
                check.status()
            );
            assert_eq!(
                check.status() == StatusCode::OK,
                activated == 0,
                "exactly one of the two holds"
            );
        }
        db.close().await;
        all.booked.extend(told.booked);
        all.pushed.extend(told.pushed);
    }
    assert!(
        !all.booked.is_empty() && !all.pushed.is_empty(),
        "the writers wrote before the kills"
    );
    server.kill();
}

#[tokio::test]
async fn fifty_patients_writing_at_once_on_sqlite_for_a_minute_never_meet_a_busy_database() {
    let app = crate::helpers::spawn_demo_app().await;
    if app.database.is_postgres() {
        return; // PostgreSQL has row locks; the single writer is SQLite's.
    }
    let seconds: u64 = std::env::var("WRITERS_SECONDS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(60);
    let logins = crate::faults::patients_with_cabinets(&app, 50).await;
    let mut writers = Vec::new();
    for (w, login) in logins.into_iter().enumerate() {
        let client = new_client();
        let signed_in = app
            .post_form_as(
                &client,
                "/api/sign_in",
                &[("login", login.as_str()), ("password", "fault-pass-2026-x")],
            )
            .await;
        assert_eq!(signed_in.status(), StatusCode::OK);
        let address = app.address.clone();
        writers.push(tokio::spawn(async move {
            let deadline = tokio::time::Instant::now() + Duration::from_secs(seconds);
            let (mut written, mut failed) = (0u64, Vec::new());
            let mut n = 0;
            while tokio::time::Instant::now() < deadline {
                n += 1;
                let key = format!("writer-{w:02}-key-{n:08}");
                let response = client
                    .post(format!("{address}/api/booking/send"))
                    .header("origin", &address)
                    .form(&crate::requests::booking(&key, &[]))
                    .send()
                    .await
                    .unwrap();
                if response.status() == StatusCode::OK {
                    written += 1;
                } else {
                    failed.push(format!(
                        "{}: {}",
                        response.status(),
                        response.text().await.unwrap_or_default()
                    ));
                }
            }
            (written, failed)
        }));
    }
    let (mut written, mut failed) = (0, Vec::new());
    for writer in writers {
        let (w, f) = writer.await.unwrap();
        written += w;
        failed.extend(f);
    }
    println!(
        "50 writers, {seconds} s: {written} requests written, {} failed",
        failed.len()
    );
    assert!(failed.is_empty(), "{:?}", &failed[..failed.len().min(5)]);
    let stored = crate::mis_api::count(
        &app,
        "SELECT COUNT(*) FROM patient_requests WHERE idempotency_key LIKE 'writer-%'",
    )
    .await;
    assert_eq!(stored, written as i64);
}
