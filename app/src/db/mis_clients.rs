//! The clients of the integration API (the clinic's MIS): their names and
//! the hashes of their bearer tokens.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

pub async fn insert(
    tx: &mut WriteTx,
    name: &str,
    token_hash: &str,
    created_by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO mis_clients (name, token_hash, created_by, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(token_hash)
        .bind(created_by)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

row! {
    /// A client as the admin module lists it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct MisClient {
        pub id: i64,
        pub name: String,
        pub created_at: DateTime<Utc>,
        pub last_used_at: Option<DateTime<Utc>>,
        pub revoked_at: Option<DateTime<Utc>>,
    }
}

/// Every client, newest first.
pub async fn all(db: &Db) -> Result<Vec<MisClient>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, created_at, last_used_at, revoked_at FROM mis_clients ORDER BY id DESC",
        )
        .fetch_all(pool)
        .await
    })
}

/// The client whose token hashes to `token_hash`, unless revoked: its id
/// and name. Notes the use — at most once a minute, so a busy client does
/// not write on every call.
pub async fn authenticate(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let found: Option<(i64, String, Option<DateTime<Utc>>)> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, last_used_at FROM mis_clients WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
    })?;
    let Some((id, name, last_used)) = found else {
        return Ok(None);
    };
    if last_used.is_none_or(|at| now - at >= chrono::Duration::minutes(1)) {
        with_db!(db, pool => {
            sqlx::query("UPDATE mis_clients SET last_used_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
    }
    Ok(Some((id, name)))
}

/// Revokes the client: false if it was already revoked or does not exist.
pub async fn revoke(tx: &mut WriteTx, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query("UPDATE mis_clients SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}
