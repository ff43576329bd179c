//! The password recovery code of each patient: one at a time, hashed, with
//! the count of wrong tries that asking for a new code does not reset.

use super::{row, with_tx, WriteTx};
use chrono::{DateTime, Utc};

row! {
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct StoredCode {
        pub code_hash: String,
        pub issued_at: DateTime<Utc>,
        pub expires_at: DateTime<Utc>,
        pub wrong_tries: i32,
        /// When the current count of wrong tries began.
        pub tries_since: DateTime<Utc>,
        pub used_at: Option<DateTime<Utc>>,
    }
}

pub async fn get(tx: &mut WriteTx, patient_id: i64) -> Result<Option<StoredCode>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT code_hash, issued_at, expires_at, wrong_tries, tries_since, used_at \
             FROM recovery_codes WHERE patient_id = $1",
        )
        .bind(patient_id)
        .fetch_optional(conn)
        .await
    })
}

pub async fn put(tx: &mut WriteTx, patient_id: i64, code: &StoredCode) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO recovery_codes \
             (patient_id, code_hash, issued_at, expires_at, wrong_tries, tries_since, used_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (patient_id) DO UPDATE SET code_hash = excluded.code_hash, \
             issued_at = excluded.issued_at, expires_at = excluded.expires_at, \
             wrong_tries = excluded.wrong_tries, tries_since = excluded.tries_since, \
             used_at = excluded.used_at",
        )
        .bind(patient_id)
        .bind(&code.code_hash)
        .bind(code.issued_at)
        .bind(code.expires_at)
        .bind(code.wrong_tries)
        .bind(code.tries_since)
        .bind(code.used_at)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Spends one try of the patient's live code and returns its hash, in one
/// statement; `None` if there is no live code (used, expired, or out of
/// tries).
pub async fn reserve_try(
    tx: &mut WriteTx,
    patient_id: i64,
    max_wrong_tries: i32,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "UPDATE recovery_codes SET wrong_tries = wrong_tries + 1 \
             WHERE patient_id = $1 AND used_at IS NULL AND expires_at > $2 AND wrong_tries < $3 \
             RETURNING code_hash",
        )
        .bind(patient_id)
        .bind(now)
        .bind(max_wrong_tries)
        .fetch_optional(conn)
        .await
    })
}

/// Uses up the code with this hash; false if it was used meanwhile.
pub async fn use_code(
    tx: &mut WriteTx,
    patient_id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 \
             WHERE patient_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(patient_id)
        .bind(code_hash)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected == 1)
}

/// Kills any outstanding code: after a password or recovery e-mail change,
/// a code mailed earlier must not work.
pub async fn invalidate(
    tx: &mut WriteTx,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE patient_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Kills every outstanding code (after a restore from a backup: a code
/// mailed since the backup is not in it, one mailed before may have been
/// used since); how many.
pub async fn invalidate_all(tx: &mut WriteTx, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE used_at IS NULL")
            .bind(now)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })
}
