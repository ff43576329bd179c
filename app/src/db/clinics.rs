//! The clinics of the medical centre: where visits happen.

use super::{row, with_db, with_tx, Db, WriteTx};

/// A clinic to insert.
#[derive(Clone, Debug)]
pub struct NewClinic<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
}

pub async fn insert(tx: &mut WriteTx, clinic: &NewClinic<'_>) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO clinics (code, name, address, phone) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(clinic.code)
        .bind(clinic.name)
        .bind(clinic.address)
        .bind(clinic.phone)
        .fetch_one(conn)
        .await
    })
}

row! {
    /// A clinic as forms offer it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Clinic {
        pub code: String,
        pub name: String,
        pub address: String,
    }
}

/// Every clinic, by name.
pub async fn all(db: &Db) -> Result<Vec<Clinic>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as("SELECT code, name, address FROM clinics ORDER BY name")
            .fetch_all(pool)
            .await
    })
}

/// A clinic as the MIS sends one, keyed by its code.
pub async fn upsert(
    tx: &mut WriteTx,
    clinic: &NewClinic<'_>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, sqlx::Error> {
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO clinics (code, name, address, phone, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address, \
             phone = excluded.phone, updated_at = excluded.updated_at \
             WHERE clinics.name IS DISTINCT FROM excluded.name \
             OR clinics.address IS DISTINCT FROM excluded.address \
             OR clinics.phone IS DISTINCT FROM excluded.phone RETURNING id",
        )
        .bind(clinic.code)
        .bind(clinic.name)
        .bind(clinic.address)
        .bind(clinic.phone)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    Ok(changed.is_some())
}

/// The id of the clinic with this code.
pub async fn id_of(tx: &mut WriteTx, code: &str) -> Result<Option<i64>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM clinics WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await
    })
}
