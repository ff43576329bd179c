//! Migrations and the demo seed, on whichever database the run uses.

use crate::helpers::{spawn_app, spawn_app_with};
use app::db::{accounts, patients, staff, Backend};
use app::domain::StaffRole;
use app::security::{verify_password, Secret};
use server::demo;

#[tokio::test]
async fn migrations_run_at_start_on_the_configured_database() {
    let app = spawn_app().await;
    let expected = if app.database.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(app.db.backend(), expected);
    assert_eq!(app.db.applied_migrations().await.unwrap(), vec![1, 2, 3]);
}

#[tokio::test]
async fn without_the_demo_flag_the_database_stays_empty() {
    let app = spawn_app().await;
    assert_eq!(patients::count(&app.db).await.unwrap(), 0);
    assert!(accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_demo_flag_seeds_the_demo_accounts_with_their_documented_passwords() {
    let app = spawn_app_with(|config| config.demo = true).await;

    let patient = accounts::by_login(&app.db, "DEMO")
        .await
        .unwrap()
        .expect("demo patient");
    assert!(verify_password(
        &Secret::new(demo::PATIENT_PASSWORD),
        &patient.password_hash
    ));

    let mut tx = app.db.begin_write().await.unwrap();
    let now = app.clock.now();
    let temporary = accounts::usable_temporary_credentials(&mut tx, demo::TEMPORARY_LOGIN, now)
        .await
        .unwrap()
        .expect("temporary credentials");
    assert!(verify_password(
        &Secret::new(demo::TEMPORARY_PASSWORD),
        &temporary.password_hash
    ));
    let in_31_days = now + chrono::Duration::days(31);
    assert!(
        accounts::usable_temporary_credentials(&mut tx, demo::TEMPORARY_LOGIN, in_31_days)
            .await
            .unwrap()
            .is_none()
    );
    drop(tx);

    let admin = staff::credentials(&app.db, demo::ADMIN_LOGIN)
        .await
        .unwrap()
        .expect("admin");
    assert!(verify_password(
        &Secret::new(demo::ADMIN_PASSWORD),
        &admin.password_hash
    ));
    assert_eq!(admin.roles, vec![StaffRole::Admin]);
}

#[tokio::test]
async fn seeding_a_database_that_has_patients_writes_nothing() {
    let app = spawn_app_with(|config| config.demo = true).await;
    let before = patients::count(&app.db).await.unwrap();
    let again = demo::seed(&app.db, chrono::Utc::now()).await.unwrap();
    assert_eq!(again, demo::Seeded::AlreadyHadData);
    assert_eq!(patients::count(&app.db).await.unwrap(), before);
}
