//! Files attached to requests: what they are, and their bytes when the
//! database keeps them.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// An attachment to insert: `content` holds the bytes, or `stored_name`
/// names them in the attachments folder.
#[derive(Clone, Debug)]
pub struct NewAttachment<'a> {
    pub request_id: i64,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub size: i64,
    pub sha256: &'a str,
    pub content: Option<&'a [u8]>,
    pub stored_name: Option<&'a str>,
    pub staff_id: Option<i64>,
}

pub async fn insert(
    tx: &mut WriteTx,
    file: &NewAttachment<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO request_attachments \
             (request_id, file_name, media_type, size, sha256, content, stored_name, staff_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(file.request_id)
        .bind(file.file_name)
        .bind(file.media_type)
        .bind(file.size)
        .bind(file.sha256)
        .bind(file.content)
        .bind(file.stored_name)
        .bind(file.staff_id)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

row! {
    /// An attachment as listed, without its bytes.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AttachmentRow {
        pub id: i64,
        pub request_id: i64,
        pub file_name: String,
        pub media_type: String,
        pub size: i64,
        pub sha256: String,
        pub stored_name: Option<String>,
        pub created_at: DateTime<Utc>,
    }
}

/// The columns of [`AttachmentRow`].
macro_rules! columns {
    () => {
        "SELECT id, request_id, file_name, media_type, size, sha256, stored_name, created_at \
         FROM request_attachments"
    };
}

/// A request's attachments, oldest first.
pub async fn of_request(db: &Db, request_id: i64) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(concat!(columns!(), " WHERE request_id = $1 ORDER BY id"))
            .bind(request_id)
            .fetch_all(pool)
            .await
    })
}

/// One attachment of a request.
pub async fn one(
    db: &Db,
    request_id: i64,
    attachment_id: i64,
) -> Result<Option<AttachmentRow>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(concat!(columns!(), " WHERE request_id = $1 AND id = $2"))
            .bind(request_id)
            .bind(attachment_id)
            .fetch_optional(pool)
            .await
    })
}

/// The bytes the database keeps of an attachment (`None`: in the folder).
pub async fn content(db: &Db, attachment_id: i64) -> Result<Option<Vec<u8>>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar("SELECT content FROM request_attachments WHERE id = $1")
            .bind(attachment_id)
            .fetch_one(pool)
            .await
    })
}
