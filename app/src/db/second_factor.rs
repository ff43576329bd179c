//! The second step of signing in, as stored: an account's authenticator
//! secret, its recovery codes (hashed), and the sign-ins waiting for their
//! second step. Each belongs to a patient or a staff member ([`Subject`]).

use super::sessions::Subject;
use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// The rows of one subject: exactly one of the two binds is not NULL, and
/// `column = NULL` matches nothing, on either database.
const OF_SUBJECT: &str = "(patient_id = $1 OR staff_id = $2)";

/// Deletes the subject's rows of `table` (one of this module's), those
/// `and` further narrows.
async fn delete_of(
    tx: &mut WriteTx,
    table: &'static str,
    and: &'static str,
    subject: Subject,
) -> Result<(), sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    let sql = format!("DELETE FROM {table} WHERE {OF_SUBJECT} {and}");
    with_tx!(tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(staff_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

row! {
    /// An authenticator app's secret.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct TotpFactor {
        pub id: i64,
        pub secret: String,
        pub confirmed_at: Option<DateTime<Utc>>,
        /// The latest 30-second step whose code was taken.
        pub last_step: i64,
    }
}

/// The subject's authenticator, confirmed or still being set up.
pub async fn totp_of(db: &Db, subject: Subject) -> Result<Option<TotpFactor>, sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    let sql =
        format!("SELECT id, secret, confirmed_at, last_step FROM totp_factors WHERE {OF_SUBJECT}");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(staff_id)
            .fetch_optional(pool)
            .await
    })
}

/// Whether the subject's authenticator app is set up and confirmed.
pub async fn totp_on(db: &Db, subject: Subject) -> Result<bool, sqlx::Error> {
    Ok(totp_of(db, subject)
        .await?
        .is_some_and(|f| f.confirmed_at.is_some()))
}

/// Whether the subject signs in with a second step: a code from the app,
/// or — a patient — one of their passkeys.
pub async fn has_second_step(db: &Db, subject: Subject) -> Result<bool, sqlx::Error> {
    if totp_on(db, subject).await? {
        return Ok(true);
    }
    match subject {
        Subject::Patient(id) => super::passkeys::has_any(db, id).await,
        Subject::Staff(_) => Ok(false),
    }
}

/// Keeps a new, unconfirmed secret for the subject in place of an earlier
/// unconfirmed one. The caller has checked that none is confirmed.
pub async fn put_unconfirmed(
    tx: &mut WriteTx,
    subject: Subject,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    delete_of(tx, "totp_factors", "AND confirmed_at IS NULL", subject).await?;
    let (patient_id, staff_id) = subject.columns();
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO totp_factors (patient_id, staff_id, secret, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(patient_id)
        .bind(staff_id)
        .bind(secret)
        .bind(now)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// Takes `step`'s code for the authenticator `id`: true only if no later or
/// equal step was taken before — one statement, so two requests with the
/// same code cannot both succeed. Confirms an unconfirmed authenticator.
pub async fn take_step(
    tx: &mut WriteTx,
    id: i64,
    step: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE totp_factors SET last_step = $1, confirmed_at = COALESCE(confirmed_at, $2) \
             WHERE id = $3 AND last_step < $1",
        )
        .bind(step)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await
        .map(|done| done.rows_affected() == 1)
    })
}

/// Removes the subject's authenticator, confirmed or not, and its
/// recovery codes; whether a confirmed one was removed.
pub async fn remove(tx: &mut WriteTx, subject: Subject) -> Result<bool, sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    let sql = format!("DELETE FROM totp_factors WHERE {OF_SUBJECT} RETURNING confirmed_at");
    let removed: Vec<Option<DateTime<Utc>>> = with_tx!(tx, conn => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(staff_id)
            .fetch_all(conn)
            .await
    })?;
    delete_of(tx, "factor_recovery_codes", "", subject).await?;
    Ok(removed.iter().any(Option::is_some))
}

/// Replaces the subject's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    tx: &mut WriteTx,
    subject: Subject,
    hashes: &[String],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    delete_of(tx, "factor_recovery_codes", "", subject).await?;
    let (patient_id, staff_id) = subject.columns();
    for hash in hashes {
        with_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO factor_recovery_codes (patient_id, staff_id, code_hash, created_at) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(patient_id)
            .bind(staff_id)
            .bind(hash)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// Spends the subject's unused recovery code with this hash; whether there
/// was one (one statement: a code cannot be spent twice).
pub async fn use_recovery_code(
    tx: &mut WriteTx,
    subject: Subject,
    hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    let sql = format!(
        "UPDATE factor_recovery_codes SET used_at = $3 \
         WHERE {OF_SUBJECT} AND code_hash = $4 AND used_at IS NULL"
    );
    with_tx!(tx, conn => {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(staff_id)
            .bind(now)
            .bind(hash)
            .execute(conn)
            .await
            .map(|done| done.rows_affected() > 0)
    })
}

/// How many of the subject's recovery codes are unused.
pub async fn recovery_codes_left(db: &Db, subject: Subject) -> Result<i64, sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    let sql = format!(
        "SELECT COUNT(*) FROM factor_recovery_codes WHERE {OF_SUBJECT} AND used_at IS NULL"
    );
    with_db!(db, pool => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(staff_id)
            .fetch_one(pool)
            .await
    })
}

row! {
    /// A sign-in waiting for its second step.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct SecondStepRow {
        pub id: i64,
        pub patient_id: Option<i64>,
        pub staff_id: Option<i64>,
        pub login_key: String,
    }
}

/// A sign-in waiting for its second step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecondStep {
    pub id: i64,
    pub subject: Subject,
    /// The login as typed, whose lockout the second step counts toward.
    pub login_key: String,
}

/// Records a sign-in whose password was right, waiting for its second step
/// until `expires_at`.
pub async fn begin_step(
    tx: &mut WriteTx,
    token_hash: &str,
    subject: Subject,
    login_key: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (patient_id, staff_id) = subject.columns();
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO second_steps \
             (token_hash, patient_id, staff_id, login_key, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token_hash)
        .bind(patient_id)
        .bind(staff_id)
        .bind(login_key)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await
        .map(|_| ())
    })
}

/// The waiting sign-in whose token hashes to `token_hash`, unless it ended
/// or expired.
pub async fn find_step(
    db: &Db,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<SecondStep>, sqlx::Error> {
    let row: Option<SecondStepRow> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, patient_id, staff_id, login_key FROM second_steps \
             WHERE token_hash = $1 AND ended_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.and_then(|row| {
        Some(SecondStep {
            id: row.id,
            subject: Subject::from_columns(row.patient_id, row.staff_id)?,
            login_key: row.login_key,
        })
    }))
}

/// Ends a waiting sign-in (it succeeded); whether it was still open — one
/// statement, so one second step opens one session.
pub async fn end_step(tx: &mut WriteTx, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE second_steps SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected() == 1)
    })
}

/// Whether the clinic requires a second step of every staff member.
pub async fn staff_required(db: &Db) -> Result<bool, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar("SELECT second_factor_required FROM staff_policy WHERE id = 1")
            .fetch_optional(pool)
            .await
            .map(|required| required.unwrap_or(false))
    })
}

/// Requires a second step of every staff member, or stops requiring it.
pub async fn set_staff_required(tx: &mut WriteTx, required: bool) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE staff_policy SET second_factor_required = $1 WHERE id = 1")
            .bind(required)
            .execute(conn)
            .await
            .map(|_| ())
    })
}
