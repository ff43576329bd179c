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
            "INSERT INTO patients (mis_patient_id, full_name, birth_date, created_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(patient.mis_patient_id)
        .bind(patient.full_name)
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
