//! Migrations and the demo seed, on whichever database the run uses.

use crate::helpers::{spawn_app, spawn_app_with};
use app::db::{accounts, patients, staff, Backend};
use app::domain::StaffRole;
use app::security::{verify_password, Secret};
use server::demo;

#[tokio::test]
async fn migrations_run_at_start_on_the_configured_database() {
    let app = spawn_app().await;
    let expected = if app.database.is_postgres() {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    assert_eq!(app.db.backend(), expected);
    assert_eq!(
        app.db.applied_migrations().await.unwrap(),
        vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    );
}

#[tokio::test]
async fn without_the_demo_flag_the_database_stays_empty() {
    let app = spawn_app().await;
    assert_eq!(patients::count(&app.db).await.unwrap(), 0);
    assert!(accounts::by_login(&app.db, demo::PATIENT_LOGIN)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_demo_flag_seeds_the_demo_accounts_with_their_documented_passwords() {
    let app = spawn_app_with(|config| config.demo = true).await;

    let patient = accounts::by_login(&app.db, "DEMO")
        .await
        .unwrap()
        .expect("demo patient");
    assert!(verify_password(
        &Secret::new(demo::PATIENT_PASSWORD),
        &patient.password_hash
    ));

    let mut tx = app.db.begin_write().await.unwrap();
    let now = app.clock.now();
    let temporary = accounts::usable_temporary_credentials(&mut tx, demo::TEMPORARY_LOGIN, now)
        .await
        .unwrap()
        .expect("temporary credentials");
    assert!(verify_password(
        &Secret::new(demo::TEMPORARY_PASSWORD),
        &temporary.password_hash
    ));
    let in_31_days = now + chrono::Duration::days(31);
    assert!(
        accounts::usable_temporary_credentials(&mut tx, demo::TEMPORARY_LOGIN, in_31_days)
            .await
            .unwrap()
            .is_none()
    );
    drop(tx);

    let admin = staff::credentials(&app.db, demo::ADMIN_LOGIN)
        .await
        .unwrap()
        .expect("admin");
    assert!(verify_password(
        &Secret::new(demo::ADMIN_PASSWORD),
        &admin.password_hash
    ));
    assert_eq!(admin.roles, vec![StaffRole::Admin]);
}

#[tokio::test]
async fn seeding_a_database_that_has_patients_writes_nothing() {
    let app = spawn_app_with(|config| config.demo = true).await;
    let before = patients::count(&app.db).await.unwrap();
    let again = demo::seed(&app.context).await.unwrap();
    assert_eq!(again, demo::Seeded::AlreadyHadData);
    assert_eq!(patients::count(&app.db).await.unwrap(), before);
}

/// One database's schema, in terms both databases share: per table, its
/// columns (name, type family, nullable), its primary key, and its indexes
/// (columns, unique, partial) — the names the two give to indexes they
/// make themselves differ, so indexes are compared by what they cover.
#[derive(Debug, Default, PartialEq, Eq)]
struct Schema {
    tables: std::collections::BTreeMap<String, Table>,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Table {
    columns: Vec<(String, &'static str, bool)>,
    primary_key: Vec<String>,
    indexes: std::collections::BTreeSet<(Vec<String>, bool, bool)>,
}

/// The family of a declared column type, as SQLite sees types: it keeps
/// dates and times as text and truth values as the integers 0 and 1, so on
/// PostgreSQL those count as text and integer too.
fn type_family(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") || declared.contains("bool") {
        "integer"
    } else if declared.contains("real")
        || declared.contains("double")
        || declared.contains("numeric")
    {
        "number"
    } else if declared.contains("blob") || declared.contains("bytea") {
        "bytes"
    } else if declared.contains("text")
        || declared.contains("char")
        || declared.contains("timestamp")
        || declared == "date"
    {
        "text"
    } else {
        "other"
    }
}

/// Tables the migrator keeps for itself, and SQLite's own.
fn ours(table: &str) -> bool {
    !table.starts_with("_sqlx") && !table.starts_with("sqlite_")
}

async fn sqlite_schema(pool: &sqlx::SqlitePool) -> Schema {
    let mut schema = Schema::default();
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(pool)
            .await
            .unwrap();
    for name in tables.into_iter().filter(|name| ours(name)) {
        let mut table = Table::default();
        let columns: Vec<(String, String, bool, i64)> =
            sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT name, type, \"notnull\", pk FROM pragma_table_info('{name}') ORDER BY cid"
            )))
            .fetch_all(pool)
            .await
            .unwrap();
        let mut key: Vec<(i64, String)> = Vec::new();
        for (column, declared, not_null, pk) in columns {
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            // A primary key column is never null, whether or not it says so.
            table
                .columns
                .push((column, type_family(&declared), !not_null && pk == 0));
        }
        key.sort();
        table.primary_key = key.into_iter().map(|(_, column)| column).collect();
        let indexes: Vec<(String, bool, String, bool)> = sqlx::query_as(sqlx::AssertSqlSafe(
            format!("SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}')"),
        ))
        .fetch_all(pool)
        .await
        .unwrap();
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<Option<String>> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
            )))
            .fetch_all(pool)
            .await
            .unwrap();
            let columns = columns
                .into_iter()
                .map(|column| column.unwrap_or_else(|| "<expression>".to_owned()))
                .collect();
            table.indexes.insert((columns, unique, partial));
        }
        schema.tables.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &sqlx::PgPool) -> Schema {
    let mut schema = Schema::default();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
         FROM information_schema.columns WHERE table_schema = 'public' \
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, column, declared, nullable) in columns {
        if ours(&table) {
            schema.tables.entry(table).or_default().columns.push((
                column,
                type_family(&declared),
                nullable == "YES",
            ));
        }
    }
    let indexes: Vec<(String, Vec<String>, bool, bool, bool)> = sqlx::query_as(
        "SELECT t.relname::text, \
           array(SELECT coalesce(a.attname::text, '<expression>') \
                 FROM unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord) \
                 LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum \
                 ORDER BY k.ord), \
           ix.indisunique, ix.indisprimary, ix.indpred IS NOT NULL \
         FROM pg_index ix \
         JOIN pg_class t ON t.oid = ix.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for (table, columns, unique, primary, partial) in indexes {
        if !ours(&table) {
            continue;
        }
        let entry = schema.tables.entry(table).or_default();
        if primary {
            entry.primary_key = columns;
        } else {
            entry.indexes.insert((columns, unique, partial));
        }
    }
    schema
}

#[tokio::test]
async fn the_sqlite_and_postgresql_schemas_have_the_same_tables_columns_keys_and_indexes() {
    // Needs both databases: it runs in the PostgreSQL pass of the tests.
    let app = spawn_app().await;
    let app::db::Db::Postgres(postgres) = &app.db else {
        eprintln!("skipped: TEST_DATABASE_URL is not a PostgreSQL database");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("schema.db").display());
    let sqlite = app::db::Db::connect(&url, &Default::default())
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    let app::db::Db::Sqlite(sqlite_pool) = &sqlite else {
        unreachable!("a sqlite:// URL opens SQLite");
    };
    let (lite, post) = (
        sqlite_schema(sqlite_pool).await,
        postgres_schema(postgres).await,
    );
    assert!(lite.tables.len() > 10, "{:?}", lite.tables.keys());
    let names = |schema: &Schema| schema.tables.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(&lite), names(&post), "tables");
    for (name, table) in &lite.tables {
        let other = &post.tables[name];
        assert_eq!(table.columns, other.columns, "columns of {name}");
        assert_eq!(
            table.primary_key, other.primary_key,
            "primary key of {name}"
        );
        assert_eq!(table.indexes, other.indexes, "indexes of {name}");
    }
}
