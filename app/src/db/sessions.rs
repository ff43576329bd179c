//! Signed-in browsers: one row per session, found by the hash of the token in
//! its cookie. The token itself is never stored.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// Whose session it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Patient(i64),
    Staff(i64),
}

impl Subject {
    /// The `(patient_id, staff_id)` columns of a row that belongs to it.
    pub const fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Subject::Patient(id) => (Some(id), None),
            Subject::Staff(id) => (None, Some(id)),
        }
    }

    /// Whose a row is, from those columns.
    pub fn from_columns(patient_id: Option<i64>, staff_id: Option<i64>) -> Option<Subject> {
        match (patient_id, staff_id) {
            (Some(id), None) => Some(Subject::Patient(id)),
            (None, Some(id)) => Some(Subject::Staff(id)),
            _ => None,
        }
    }
}

/// A session to insert.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub subject: Subject,
    /// The absolute end, however active the session is.
    pub expires_at: DateTime<Utc>,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

row! {
    /// A session not yet ended.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Session {
        pub id: i64,
        pub patient_id: Option<i64>,
        pub staff_id: Option<i64>,
        pub created_at: DateTime<Utc>,
        pub last_seen_at: DateTime<Utc>,
        pub expires_at: DateTime<Utc>,
        pub user_agent: String,
        pub ip: String,
    }
}

/// Why a session ended, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EndReason {
    SignedOut,
    Idle,
    Expired,
    PasswordChanged,
    PasswordRecovered,
    SignedOutRemotely,
    AccountDisabled,
    /// The database was restored from a backup: no session from before may
    /// go on.
    Restored,
}

impl EndReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            EndReason::SignedOut => "signed_out",
            EndReason::Idle => "idle",
            EndReason::Expired => "expired",
            EndReason::PasswordChanged => "password_changed",
            EndReason::PasswordRecovered => "password_recovered",
            EndReason::SignedOutRemotely => "signed_out_remotely",
            EndReason::AccountDisabled => "account_disabled",
            EndReason::Restored => "restored",
        }
    }
}

pub async fn insert(
    tx: &mut WriteTx,
    session: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (patient_id, staff_id) = session.subject.columns();
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO sessions \
             (token_hash, patient_id, staff_id, created_at, last_seen_at, expires_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $4, $5, $6, $7) RETURNING id",
        )
        .bind(session.token_hash)
        .bind(patient_id)
        .bind(staff_id)
        .bind(now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .bind(session.ip)
        .fetch_one(conn)
        .await
    })
}

const COLUMNS: &str =
    "id, patient_id, staff_id, created_at, last_seen_at, expires_at, user_agent, ip";

/// The session whose token hashes to `token_hash`, unless it has ended.
pub async fn find_open(db: &Db, token_hash: &str) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM sessions WHERE token_hash = $1 AND ended_at IS NULL");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(token_hash)
            .fetch_optional(pool)
            .await
    })
}

/// The session with this id, unless it has ended.
pub async fn open_by_id(db: &Db, id: i64) -> Result<Option<Session>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM sessions WHERE id = $1 AND ended_at IS NULL");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// The open sessions of a patient, most recently active first.
pub async fn open_of_patient(db: &Db, patient_id: i64) -> Result<Vec<Session>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions WHERE patient_id = $1 AND ended_at IS NULL \
         ORDER BY last_seen_at DESC, id DESC"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(pool)
            .await
    })
}

/// Records activity; the idle timeout counts from here.
pub async fn touch(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

const END: &str =
    "UPDATE sessions SET ended_at = $1, ended_reason = $2 WHERE id = $3 AND ended_at IS NULL";

/// Ends one session; whether it was still open.
pub async fn end(
    tx: &mut WriteTx,
    id: i64,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(END)
        .bind(now)
        .bind(reason.as_str())
        .bind(id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Ends a patient's own session; false if it is not theirs or already over.
pub async fn end_of_patient(
    tx: &mut WriteTx,
    id: i64,
    patient_id: i64,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE sessions SET ended_at = $1, ended_reason = $2 \
             WHERE id = $3 AND patient_id = $4 AND ended_at IS NULL",
        )
        .bind(now)
        .bind(reason.as_str())
        .bind(id)
        .bind(patient_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Ends a session found expired when it came back: no transaction needed.
pub async fn end_expired(
    db: &Db,
    id: i64,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query(END)
        .bind(now)
        .bind(reason.as_str())
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Ends every open session of `subject` except `keep`; how many ended.
pub async fn end_all_of(
    tx: &mut WriteTx,
    subject: Subject,
    keep: Option<i64>,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let (column, id) = match subject {
        Subject::Patient(id) => ("patient_id", id),
        Subject::Staff(id) => ("staff_id", id),
    };
    let sql = format!(
        "UPDATE sessions SET ended_at = $1, ended_reason = $2 \
         WHERE {column} = $3 AND ended_at IS NULL AND id <> $4"
    );
    with_tx!(tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now)
            .bind(reason.as_str())
            .bind(id)
            .bind(keep.unwrap_or(-1))
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })
}

/// Ends every open session, of patients and staff; how many ended.
pub async fn end_every(
    tx: &mut WriteTx,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE sessions SET ended_at = $1, ended_reason = $2 WHERE ended_at IS NULL")
            .bind(now)
            .bind(reason.as_str())
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })
}
