//! The data layer: one pool per process, over SQLite (the embedded default) or
//! PostgreSQL (for scale), chosen at start from the database URL.
//!
//! [`Db`] is an enum over the two native sqlx pools rather than `AnyPool`:
//! `AnyPool` cannot decode SQLite booleans and has no date/time types, and
//! every section stores times. The price is a `match` per query, hidden by
//! [`with_db!`] and [`with_tx!`]: SQL that is the same on both databases
//! (with `$1` placeholders, which SQLite also accepts) is written once; where
//! the two differ, both texts stand side by side in the one function.

pub mod accounts;
pub mod appointments;
pub mod attachments;
pub mod audit;
pub mod calendar_feeds;
pub mod clinics;
pub mod content;
pub mod departments;
pub mod doctors;
pub mod drafts;
pub mod failures;
pub mod finance;
pub mod known_devices;
mod migrations;
pub mod mis_clients;
pub mod outbox;
pub mod passkeys;
pub mod patients;
pub mod rate_limits;
pub mod recovery;
pub mod referrals;
pub mod requests;
pub mod results;
pub mod routing;
pub mod second_factor;
pub mod sessions;
pub mod staff;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};
use std::str::FromStr;
use std::time::Duration;

/// Whether `error` is the violation of a unique index: named `index` on
/// PostgreSQL; on SQLite, which names the columns instead, over `columns`
/// (`table.a, table.b`).
pub fn violates(error: &sqlx::Error, index: &str, columns: &str) -> bool {
    let sqlx::Error::Database(error) = error else {
        return false;
    };
    error.is_unique_violation()
        && (error.constraint() == Some(index)
            || error
                .message()
                .ends_with(&format!("UNIQUE constraint failed: {columns}")))
}

/// The database behind the cabinet.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Which database a URL names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if it is one we support.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }
}

/// Pool sizing and waiting limits.
#[derive(Clone, Debug)]
pub struct PoolSettings {
    pub max_connections: u32,
    /// How long a request waits for a connection before it fails, so a
    /// database that is down is reported quickly instead of hanging.
    pub acquire_timeout: Duration,
    /// How long a SQLite write waits for another writer.
    pub busy_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 10,
            acquire_timeout: Duration::from_secs(3),
            busy_timeout: Duration::from_secs(5),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error("cannot create the folder for the SQLite database {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl Db {
    /// Opens a pool for `url`. A SQLite file and its folder are created on
    /// first use; the file runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str, settings: &PoolSettings) -> Result<Db, DbError> {
        match Backend::of_url(url).ok_or(DbError::UnsupportedUrl)? {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(settings.busy_timeout)
                    .foreign_keys(true);
                if let Some(folder) = options.get_filename().parent() {
                    if !folder.as_os_str().is_empty() {
                        std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                            path: folder.display().to_string(),
                            source,
                        })?;
                    }
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect_with(options)
                    .await?;
                Ok(Db::Sqlite(pool))
            }
            Backend::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(settings.max_connections)
                    .acquire_timeout(settings.acquire_timeout)
                    .connect(url)
                    .await?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Brings the schema up to date; run at every start.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self {
            Db::Sqlite(pool) => migrations::sqlite().run(pool).await?,
            Db::Postgres(pool) => migrations::postgres().run(pool).await?,
        }
        patients::backfill_name_keys(self).await?;
        Ok(())
    }

    /// Versions of the migrations applied so far, oldest first.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, sqlx::Error> {
        with_db!(self, pool => {
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(pool)
                .await
        })
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        with_db!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await.map(|_| ())
        })
    }

    /// Closes every connection; later calls fail at once.
    pub async fn close(&self) {
        with_db!(self, pool => pool.close().await)
    }

    /// Starts a transaction for a change that reads before it writes. On
    /// SQLite it takes the write lock up front (`BEGIN IMMEDIATE`), so two
    /// such transactions queue instead of failing with "database is locked"
    /// when the reader tries to become a writer.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(pool) => WriteTx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(pool) => WriteTx::Postgres(pool.begin().await?),
        })
    }
}

/// An open write transaction on either backend. Dropped without
/// [`WriteTx::commit`], it rolls back: nothing is half-written.
pub enum WriteTx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            WriteTx::Sqlite(tx) => tx.commit().await,
            WriteTx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Runs `$body` with `$pool` bound to the native pool of either backend.
#[macro_export]
macro_rules! with_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$conn` bound to the connection of a [`WriteTx`].
#[macro_export]
macro_rules! with_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match $tx {
            $crate::db::WriteTx::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::db::WriteTx::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}

/// Declares a row struct and its `sqlx::FromRow` by column name — what
/// `#[derive(sqlx::FromRow)]` does, without sqlx's macro crate, which would
/// compile both database drivers a second time.
#[macro_export]
macro_rules! row {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$field_meta:meta])* pub $field:ident : $ty:ty),* $(,)?
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl<'r, R: sqlx::Row> sqlx::FromRow<'r, R> for $name
        where
            &'r str: sqlx::ColumnIndex<R>,
            $($ty: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>),*
        {
            fn from_row(row: &'r R) -> Result<Self, sqlx::Error> {
                Ok($name {
                    $($field: row.try_get(stringify!($field))?),*
                })
            }
        }
    };
}

pub use {row, with_db, with_tx};

/// Removes the row of `table` (one of ours, never input) with this MIS
/// id, which the MIS withdrew: true if there was one.
pub async fn delete_withdrawn(
    tx: &mut WriteTx,
    table: &'static str,
    mis_id: &str,
) -> Result<bool, sqlx::Error> {
    let sql = format!("DELETE FROM {table} WHERE mis_id = $1");
    let affected = with_tx!(tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(mis_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// `a = excluded.a, b = excluded.b`: an upsert's update of `columns`.
pub fn set_from_excluded(columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether an upsert changes any of `columns` of `table`'s row: the same
/// record sent again writes nothing.
pub fn any_distinct_from_excluded(table: &str, columns: &[&str]) -> String {
    columns
        .iter()
        .map(|c| format!("{table}.{c} IS DISTINCT FROM excluded.{c}"))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// `%text%` for `LIKE … ESCAPE '\'`, with LIKE's own characters taken
/// literally.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_contains("анна"), "%анна%");
        assert_eq!(like_contains("50%_\\"), "%50\\%\\_\\\\%");
    }

    #[test]
    fn the_backend_is_chosen_from_the_url_scheme() {
        assert_eq!(
            Backend::of_url("sqlite://data/cabinet.db"),
            Some(Backend::Sqlite)
        );
        assert_eq!(
            Backend::of_url("postgres://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(
            Backend::of_url("postgresql://u@h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://u@h/db"), None);
    }
}
