//! Patients' cabinet accounts and the temporary credentials printed at
//! reception for activating one.

use super::{row, with_db, with_tx, Db, WriteTx};
use crate::domain::login_key;
use chrono::{DateTime, Utc};

/// An activated cabinet account to insert.
#[derive(Clone, Debug)]
pub struct NewPatientAccount<'a> {
    pub patient_id: i64,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub address_as: &'a str,
    pub recovery_email: &'a str,
    pub locale: &'a str,
}

/// Temporary credentials to insert, valid until `expires_at` and only once.
#[derive(Clone, Debug)]
pub struct NewTemporaryCredentials<'a> {
    pub patient_id: i64,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

row! {
    /// An enabled patient account.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PatientAccount {
        pub patient_id: i64,
        pub login: String,
        pub password_hash: String,
        pub address_as: String,
        pub recovery_email: String,
        pub locale: String,
        /// Whether to e-mail the patient when a request's status changes.
        pub status_mail: bool,
        /// Whether to e-mail the patient when a new device signs in.
        pub new_device_mail: bool,
    }
}

row! {
    /// Temporary credentials that can still be used.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct TemporaryCredentials {
        pub id: i64,
        pub patient_id: i64,
        pub password_hash: String,
    }
}

pub async fn insert_account(
    tx: &mut WriteTx,
    account: &NewPatientAccount<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO patient_accounts \
             (patient_id, login, login_key, password_hash, address_as, recovery_email, locale, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(account.patient_id)
        .bind(account.login)
        .bind(login_key(account.login))
        .bind(account.password_hash)
        .bind(account.address_as)
        .bind(account.recovery_email)
        .bind(account.locale)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

pub async fn insert_temporary_credentials(
    tx: &mut WriteTx,
    credentials: &NewTemporaryCredentials<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO temporary_credentials (patient_id, login, password_hash, issued_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(credentials.patient_id)
        .bind(credentials.login)
        .bind(credentials.password_hash)
        .bind(now)
        .bind(credentials.expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

const ACCOUNT_COLUMNS: &str =
    "patient_id, login, password_hash, address_as, recovery_email, locale, status_mail, new_device_mail";

/// The enabled account with this login, in any case.
pub async fn by_login(db: &Db, login: &str) -> Result<Option<PatientAccount>, sqlx::Error> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM patient_accounts WHERE login_key = $1 AND disabled_at IS NULL"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(login_key(login))
            .fetch_optional(pool)
            .await
    })
}

/// The enabled account of a patient.
pub async fn by_patient(db: &Db, patient_id: i64) -> Result<Option<PatientAccount>, sqlx::Error> {
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS} FROM patient_accounts WHERE patient_id = $1 AND disabled_at IS NULL"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_optional(pool)
            .await
    })
}

/// Whether a patient account (enabled or not) already has this login.
pub async fn login_taken(tx: &mut WriteTx, login: &str) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM patient_accounts WHERE login_key = $1)")
            .bind(login_key(login))
            .fetch_one(conn)
            .await
    })
}

/// Whether the patient already has a cabinet account.
pub async fn exists_for(tx: &mut WriteTx, patient_id: i64) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM patient_accounts WHERE patient_id = $1)")
            .bind(patient_id)
            .fetch_one(conn)
            .await
    })
}

pub async fn set_password_hash(
    tx: &mut WriteTx,
    patient_id: i64,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE patient_accounts SET password_hash = $1 WHERE patient_id = $2")
            .bind(password_hash)
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Replaces a hash made with older parameters, unless the password changed
/// meanwhile (the old hash no longer matches).
pub async fn upgrade_password_hash(
    db: &Db,
    patient_id: i64,
    old_hash: &str,
    new_hash: &str,
) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query(
            "UPDATE patient_accounts SET password_hash = $1 WHERE patient_id = $2 AND password_hash = $3",
        )
        .bind(new_hash)
        .bind(patient_id)
        .bind(old_hash)
        .execute(pool)
        .await
        .map(|_| ())
    })
}

/// Remembers the language the patient uses, for the mail we send them.
pub async fn set_locale(db: &Db, patient_id: i64, locale: &str) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query("UPDATE patient_accounts SET locale = $1 WHERE patient_id = $2 AND locale <> $1")
            .bind(locale)
            .bind(patient_id)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// Temporary credentials usable at `now`, by their login.
pub async fn usable_temporary_credentials(
    tx: &mut WriteTx,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Option<TemporaryCredentials>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT id, patient_id, password_hash FROM temporary_credentials \
             WHERE login = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(login.trim())
        .bind(now)
        .fetch_optional(conn)
        .await
    })
}

/// Uses up temporary credentials: they never work again.
pub async fn use_temporary_credentials(
    tx: &mut WriteTx,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE temporary_credentials SET used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Revokes every unused temporary credential of a patient (when new ones
/// are issued).
pub async fn revoke_temporary_credentials(
    tx: &mut WriteTx,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE temporary_credentials SET revoked_at = $1 \
             WHERE patient_id = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(patient_id)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

pub async fn set_address_as(
    tx: &mut WriteTx,
    patient_id: i64,
    address_as: &str,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE patient_accounts SET address_as = $1 WHERE patient_id = $2")
            .bind(address_as)
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

pub async fn set_recovery_email(
    tx: &mut WriteTx,
    patient_id: i64,
    recovery_email: &str,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE patient_accounts SET recovery_email = $1 WHERE patient_id = $2")
            .bind(recovery_email)
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Disables the patient's cabinet account; false if there is none enabled.
pub async fn disable(
    tx: &mut WriteTx,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE patient_accounts SET disabled_at = $1 WHERE patient_id = $2 AND disabled_at IS NULL",
        )
        .bind(now)
        .bind(patient_id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Which mail the patient wants: when a request's status changes, when a
/// new device signs in.
pub async fn set_notices(
    tx: &mut WriteTx,
    patient_id: i64,
    status_mail: bool,
    new_device_mail: bool,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE patient_accounts SET status_mail = $1, new_device_mail = $2 WHERE patient_id = $3",
        )
            .bind(status_mail)
            .bind(new_device_mail)
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

row! {
    /// Where and how to tell a patient of a request's status: their
    /// account's choices and the e-mail of their latest service agreement.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct StatusMailTarget {
        pub address_as: String,
        pub locale: String,
        pub status_mail: bool,
        pub agreement_email: Option<String>,
    }
}

/// The patient's status-mail target, read in the caller's transaction;
/// `None` without an enabled account.
pub async fn status_mail_target(
    tx: &mut WriteTx,
    patient_id: i64,
) -> Result<Option<StatusMailTarget>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT a.address_as, a.locale, a.status_mail, \
             (SELECT NULLIF(s.email, '') FROM service_agreements s WHERE s.patient_id = a.patient_id \
              ORDER BY s.signed_on DESC, s.id DESC LIMIT 1) AS agreement_email \
             FROM patient_accounts a WHERE a.patient_id = $1 AND a.disabled_at IS NULL",
        )
        .bind(patient_id)
        .fetch_optional(conn)
        .await
    })
}
