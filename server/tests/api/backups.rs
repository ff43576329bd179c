//! A backup taken while the server runs, restored into a fresh database by
//! the documented commands (README, «Резервные копии»): the copy is whole,
//! sessions from before it are over, and no mail is sent a second time.

use crate::helpers::{bare_client, set_cookie, spawn_app_on, spawn_demo_app, TestDatabase};
use crate::mis_api::count;
use crate::requests::send_booking;
use reqwest::StatusCode;
use server::demo;
use std::process::Command;

/// Runs the server binary with `args` on `database_url`: what it printed.
fn server_task(database_url: &str, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_server"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("LOG_LEVEL", "warn")
        .output()
        .unwrap();
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    printed
}

fn run(program: &str, args: &[&str]) {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn a_restored_backup_is_whole_ends_the_sessions_from_before_and_sends_no_mail_again() {
    let app = spawn_demo_app().await;
    let signed_in = app
        .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
        .await;
    let cookie = set_cookie(&signed_in, "cabinet").unwrap();
    let cookie = cookie.split(';').next().unwrap().to_owned();
    app.post_form("/api/recovery/request", &[("login", demo::PATIENT_LOGIN)])
        .await;
    let requests_at_backup = count(&app, "SELECT COUNT(*) FROM patient_requests").await;

    // The backup, taken while the server runs, with the recovery mail
    // still waiting in the outbox.
    let work = tempfile::tempdir().unwrap();
    let postgres = app.database.is_postgres();
    let backup = work.path().join(if postgres {
        "cabinet.dump"
    } else {
        "cabinet.db"
    });
    let backup_path = backup.to_str().unwrap();
    if postgres {
        run(
            "pg_dump",
            &["--format=custom", "--file", backup_path, &app.database_url],
        );
    } else {
        let printed = server_task(&app.database_url, &["--backup", backup_path]);
        assert!(printed.contains("backup written"), "{printed}");
        // A backup never overwrites.
        let again = Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["--backup", backup_path])
            .env("DATABASE_URL", &app.database_url)
            .output()
            .unwrap();
        assert!(!again.status.success());
    }
    // After the backup: the mail goes out, and a booking is sent.
    assert_eq!(app.deliver_mail().await, 1);
    app.sign_in_demo_patient().await;
    send_booking(&app, "after-the-backup-key-0001").await;
    app.stop().await;

    // Restored into a fresh database, then made safe, as the README says.
    let (database, database_url) = TestDatabase::create().await;
    if postgres {
        run(
            "pg_restore",
            &[
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                &database_url,
                backup_path,
            ],
        );
    } else {
        let file = database_url.trim_start_matches("sqlite://");
        std::fs::create_dir_all(std::path::Path::new(file).parent().unwrap()).unwrap();
        std::fs::copy(&backup, file).unwrap();
    }
    let printed = server_task(&database_url, &["--after-restore"]);
    assert!(printed.contains("1 unsent messages held"), "{printed}");
    assert!(printed.contains("1 recovery codes voided"), "{printed}");

    let restored = spawn_app_on(database, database_url, |_| {}).await;
    assert_eq!(
        count(&restored, "SELECT COUNT(*) FROM patient_requests").await,
        requests_at_backup,
        "the copy is the database as it was"
    );
    // The session from before the backup is over.
    let page = bare_client()
        .get(format!("{}/", restored.address))
        .header("cookie", &cookie)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page.status().is_redirection(), "{}", page.status());
    assert!(page.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
    // The recovery mail sent after the backup is not sent again.
    assert_eq!(restored.deliver_mail().await, 0);
    let held = restored.outbox().await;
    let code = held
        .iter()
        .find(|mail| mail.kind == "recovery_code")
        .unwrap();
    assert!(code.sent_at.is_none() && code.failed_at.is_some());
    assert_eq!(code.text_body, "", "the code is not kept");
    // The patient signs in as before.
    assert_eq!(
        restored
            .sign_in(demo::PATIENT_LOGIN, demo::PATIENT_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
}
