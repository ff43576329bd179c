//! Failed sign-in, activation and recovery attempts per login as typed —
//! whether or not such an account exists, so that a lockout tells nothing.

use super::{with_tx, WriteTx};
use chrono::{DateTime, Utc};

/// Which form the attempts were made in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    SignIn,
    StaffSignIn,
    Activation,
    Recovery,
}

impl Form {
    pub const fn as_str(self) -> &'static str {
        match self {
            Form::SignIn => "sign_in",
            Form::StaffSignIn => "staff_sign_in",
            Form::Activation => "activation",
            Form::Recovery => "recovery",
        }
    }
}

/// The failures recorded so far.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    pub count: i32,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

type Row = (i32, DateTime<Utc>, Option<DateTime<Utc>>);

const SELECT: &str = "SELECT failures, last_failure_at, locked_until FROM sign_in_failures \
     WHERE form = $1 AND login_key = $2";

fn from_row((count, last_failure_at, locked_until): Row) -> Failures {
    Failures {
        count,
        last_failure_at,
        locked_until,
    }
}

/// The failures recorded so far, inside a write transaction, locking the row until it
/// ends: on PostgreSQL two attempts at one login cannot both read the same
/// count (SQLite's `BEGIN IMMEDIATE` already runs them one at a time). The
/// row is created first if missing, since there is nothing to lock in a
/// row that does not exist yet.
pub async fn get_for_update(
    tx: &mut WriteTx,
    form: Form,
    login_key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Failures>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sign_in_failures (form, login_key, failures, last_failure_at) \
             VALUES ($1, $2, 0, $3) ON CONFLICT (form, login_key) DO NOTHING",
        )
        .bind(form.as_str())
        .bind(login_key)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    let row: Option<Row> = match tx {
        WriteTx::Sqlite(tx) => {
            sqlx::query_as(SELECT)
                .bind(form.as_str())
                .bind(login_key)
                .fetch_optional(&mut **tx)
                .await?
        }
        WriteTx::Postgres(tx) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} FOR UPDATE")))
                .bind(form.as_str())
                .bind(login_key)
                .fetch_optional(&mut **tx)
                .await?
        }
    };
    Ok(row.map(from_row))
}

pub async fn put(
    tx: &mut WriteTx,
    form: Form,
    login_key: &str,
    failures: &Failures,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO sign_in_failures (form, login_key, failures, last_failure_at, locked_until) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (form, login_key) DO UPDATE SET failures = excluded.failures, \
             last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
        )
        .bind(form.as_str())
        .bind(login_key)
        .bind(failures.count)
        .bind(failures.last_failure_at)
        .bind(failures.locked_until)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Forgets the failures after a success.
pub async fn clear(tx: &mut WriteTx, form: Form, login_key: &str) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM sign_in_failures WHERE form = $1 AND login_key = $2")
            .bind(form.as_str())
            .bind(login_key)
            .execute(conn)
            .await
            .map(|_| ())
    })
}
