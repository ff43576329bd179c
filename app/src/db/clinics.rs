//! The clinics of the medical centre: where visits happen.

use super::{with_tx, WriteTx};

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
