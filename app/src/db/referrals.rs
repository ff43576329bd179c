//! Referrals («направления») the clinic's doctors issued, as the MIS sends
//! them. «Действующие направления» offers those not used and not expired.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};

/// A referral as the MIS sends one, its references resolved.
#[derive(Clone, Debug)]
pub struct NewReferral<'a> {
    pub mis_id: &'a str,
    pub patient_id: i64,
    pub doctor_id: i64,
    pub kind: &'a str,
    pub service: &'a str,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
    pub used: bool,
}

/// Inserts or updates the referral with this MIS id: true if anything
/// changed.
pub async fn upsert(
    tx: &mut WriteTx,
    referral: &NewReferral<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const COLUMNS: [&str; 7] = [
        "patient_id",
        "doctor_id",
        "kind",
        "service",
        "issued_on",
        "valid_until",
        "used",
    ];
    let sql = format!(
        "INSERT INTO referrals (mis_id, {columns}, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (mis_id) DO UPDATE SET {set}, updated_at = excluded.updated_at \
         WHERE {changed} RETURNING id",
        columns = COLUMNS.join(", "),
        set = super::set_from_excluded(&COLUMNS),
        changed = super::any_distinct_from_excluded("referrals", &COLUMNS),
    );
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(referral.mis_id)
            .bind(referral.patient_id)
            .bind(referral.doctor_id)
            .bind(referral.kind)
            .bind(referral.service)
            .bind(referral.issued_on)
            .bind(referral.valid_until)
            .bind(referral.used)
            .bind(now)
            .fetch_optional(conn)
            .await
    })?;
    Ok(changed.is_some())
}

/// Removes the referral the MIS withdrew: true if there was one.
pub async fn delete(tx: &mut WriteTx, mis_id: &str) -> Result<bool, sqlx::Error> {
    super::delete_withdrawn(tx, "referrals", mis_id).await
}

row! {
    /// A referral as the patient sees it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Referral {
        pub mis_id: String,
        pub doctor_name: String,
        pub specialty: String,
        pub kind: String,
        pub service: String,
        pub issued_on: NaiveDate,
        pub valid_until: NaiveDate,
    }
}

/// The patient's referrals that are neither used nor expired on `today`
/// (the clinic's date), soonest to expire first.
pub async fn active_of_patient(
    db: &Db,
    patient_id: i64,
    today: NaiveDate,
) -> Result<Vec<Referral>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.mis_id, d.full_name AS doctor_name, d.specialty, r.kind, r.service, \
             r.issued_on, r.valid_until FROM referrals r JOIN doctors d ON d.id = r.doctor_id \
             WHERE r.patient_id = $1 AND NOT r.used AND r.valid_until >= $2 \
             ORDER BY r.valid_until, r.id",
        )
        .bind(patient_id)
        .bind(today)
        .fetch_all(pool)
        .await
    })
}
