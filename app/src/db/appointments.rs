//! Appointments — visits and studies booked in the MIS — as «Календарь
//! событий» shows them. Only the MIS writes them; a patient's request to
//! cancel or change one changes nothing here until the MIS says so.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// An appointment as the MIS sends one, its references resolved.
#[derive(Clone, Debug)]
pub struct NewAppointment<'a> {
    pub mis_id: &'a str,
    pub patient_id: i64,
    /// A doctor, or else a study type.
    pub doctor_id: Option<i64>,
    pub study_type: Option<&'a str>,
    pub visit_type: &'a str,
    pub clinic_id: i64,
    pub starts_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub status: &'a str,
    pub memo_text: Option<&'a str>,
    /// A PDF memo and its hex SHA-256.
    pub memo_pdf: Option<(&'a [u8], &'a str)>,
}

/// Inserts or updates the appointment with this MIS id: true if anything
/// changed (the same appointment sent again changes nothing).
pub async fn upsert(
    tx: &mut WriteTx,
    appointment: &NewAppointment<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const COLUMNS: [&str; 10] = [
        "patient_id",
        "doctor_id",
        "study_type",
        "visit_type",
        "clinic_id",
        "starts_at",
        "duration_minutes",
        "status",
        "memo_text",
        "memo_sha256",
    ];
    let sql = format!(
        "INSERT INTO appointments (mis_id, {columns}, memo_pdf, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
         ON CONFLICT (mis_id) DO UPDATE SET {set}, memo_pdf = excluded.memo_pdf, \
         updated_at = excluded.updated_at WHERE {changed} RETURNING id",
        columns = COLUMNS.join(", "),
        set = super::set_from_excluded(&COLUMNS),
        changed = super::any_distinct_from_excluded("appointments", &COLUMNS),
    );
    let (pdf, sha) = appointment.memo_pdf.unzip();
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(appointment.mis_id)
            .bind(appointment.patient_id)
            .bind(appointment.doctor_id)
            .bind(appointment.study_type)
            .bind(appointment.visit_type)
            .bind(appointment.clinic_id)
            .bind(appointment.starts_at)
            .bind(appointment.duration_minutes)
            .bind(appointment.status)
            .bind(appointment.memo_text)
            .bind(sha)
            .bind(pdf)
            .bind(now)
            .fetch_optional(conn)
            .await
    })?;
    Ok(changed.is_some())
}

/// Removes the appointment the MIS withdrew: true if there was one.
pub async fn delete(tx: &mut WriteTx, mis_id: &str) -> Result<bool, sqlx::Error> {
    super::delete_withdrawn(tx, "appointments", mis_id).await
}

row! {
    /// An appointment as the calendar shows it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Appointment {
        pub mis_id: String,
        pub doctor_name: Option<String>,
        pub specialty: Option<String>,
        pub study_type: Option<String>,
        pub visit_type: String,
        pub clinic_code: String,
        pub clinic_name: String,
        pub clinic_address: String,
        pub starts_at: DateTime<Utc>,
        pub duration_minutes: i32,
        pub status: String,
        pub memo_text: Option<String>,
        pub has_memo_pdf: bool,
    }
}

const SELECT: &str = "SELECT a.mis_id, d.full_name AS doctor_name, d.specialty, a.study_type, \
     a.visit_type, c.code AS clinic_code, c.name AS clinic_name, c.address AS clinic_address, \
     a.starts_at, a.duration_minutes, a.status, a.memo_text, a.memo_pdf IS NOT NULL AS has_memo_pdf \
     FROM appointments a JOIN clinics c ON c.id = a.clinic_id \
     LEFT JOIN doctors d ON d.id = a.doctor_id";

/// The patient's appointments starting in `[from, until)`, by start.
pub async fn of_patient_between(
    db: &Db,
    patient_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Appointment>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE a.patient_id = $1 AND a.starts_at >= $2 AND a.starts_at < $3 \
         ORDER BY a.starts_at, a.id"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await
    })
}

/// The patient's next booked appointment that has not begun at `now`.
pub async fn next_of_patient(
    db: &Db,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<Appointment>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE a.patient_id = $1 AND a.starts_at > $2 AND a.status = 'booked' \
         ORDER BY a.starts_at, a.id LIMIT 1"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(now)
            .fetch_optional(pool)
            .await
    })
}

/// The patient's appointment with this MIS id.
pub async fn of_patient(
    db: &Db,
    patient_id: i64,
    mis_id: &str,
) -> Result<Option<Appointment>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE a.patient_id = $1 AND a.mis_id = $2");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(mis_id)
            .fetch_optional(pool)
            .await
    })
}

/// The PDF memo of the patient's appointment, with its hex SHA-256.
pub async fn memo_pdf(
    db: &Db,
    patient_id: i64,
    mis_id: &str,
) -> Result<Option<(Vec<u8>, String)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT memo_pdf, memo_sha256 FROM appointments \
             WHERE patient_id = $1 AND mis_id = $2 AND memo_pdf IS NOT NULL",
        )
        .bind(patient_id)
        .bind(mis_id)
        .fetch_optional(pool)
        .await
    })
}
