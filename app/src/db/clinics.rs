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
