//! The devices a patient's cabinet has been signed in on, each known by a
//! hash of the random token in its long-lived device cookie.

use super::{with_tx, WriteTx};
use chrono::{DateTime, Utc};

/// What signing in on a device found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Signed in here before.
    Known,
    /// New, and the patient has signed in elsewhere before.
    New,
    /// The patient's first device: nothing to compare it with.
    First,
}

/// Records a sign-in on the device `token_hash` names, in the sign-in's
/// transaction, and says whether the patient's cabinet knew it.
pub async fn sign_in_on(
    tx: &mut WriteTx,
    patient_id: i64,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Seen, sqlx::Error> {
    let known = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE known_devices SET last_seen_at = $1 WHERE patient_id = $2 AND token_hash = $3",
        )
        .bind(now)
        .bind(patient_id)
        .bind(token_hash)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() > 0)
    })?;
    if known {
        return Ok(Seen::Known);
    }
    let others: i64 = with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT COUNT(*) FROM known_devices WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_one(conn)
            .await
    })?;
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO known_devices (patient_id, token_hash, first_seen_at, last_seen_at) \
             VALUES ($1, $2, $3, $3)",
        )
        .bind(patient_id)
        .bind(token_hash)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(if others == 0 { Seen::First } else { Seen::New })
}
