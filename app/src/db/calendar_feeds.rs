//! Patients' calendar subscriptions: the hash of each secret feed URL's
//! token, and whether the feed names doctors and clinics.

use super::{with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// Makes (or replaces: the old URL stops working) the patient's feed.
pub async fn replace(
    tx: &mut WriteTx,
    patient_id: i64,
    token_hash: &str,
    with_details: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO calendar_feeds (patient_id, token_hash, with_details, created_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (patient_id) DO UPDATE SET \
             token_hash = excluded.token_hash, with_details = excluded.with_details, \
             created_at = excluded.created_at",
        )
        .bind(patient_id)
        .bind(token_hash)
        .bind(with_details)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Revokes the patient's feed: true if there was one.
pub async fn delete(tx: &mut WriteTx, patient_id: i64) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query("DELETE FROM calendar_feeds WHERE patient_id = $1")
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// The patient's feed: whether it names details, and since when it exists.
pub async fn of_patient(
    db: &Db,
    patient_id: i64,
) -> Result<Option<(bool, DateTime<Utc>)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as("SELECT with_details, created_at FROM calendar_feeds WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_optional(pool)
            .await
    })
}

/// The patient a feed token belongs to, whether it names details, and the
/// patient's language — while their cabinet is open.
pub async fn by_token_hash(
    db: &Db,
    token_hash: &str,
) -> Result<Option<(i64, bool, String)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT f.patient_id, f.with_details, a.locale FROM calendar_feeds f \
             JOIN patient_accounts a ON a.patient_id = f.patient_id \
             WHERE f.token_hash = $1 AND a.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })
}
