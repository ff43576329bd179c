//! What a patient typed into a request form posted without JavaScript
//! that came back with a mistake, kept an hour for the page it returns to.

use super::{with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// Saves what a patient typed into `form`, replacing an earlier draft, and
/// forgets every draft saved before `stale` — both or neither.
pub async fn save(
    db: &Db,
    patient_id: i64,
    form: &str,
    fields: &str,
    now: DateTime<Utc>,
    stale: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    with_tx!(&mut tx, conn => {
        sqlx::query("DELETE FROM form_drafts WHERE saved_at < $1")
            .bind(stale)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO form_drafts (patient_id, form, fields, saved_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (patient_id, form) DO UPDATE SET fields = $3, saved_at = $4",
        )
        .bind(patient_id)
        .bind(form)
        .bind(fields)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    tx.commit().await
}

/// Takes the draft of `form` out, if it was saved since `since`.
pub async fn take(
    db: &Db,
    patient_id: i64,
    form: &str,
    since: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    let taken: Option<(String, DateTime<Utc>)> = with_db!(db, pool => {
        sqlx::query_as(
            "DELETE FROM form_drafts WHERE patient_id = $1 AND form = $2 RETURNING fields, saved_at",
        )
        .bind(patient_id)
        .bind(form)
        .fetch_optional(pool)
        .await
    })?;
    Ok(taken.and_then(|(fields, saved_at)| (saved_at >= since).then_some(fields)))
}

/// Forgets the draft of `form`, once it was sent.
pub async fn delete(tx: &mut WriteTx, patient_id: i64, form: &str) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM form_drafts WHERE patient_id = $1 AND form = $2")
            .bind(patient_id)
            .bind(form)
            .execute(conn)
            .await
            .map(|_| ())
    })
}
