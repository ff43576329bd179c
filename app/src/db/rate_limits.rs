//! The per-address rate limits' buckets, shared by every instance of the
//! server: one statement spends an attempt or refuses it, so two instances
//! (or two requests on one) can never both take the last attempt.

use super::with_db;
use crate::security::RateLimit;
use chrono::{DateTime, Utc};
use std::time::Duration;

/// Spends one attempt from `bucket` at `now`: `Ok(Ok(()))` when allowed,
/// `Ok(Err(wait))` when the bucket is empty for `wait` yet.
pub async fn spend(
    db: &super::Db,
    bucket: &str,
    limit: RateLimit,
    now: DateTime<Utc>,
) -> Result<Result<(), Duration>, sqlx::Error> {
    let now_ms = now.timestamp_millis();
    // The schedule moves on by one interval from where it stands, or from
    // now if it has fallen behind; an attempt is allowed while the schedule
    // stays within one burst of now. A schedule further ahead than any
    // attempt could have put it means the clock was stepped back: it starts
    // again from now rather than refusing the address for the step's length.
    let spent: Option<i64> = with_db!(db, pool => {
        sqlx::query_scalar(
            "INSERT INTO rate_limits AS r (bucket, allowed_at_ms) VALUES ($1, $2 + $3) \
             ON CONFLICT (bucket) DO UPDATE SET allowed_at_ms = \
               (CASE WHEN r.allowed_at_ms > $2 + $4 THEN $2 \
                     WHEN r.allowed_at_ms > $2 THEN r.allowed_at_ms ELSE $2 END) + $3 \
             WHERE (CASE WHEN r.allowed_at_ms > $2 + $4 THEN $2 \
                         WHEN r.allowed_at_ms > $2 THEN r.allowed_at_ms ELSE $2 END) + $3 - $2 <= $4 \
             RETURNING allowed_at_ms",
        )
        .bind(bucket)
        .bind(now_ms)
        .bind(limit.interval_ms())
        .bind(limit.tolerance_ms())
        .fetch_optional(pool)
        .await
    })?;
    if spent.is_some() {
        return Ok(Ok(()));
    }
    let allowed_at_ms: Option<i64> = with_db!(db, pool => {
        sqlx::query_scalar("SELECT allowed_at_ms FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .fetch_optional(pool)
            .await
    })?;
    Ok(Err(limit.wait(allowed_at_ms.unwrap_or(now_ms), now_ms)))
}

/// Forgets buckets that are full again (their schedule has passed): they
/// allow exactly what a missing row allows. How many went.
pub async fn forget_full(db: &super::Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query("DELETE FROM rate_limits WHERE allowed_at_ms <= $1")
            .bind(now.timestamp_millis())
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
    })
}
