//! Backups and what a restored database needs before it serves again.
//!
//! A backup is a consistent copy taken while the server runs: for SQLite
//! `server --backup FILE` (SQLite's `VACUUM INTO`), for PostgreSQL
//! `pg_dump --format=custom`. A database restored from one is brought
//! back with `server --after-restore` before the server starts on it:
//! sessions from before end (a cookie stolen or signed out since must not
//! come back), unsent mail is held (it may have been sent after the backup
//! was taken), and recovery codes stop working.

use app::db::sessions::EndReason;
use app::db::{outbox, recovery, sessions, Db};
use chrono::{DateTime, Utc};
use std::path::Path;

/// Copies the SQLite database into `file`, which must not exist yet.
pub async fn backup_sqlite(db: &Db, file: &Path) -> anyhow::Result<()> {
    let Db::Sqlite(pool) = db else {
        anyhow::bail!(
            "--backup copies a SQLite database; for PostgreSQL use pg_dump --format=custom"
        );
    };
    if file.exists() {
        anyhow::bail!(
            "{} exists already: a backup never overwrites",
            file.display()
        );
    }
    let path = file
        .to_str()
        .ok_or_else(|| anyhow::anyhow!("the backup's path must be UTF-8"))?;
    sqlx::query("VACUUM INTO $1")
        .bind(path)
        .execute(pool)
        .await?;
    Ok(())
}

/// What [`after_restore`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Restored {
    pub sessions_ended: u64,
    pub mail_held: u64,
    pub codes_voided: u64,
}

/// Makes a database restored from a backup safe to serve, in one
/// transaction — after SQLite's own check finds the file whole
/// (PostgreSQL's `pg_restore` reports a broken dump itself).
pub async fn after_restore(db: &Db, now: DateTime<Utc>) -> anyhow::Result<Restored> {
    if let Db::Sqlite(pool) = db {
        let answer: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(pool)
            .await?;
        if answer != "ok" {
            anyhow::bail!("the restored SQLite file fails its integrity check: {answer}");
        }
    }
    let mut tx = db.begin_write().await?;
    let restored = Restored {
        sessions_ended: sessions::end_every(&mut tx, EndReason::Restored, now).await?,
        mail_held: outbox::hold_unsent(&mut tx, now).await?,
        codes_voided: recovery::invalidate_all(&mut tx, now).await?,
    };
    tx.commit().await?;
    Ok(restored)
}
