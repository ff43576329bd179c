//! Integration tests: the real server on a random port with a fresh database.
//! Run on SQLite by default, on PostgreSQL when `TEST_DATABASE_URL` is set.

mod database;
mod health;
mod helpers;
mod shell;
