//! The schema migrations, embedded in the binary: `migrations/sqlite/` and
//! `migrations/postgres/` hold the same file names, one version each.
//!
//! They are listed here rather than found by `sqlx::migrate!`: that macro
//! pulls sqlx's SQLite and PostgreSQL drivers into a second, compile-time build
//! (bundled SQLite C code included), which cost every cold CI build minutes.

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::SqlSafeStr;
use std::borrow::Cow;

struct Embedded {
    version: i64,
    description: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

macro_rules! embedded {
    ($($version:literal $file:literal $description:literal),* $(,)?) => {
        &[$(Embedded {
            version: $version,
            description: $description,
            sqlite: include_str!(concat!("../../../migrations/sqlite/", $file)),
            postgres: include_str!(concat!("../../../migrations/postgres/", $file)),
        }),*]
    };
}

/// Every migration, oldest first. A new file in `migrations/` goes here too
/// (a test checks that none is forgotten).
const MIGRATIONS: &[Embedded] = embedded![
    1 "0001_foundation.sql" "foundation",
    2 "0002_accounts.sql" "accounts",
    3 "0003_requests.sql" "requests",
    4 "0004_request_model.sql" "request model",
    5 "0005_mis.sql" "mis",
    6 "0006_mail_attachments.sql" "mail attachments",
    7 "0007_results_finance.sql" "results and finance",
    8 "0008_content.sql" "content",
    9 "0009_scale_out.sql" "scale out",
    10 "0010_access_log.sql" "access log",
    11 "0011_second_factor.sql" "second factor",
    12 "0012_passkeys.sql" "passkeys",
];

fn migrator(pick: fn(&Embedded) -> &'static str) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|m| {
                Migration::new(
                    m.version,
                    Cow::Borrowed(m.description),
                    MigrationType::Simple,
                    pick(m).into_sql_str(),
                    false,
                )
            })
            .collect(),
    )
}

pub fn sqlite() -> Migrator {
    migrator(|m| m.sqlite)
}

pub fn postgres() -> Migrator {
    migrator(|m| m.postgres)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_in(folder: &str) -> Vec<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(folder);
        let mut names: Vec<String> = std::fs::read_dir(path)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn every_migration_file_is_embedded_once_in_order_for_both_databases() {
        let sqlite = files_in("sqlite");
        assert_eq!(
            sqlite,
            files_in("postgres"),
            "the two folders hold the same file names"
        );
        assert_eq!(
            sqlite.len(),
            MIGRATIONS.len(),
            "every file is listed in MIGRATIONS"
        );
        for (index, (file, migration)) in sqlite.iter().zip(MIGRATIONS).enumerate() {
            let version: i64 = file[..4].parse().unwrap();
            assert_eq!(version, migration.version, "{file}");
            assert_eq!(
                version,
                index as i64 + 1,
                "versions count up from 1 without gaps"
            );
        }
    }
}
