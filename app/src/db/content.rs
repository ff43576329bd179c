//! «Новости ЕМС» and «Акции ЕМС» as editors write them: items with their
//! Markdown text, publish date, promotion dates and picture. Patients see
//! only what is published, from its publish date — promotions only while
//! they run.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};

/// An item as the editor's form makes it.
#[derive(Clone, Debug)]
pub struct NewContent<'a> {
    /// `news` or `promotion`.
    pub kind: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub publish_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// Writes a new item, unpublished: its id.
pub async fn insert(
    tx: &mut WriteTx,
    item: &NewContent<'_>,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO content_items (kind, title, body, publish_on, valid_from, valid_until, \
             published, created_by, updated_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7, $7, $8, $8) RETURNING id",
        )
        .bind(item.kind)
        .bind(item.title)
        .bind(item.body)
        .bind(item.publish_on)
        .bind(item.valid_from)
        .bind(item.valid_until)
        .bind(staff_id)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

/// Rewrites item `id`: false if there is none.
pub async fn update(
    tx: &mut WriteTx,
    id: i64,
    item: &NewContent<'_>,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE content_items SET kind = $2, title = $3, body = $4, publish_on = $5, \
             valid_from = $6, valid_until = $7, updated_by = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(id)
        .bind(item.kind)
        .bind(item.title)
        .bind(item.body)
        .bind(item.publish_on)
        .bind(item.valid_from)
        .bind(item.valid_until)
        .bind(staff_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Publishes or withdraws item `id`: false if there is none.
pub async fn set_published(
    tx: &mut WriteTx,
    id: i64,
    published: bool,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE content_items SET published = $2, updated_by = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(published)
        .bind(staff_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Keeps a picture (once per content): its id.
pub async fn store_picture(
    tx: &mut WriteTx,
    sha256: &str,
    media_type: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO content_pictures (sha256, media_type, bytes, created_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id",
        )
        .bind(sha256)
        .bind(media_type)
        .bind(bytes)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

/// Sets (or, with `None`, removes) the picture of item `id`.
pub async fn set_picture(
    tx: &mut WriteTx,
    id: i64,
    picture_id: Option<i64>,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE content_items SET picture_id = $2, updated_by = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id)
        .bind(picture_id)
        .bind(staff_id)
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// A picture's type and bytes, by the hash that is its address.
pub async fn picture(db: &Db, sha256: &str) -> Result<Option<(String, Vec<u8>)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as("SELECT media_type, bytes FROM content_pictures WHERE sha256 = $1")
            .bind(sha256)
            .fetch_optional(pool)
            .await
    })
}

row! {
    /// An item as pages show it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ContentItem {
        pub id: i64,
        pub kind: String,
        pub title: String,
        pub body: String,
        pub picture: Option<String>,
        pub publish_on: NaiveDate,
        pub valid_from: Option<NaiveDate>,
        pub valid_until: Option<NaiveDate>,
        pub published: bool,
        pub updated_at: DateTime<Utc>,
    }
}

const SELECT: &str = "SELECT c.id, c.kind, c.title, c.body, p.sha256 AS picture, c.publish_on, \
     c.valid_from, c.valid_until, c.published, c.updated_at \
     FROM content_items c LEFT JOIN content_pictures p ON p.id = c.picture_id";

/// Every item, for the editors: the latest publish date first.
pub async fn all(db: &Db) -> Result<Vec<ContentItem>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY c.publish_on DESC, c.id DESC");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await
    })
}

/// Item `id`, published or not, for the editors.
pub async fn one(db: &Db, id: i64) -> Result<Option<ContentItem>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await
    })
}

/// What patients may see on `today`: published, from its publish date;
/// a promotion only while it runs.
const VISIBLE: &str = "c.published AND c.publish_on <= $1 \
     AND (c.kind = 'news' OR (c.valid_from <= $1 AND c.valid_until >= $1))";

/// Published news, newest first: `limit` from `offset`.
pub async fn news_page(
    db: &Db,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> Result<Vec<ContentItem>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE c.kind = 'news' AND {VISIBLE} \
         ORDER BY c.publish_on DESC, c.id DESC LIMIT $2 OFFSET $3"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(today)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await
    })
}

/// How many news items patients may see.
pub async fn news_count(db: &Db, today: NaiveDate) -> Result<i64, sqlx::Error> {
    let sql = format!("SELECT COUNT(*) FROM content_items c WHERE c.kind = 'news' AND {VISIBLE}");
    with_db!(db, pool => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(today).fetch_one(pool).await
    })
}

/// The promotions in force on `today`, those ending soonest first.
pub async fn promotions_in_force(
    db: &Db,
    today: NaiveDate,
) -> Result<Vec<ContentItem>, sqlx::Error> {
    let sql =
        format!("{SELECT} WHERE c.kind = 'promotion' AND {VISIBLE} ORDER BY c.valid_until, c.id");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(today).fetch_all(pool).await
    })
}

/// Item `id` of `kind`, if patients may see it on `today`.
pub async fn visible(
    db: &Db,
    kind: &str,
    id: i64,
    today: NaiveDate,
) -> Result<Option<ContentItem>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE c.id = $2 AND c.kind = $3 AND {VISIBLE}");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(today)
            .bind(id)
            .bind(kind)
            .fetch_optional(pool)
            .await
    })
}
