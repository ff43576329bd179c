//! Doctors, as the MIS knows them: who sees patients and issues referrals.

use super::{with_tx, WriteTx};
use chrono::{DateTime, Utc};

/// A doctor as the MIS sends one.
#[derive(Clone, Debug)]
pub struct NewDoctor<'a> {
    pub mis_id: &'a str,
    pub full_name: &'a str,
    pub specialty: &'a str,
}

/// Inserts or updates the doctor with this MIS id: true if anything
/// changed (the same doctor sent again changes nothing).
pub async fn upsert(
    tx: &mut WriteTx,
    doctor: &NewDoctor<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO doctors (mis_id, full_name, specialty, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (mis_id) DO UPDATE SET full_name = excluded.full_name, \
             specialty = excluded.specialty, updated_at = excluded.updated_at \
             WHERE doctors.full_name IS DISTINCT FROM excluded.full_name \
             OR doctors.specialty IS DISTINCT FROM excluded.specialty \
             RETURNING id",
        )
        .bind(doctor.mis_id)
        .bind(doctor.full_name)
        .bind(doctor.specialty)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    Ok(changed.is_some())
}

/// The id of the doctor with this MIS id.
pub async fn id_of(tx: &mut WriteTx, mis_id: &str) -> Result<Option<i64>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM doctors WHERE mis_id = $1")
            .bind(mis_id)
            .fetch_optional(conn)
            .await
    })
}
