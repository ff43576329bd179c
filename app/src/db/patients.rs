//! Patients (as the MIS knows them) and their service agreements.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};

/// A patient to insert.
#[derive(Clone, Debug)]
pub struct NewPatient<'a> {
    pub mis_patient_id: &'a str,
    pub full_name: &'a str,
    pub birth_date: NaiveDate,
}

/// A service agreement («дополнительное соглашение») to insert: where
/// documents may be e-mailed and SMS notices sent.
#[derive(Clone, Debug)]
pub struct NewServiceAgreement<'a> {
    pub patient_id: i64,
    pub number: &'a str,
    pub signed_on: NaiveDate,
    pub email: &'a str,
    pub sms_phone: &'a str,
}

pub async fn insert(
    tx: &mut WriteTx,
    patient: &NewPatient<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO patients (mis_patient_id, full_name, name_key, birth_date, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(patient.mis_patient_id)
        .bind(patient.full_name)
        .bind(name_key(patient.full_name))
        .bind(patient.birth_date)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

pub async fn insert_agreement(
    tx: &mut WriteTx,
    agreement: &NewServiceAgreement<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO service_agreements (patient_id, number, signed_on, email, sms_phone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(agreement.patient_id)
        .bind(agreement.number)
        .bind(agreement.signed_on)
        .bind(agreement.email)
        .bind(agreement.sms_phone)
        .bind(now)
        .fetch_one(conn)
        .await
    })
}

/// Inserts or updates the patient with this MIS id: their id, and whether
/// anything changed (the same patient sent again changes nothing).
pub async fn upsert(
    tx: &mut WriteTx,
    patient: &NewPatient<'_>,
    now: DateTime<Utc>,
) -> Result<(i64, bool), sqlx::Error> {
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO patients (mis_patient_id, full_name, name_key, birth_date, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (mis_patient_id) DO UPDATE SET \
             full_name = excluded.full_name, name_key = excluded.name_key, \
             birth_date = excluded.birth_date, updated_at = excluded.updated_at \
             WHERE patients.full_name IS DISTINCT FROM excluded.full_name \
             OR patients.birth_date IS DISTINCT FROM excluded.birth_date RETURNING id",
        )
        .bind(patient.mis_patient_id)
        .bind(patient.full_name)
        .bind(name_key(patient.full_name))
        .bind(patient.birth_date)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    match changed {
        Some(id) => Ok((id, true)),
        None => {
            let id = id_of(tx, patient.mis_patient_id)
                .await?
                .ok_or(sqlx::Error::RowNotFound)?;
            Ok((id, false))
        }
    }
}

/// The id of the patient with this MIS id.
pub async fn id_of(tx: &mut WriteTx, mis_patient_id: &str) -> Result<Option<i64>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM patients WHERE mis_patient_id = $1")
            .bind(mis_patient_id)
            .fetch_optional(conn)
            .await
    })
}

/// What writing an agreement the MIS sent did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AgreementWritten {
    Changed,
    Unchanged,
    /// The number is another patient's agreement: nothing was written.
    OtherPatients,
}

/// Inserts or updates the agreement with this number.
pub async fn upsert_agreement(
    tx: &mut WriteTx,
    agreement: &NewServiceAgreement<'_>,
    now: DateTime<Utc>,
) -> Result<AgreementWritten, sqlx::Error> {
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO service_agreements (patient_id, number, signed_on, email, sms_phone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (number) DO UPDATE SET \
             signed_on = excluded.signed_on, email = excluded.email, sms_phone = excluded.sms_phone \
             WHERE service_agreements.patient_id = excluded.patient_id AND \
             (service_agreements.signed_on IS DISTINCT FROM excluded.signed_on \
             OR service_agreements.email IS DISTINCT FROM excluded.email \
             OR service_agreements.sms_phone IS DISTINCT FROM excluded.sms_phone) RETURNING id",
        )
        .bind(agreement.patient_id)
        .bind(agreement.number)
        .bind(agreement.signed_on)
        .bind(agreement.email)
        .bind(agreement.sms_phone)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    if changed.is_some() {
        return Ok(AgreementWritten::Changed);
    }
    let owner: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT patient_id FROM service_agreements WHERE number = $1")
            .bind(agreement.number)
            .fetch_optional(conn)
            .await
    })?;
    Ok(if owner == Some(agreement.patient_id) {
        AgreementWritten::Unchanged
    } else {
        AgreementWritten::OtherPatients
    })
}

/// Whether any patient exists yet: demo data goes only into an empty database.
pub async fn any_exist_in(tx: &mut WriteTx) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM patients)")
            .fetch_one(conn)
            .await
    })
}

/// How many patients there are.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM patients").fetch_one(pool).await
    })
}

row! {
    /// Where the clinic may write to and text a patient: the latest agreement's
    /// e-mail and SMS phone. Only the clinic changes them.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct AgreementContacts {
        pub email: String,
        pub sms_phone: String,
    }
}

