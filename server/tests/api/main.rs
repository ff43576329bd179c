//! Integration tests: the real server on a random port with a fresh database.
//! Run on SQLite by default, on PostgreSQL when `TEST_DATABASE_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)] // test code: a failure should stop the test

mod access_log;
mod activation;
mod answers;
mod backups;
mod calendar;
mod concurrency;
mod content;
mod crashes;
mod database;
mod documents;
mod faults;
mod health;
mod helpers;
mod mail;
mod mis_api;
mod passkeys;
mod recovery;
mod request_model;
mod requests;
mod results;
mod scale_out;
mod second_factor;
mod security;
mod settings;
mod shell;
mod sign_in;
mod staff;
mod static_files;
