//! Passkeys as stored: a patient's keys, and the ceremonies that add one or
//! sign in with one (a challenge sent, its answer awaited).

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

row! {
    /// A key as «Настройки» lists it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ListedPasskey {
        pub id: i64,
        pub name: String,
        pub signs_in_alone: bool,
        pub created_at: DateTime<Utc>,
        pub last_used_at: Option<DateTime<Utc>>,
    }
}

row! {
    /// A key as a sign-in checks it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct StoredPasskey {
        pub id: i64,
        pub patient_id: i64,
        pub user_handle: String,
        pub name: String,
        /// webauthn-rs's record of the key (JSON).
        pub passkey: String,
        pub signs_in_alone: bool,
    }
}

const STORED: &str =
    "SELECT id, patient_id, user_handle, name, passkey, signs_in_alone FROM passkeys";

/// The patient's keys, oldest first.
pub async fn listed(db: &Db, patient_id: i64) -> Result<Vec<ListedPasskey>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, name, signs_in_alone, created_at, last_used_at FROM passkeys \
             WHERE patient_id = $1 ORDER BY id",
        )
        .bind(patient_id)
        .fetch_all(pool)
        .await
    })
}

/// The patient's keys, to check a sign-in's answer against.
pub async fn of_patient(db: &Db, patient_id: i64) -> Result<Vec<StoredPasskey>, sqlx::Error> {
    let sql = format!("{STORED} WHERE patient_id = $1 ORDER BY id");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(pool)
            .await
    })
}

/// The key with this credential id (base64url), whoever's it is.
pub async fn by_credential(
    db: &Db,
    credential_id: &str,
) -> Result<Option<StoredPasskey>, sqlx::Error> {
    let sql = format!("{STORED} WHERE credential_id = $1");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(credential_id)
            .fetch_optional(pool)
            .await
    })
}

/// Whether the patient has a key: then a sign-in with the password asks
/// for it.
pub async fn has_any(db: &Db, patient_id: i64) -> Result<bool, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE patient_id = $1")
            .bind(patient_id)
            .fetch_one(pool)
            .await
            .map(|count: i64| count > 0)
    })
}

/// A new key of the patient's.
#[derive(Clone, Debug)]
pub struct NewPasskey<'a> {
    pub patient_id: i64,
    pub user_handle: &'a str,
    pub credential_id: &'a str,
    pub name: &'a str,
    pub passkey: &'a str,
    pub signs_in_alone: bool,
}

/// Keeps a new key; false when this credential is kept already (the same
/// key added twice).
pub async fn add(
    tx: &mut WriteTx,
    key: &NewPasskey<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO passkeys \
             (patient_id, user_handle, credential_id, name, passkey, signs_in_alone, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (credential_id) DO NOTHING",
        )
        .bind(key.patient_id)
        .bind(key.user_handle)
        .bind(key.credential_id)
        .bind(key.name)
        .bind(key.passkey)
        .bind(key.signs_in_alone)
        .bind(now)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// A sign-in used the key: its new record (the signature counter) and when.
pub async fn used(
    tx: &mut WriteTx,
    id: i64,
    passkey: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE passkeys SET passkey = $1, last_used_at = $2 WHERE id = $3")
            .bind(passkey)
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

/// Removes the patient's key `id`; its name, if there was one.
pub async fn remove(
    tx: &mut WriteTx,
    patient_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("DELETE FROM passkeys WHERE patient_id = $1 AND id = $2 RETURNING name")
            .bind(patient_id)
            .bind(id)
            .fetch_optional(conn)
            .await
    })
}

/// Removes every key of the patient's; how many there were.
pub async fn remove_all(tx: &mut WriteTx, patient_id: i64) -> Result<u64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM passkeys WHERE patient_id = $1")
            .bind(patient_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })
}

/// What a ceremony is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Adding a key in «Настройки».
    Register,
    /// The second step of a sign-in whose password was right.
    SecondStep,
    /// A sign-in with a key alone.
    SignIn,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Register => "register",
            Purpose::SecondStep => "second_step",
            Purpose::SignIn => "sign_in",
        }
    }

    fn parse(text: &str) -> Option<Purpose> {
        [Purpose::Register, Purpose::SecondStep, Purpose::SignIn]
            .into_iter()
            .find(|p| p.as_str() == text)
    }
}

/// A challenge sent to the browser, and what its answer is checked with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ceremony {
    pub purpose: Purpose,
    pub patient_id: Option<i64>,
    pub second_step_id: Option<i64>,
    /// A new key's name, and whether it signs in alone.
    pub name: String,
    pub signs_in_alone: bool,
    /// webauthn-rs's state of the ceremony (JSON).
    pub state: String,
}

row! {
    /// A ceremony as stored.
    pub struct CeremonyRow {
        pub purpose: String,
        pub patient_id: Option<i64>,
        pub second_step_id: Option<i64>,
        pub name: String,
        pub signs_in_alone: bool,
        pub state: String,
    }
}

/// Keeps a ceremony until `expires_at`, found by its token's hash; the
/// ceremonies past their time go first.
pub async fn begin_ceremony(
    tx: &mut WriteTx,
    token_hash: &str,
    ceremony: &Ceremony,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1")
            .bind(now)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO passkey_ceremonies (token_hash, purpose, patient_id, second_step_id, \
             name, signs_in_alone, state, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token_hash)
        .bind(ceremony.purpose.as_str())
        .bind(ceremony.patient_id)
        .bind(ceremony.second_step_id)
        .bind(&ceremony.name)
        .bind(ceremony.signs_in_alone)
        .bind(&ceremony.state)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Takes the open ceremony whose token hashes to `token_hash`: it ends
/// here, in one statement, so one challenge is answered once.
pub async fn take_ceremony(
    tx: &mut WriteTx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Ceremony>, sqlx::Error> {
    let row: Option<CeremonyRow> = with_tx!(tx, conn => {
        sqlx::query_as(
            "UPDATE passkey_ceremonies SET ended_at = $1 \
             WHERE token_hash = $2 AND ended_at IS NULL AND expires_at > $1 \
             RETURNING purpose, patient_id, second_step_id, name, signs_in_alone, state",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(conn)
        .await
    })?;
    Ok(row.and_then(|row| {
        Some(Ceremony {
            purpose: Purpose::parse(&row.purpose)?,
            patient_id: row.patient_id,
            second_step_id: row.second_step_id,
            name: row.name,
            signs_in_alone: row.signs_in_alone,
            state: row.state,
        })
    }))
}