pub async fn agreement_contacts(
    db: &Db,
    patient_id: i64,
) -> Result<Option<AgreementContacts>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT email, sms_phone FROM service_agreements WHERE patient_id = $1 \
             ORDER BY signed_on DESC, id DESC LIMIT 1",
        )
        .bind(patient_id)
        .fetch_optional(pool)
        .await
    })
}

row! {
    /// A patient as the MIS knows them.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Patient {
        pub id: i64,
        pub mis_patient_id: String,
        pub full_name: String,
        pub birth_date: NaiveDate,
    }
}

/// The patient with this MIS id.
pub async fn by_mis_id(
    tx: &mut WriteTx,
    mis_patient_id: &str,
) -> Result<Option<Patient>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, mis_patient_id, full_name, birth_date FROM patients WHERE mis_patient_id = $1",
        )
        .bind(mis_patient_id)
        .fetch_optional(conn)
        .await
    })
}

/// The patient with this id.
pub async fn by_id(db: &Db, id: i64) -> Result<Option<Patient>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as("SELECT id, mis_patient_id, full_name, birth_date FROM patients WHERE id = $1")
            .bind(id)
            .fetch_optional(pool)
            .await
    })
}

/// The agreement with this number, if it is this patient's: its id.
pub async fn agreement_id(
    tx: &mut WriteTx,
    patient_id: i64,
    number: &str,
) -> Result<Option<i64>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT id FROM service_agreements WHERE patient_id = $1 AND number = $2")
            .bind(patient_id)
            .bind(number)
            .fetch_optional(conn)
            .await
    })
}

/// Whether an agreement with this number exists at all.
pub async fn agreement_number_taken(tx: &mut WriteTx, number: &str) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM service_agreements WHERE number = $1)")
            .bind(number)
            .fetch_one(conn)
            .await
    })
}

/// A name as reception's search compares it: lower case, spaces collapsed,
/// «ё» as «е».
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace('ё', "е")
}

/// Fills in the search key of patients written before it existed.
pub async fn backfill_name_keys(db: &Db) -> Result<(), sqlx::Error> {
    let rows: Vec<(i64, String)> = with_db!(db, pool => {
        sqlx::query_as("SELECT id, full_name FROM patients WHERE name_key = ''")
            .fetch_all(pool)
            .await
    })?;
    for (id, full_name) in rows {
        with_db!(db, pool => {
            sqlx::query("UPDATE patients SET name_key = $1 WHERE id = $2")
                .bind(name_key(&full_name))
                .bind(id)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
    }
    Ok(())
}

row! {
    /// A patient as reception's list shows them.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PatientListing {
        pub id: i64,
        pub mis_patient_id: String,
        pub full_name: String,
        pub birth_date: NaiveDate,
        /// The cabinet's login, once activated.
        pub login: Option<String>,
        pub cabinet_disabled: bool,
        /// Temporary credentials handed out and not yet used.
        pub awaiting_activation: bool,
    }
}

/// What reception searches patients by; every part given must match.
#[derive(Clone, Debug, Default)]
pub struct PatientSearch {
    /// Part of the name, as [`name_key`] makes it.
    pub name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub mis_patient_id: Option<String>,
    /// The cabinet's login, as `login_key` makes it.
    pub login_key: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// A page of the patients matching `search`, by name, and how many match.
pub async fn search(
    db: &Db,
    search: &PatientSearch,
    now: DateTime<Utc>,
) -> Result<(Vec<PatientListing>, i64), sqlx::Error> {
    const FILTER: &str = "FROM patients p LEFT JOIN patient_accounts a ON a.patient_id = p.id \
         WHERE ($1 IS NULL OR p.name_key LIKE $1 ESCAPE '\\') AND ($2 IS NULL OR p.birth_date = $2) \
         AND ($3 IS NULL OR UPPER(p.mis_patient_id) = $3) AND ($4 IS NULL OR a.login_key = $4)";
    let rows_sql = format!(
        "SELECT p.id, p.mis_patient_id, p.full_name, p.birth_date, a.login, \
         a.disabled_at IS NOT NULL AS cabinet_disabled, \
         EXISTS (SELECT 1 FROM temporary_credentials t WHERE t.patient_id = p.id \
                 AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > $5) AS awaiting_activation \
         {FILTER} ORDER BY p.name_key, p.id LIMIT $6 OFFSET $7"
    );
    let count_sql = format!("SELECT COUNT(*) {FILTER}");
    let pattern = search.name.as_deref().map(super::like_contains);
    with_db!(db, pool => {
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(pattern.as_deref())
            .bind(search.birth_date)
            .bind(search.mis_patient_id.as_deref())
            .bind(search.login_key.as_deref())
            .bind(now)
            .bind(search.limit)
            .bind(search.offset)
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(pattern.as_deref())
            .bind(search.birth_date)
            .bind(search.mis_patient_id.as_deref())
            .bind(search.login_key.as_deref())
            .fetch_one(pool)
            .await?;
        Ok((rows, total))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_searched_in_lower_case_with_yo_as_ye() {
        assert_eq!(name_key("  Сёмина   Анна "), "семина анна");
        assert_eq!(name_key("SMITH John"), "smith john");
    }
}
