//! Mail waiting to be sent. A message is written in the transaction of the
//! change that causes it — so there is never mail about a change that did not
//! happen, nor a change whose mail is lost — and a worker delivers it.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// A message to queue.
#[derive(Clone, Debug)]
pub struct NewMail<'a> {
    /// Stable across retries, so a receiving server can drop duplicates.
    pub message_id: &'a str,
    pub kind: &'a str,
    pub recipient: &'a str,
    pub subject: &'a str,
    pub text_body: &'a str,
    pub html_body: &'a str,
    /// Holds a secret (a recovery code): the bodies are wiped once sent.
    pub sensitive: bool,
    /// Never sent after this.
    pub expires_at: Option<DateTime<Utc>>,
}

row! {
    /// A queued message.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct QueuedMail {
        pub id: i64,
        pub message_id: String,
        pub kind: String,
        pub recipient: String,
        pub subject: String,
        pub text_body: String,
        pub html_body: String,
        pub sensitive: bool,
        pub attempts: i32,
        pub next_attempt_at: DateTime<Utc>,
        pub expires_at: Option<DateTime<Utc>>,
    }
}

/// Queues a message: its id.
pub async fn enqueue(
    tx: &mut WriteTx,
    mail: &NewMail<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO mail_outbox \
             (message_id, kind, recipient, subject, text_body, html_body, sensitive, created_at, next_attempt_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
        )
        .bind(mail.message_id)
        .bind(mail.kind)
        .bind(mail.recipient)
        .bind(mail.subject)
        .bind(mail.text_body)
        .bind(mail.html_body)
        .bind(mail.sensitive)
        .bind(now)
        .bind(mail.expires_at)
        .fetch_one(conn)
        .await
    })
}

/// The message `outbox_id` carries the request's attachment.
pub async fn carry(
    tx: &mut WriteTx,
    outbox_id: i64,
    attachment_id: i64,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("INSERT INTO mail_outbox_attachments (outbox_id, attachment_id) VALUES ($1, $2)")
            .bind(outbox_id)
            .bind(attachment_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// The attachments a message carries: each one's request and id.
pub async fn carried(db: &Db, outbox_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT a.request_id, a.id FROM mail_outbox_attachments m \
             JOIN request_attachments a ON a.id = m.attachment_id \
             WHERE m.outbox_id = $1 ORDER BY a.id",
        )
        .bind(outbox_id)
        .fetch_all(pool)
        .await
    })
}

/// Messages due for a (first or next) attempt, oldest first.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<QueuedMail>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, message_id, kind, recipient, subject, text_body, html_body, sensitive, \
             attempts, next_attempt_at, expires_at FROM mail_outbox \
             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Takes a message for one attempt by moving its next attempt to
/// `lease_until`; false if another worker took it first.
pub async fn claim(
    db: &Db,
    mail: &QueuedMail,
    lease_until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET next_attempt_at = $1 \
             WHERE id = $2 AND next_attempt_at = $3 AND sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(lease_until)
        .bind(mail.id)
        .bind(mail.next_attempt_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected == 1)
}

/// Records a delivery; a sensitive message loses its bodies.
pub async fn mark_sent(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET sent_at = $1, attempts = attempts + 1, last_error = NULL, \
             text_body = CASE WHEN sensitive THEN '' ELSE text_body END, \
             html_body = CASE WHEN sensitive THEN '' ELSE html_body END \
             WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Records a failed attempt: try again at `retry_at`, or give up when `None`
/// (a sensitive message then loses its bodies too).
pub async fn mark_attempt_failed(
    db: &Db,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET attempts = attempts + 1, last_error = $1, \
             next_attempt_at = COALESCE($2, next_attempt_at), \
             failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END, \
             text_body = CASE WHEN $2 IS NULL AND sensitive THEN '' ELSE text_body END, \
             html_body = CASE WHEN $2 IS NULL AND sensitive THEN '' ELSE html_body END \
             WHERE id = $4",
        )
        .bind(error)
        .bind(retry_at)
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Gives up a message that expired before it could be sent (a recovery
/// code while the mail server was away): never sent, its bodies wiped.
pub async fn mark_expired(db: &Db, id: i64, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query(
            "UPDATE mail_outbox SET failed_at = $1, last_error = 'expired before it could be sent', \
             text_body = '', html_body = '' WHERE id = $2",
        )
        .bind(now)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Holds every message not sent yet, for good: after a restore from a
/// backup, the outbox may list mail that was in fact sent after the backup
/// was taken, and mail must never go twice. How many were held.
pub async fn hold_unsent(tx: &mut WriteTx, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE mail_outbox SET failed_at = $1, \
             last_error = 'held: the database was restored from a backup', \
             text_body = CASE WHEN sensitive THEN '' ELSE text_body END, \
             html_body = CASE WHEN sensitive THEN '' ELSE html_body END \
             WHERE sent_at IS NULL AND failed_at IS NULL",
        )
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })
}

row! {
    /// A message's delivery state, for tests and the admin module.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Delivery {
        pub message_id: String,
        pub kind: String,
        pub recipient: String,
        pub subject: String,
        pub text_body: String,
        pub attempts: i32,
        pub sent_at: Option<DateTime<Utc>>,
        pub failed_at: Option<DateTime<Utc>>,
        pub last_error: Option<String>,
    }
}

/// Every message, oldest first.
pub async fn all(db: &Db) -> Result<Vec<Delivery>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT message_id, kind, recipient, subject, text_body, attempts, sent_at, failed_at, last_error \
             FROM mail_outbox ORDER BY id",
        )
        .fetch_all(pool)
        .await
    })
}
