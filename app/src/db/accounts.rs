//! Patients' cabinet accounts and the temporary credentials printed at
//! reception for activating one.

use super::{with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// The key a login is unique under: logins are unique case-insensitively.
pub fn login_key(login: &str) -> String {
    login.to_lowercase()
}

/// An activated cabinet account to insert.
#[derive(Clone, Debug)]
pub struct NewPatientAccount<'a> {
    pub patient_id: i64,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub address_as: &'a str,
    pub recovery_email: &'a str,
}

/// Temporary credentials to insert, valid until `expires_at` and only once.
#[derive(Clone, Debug)]
pub struct NewTemporaryCredentials<'a> {
    pub patient_id: i64,
    pub login: &'a str,
    pub password_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_account(
    tx: &mut WriteTx,
    account: &NewPatientAccount<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO patient_accounts \
             (patient_id, login, login_key, password_hash, address_as, recovery_email, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(account.patient_id)
        .bind(account.login)
        .bind(login_key(account.login))
        .bind(account.password_hash)
        .bind(account.address_as)
        .bind(account.recovery_email)
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

/// The password hash of an enabled account, by login in any case.
pub async fn password_hash(db: &Db, login: &str) -> Result<Option<String>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT password_hash FROM patient_accounts WHERE login_key = $1 AND disabled_at IS NULL",
        )
        .bind(login_key(login))
        .fetch_optional(pool)
        .await
    })
}

/// The password hash of temporary credentials still usable at `now`.
pub async fn temporary_password_hash(
    db: &Db,
    login: &str,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT password_hash FROM temporary_credentials \
             WHERE login = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $2",
        )
        .bind(login)
        .bind(now)
        .fetch_optional(pool)
        .await
    })
}
