//! Staff accounts of the administrative module and their roles.

use super::{with_db, with_tx, Db, WriteTx};
use crate::domain::{login_key, StaffRole};
use chrono::{DateTime, Utc};

/// A staff account to insert.
#[derive(Clone, Debug)]
pub struct NewStaff<'a> {
    pub login: &'a str,
    pub full_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [StaffRole],
}

/// A staff member's sign-in data.
#[derive(Clone, Debug)]
pub struct StaffCredentials {
    pub id: i64,
    pub password_hash: String,
    pub roles: Vec<StaffRole>,
}

pub async fn insert(
    tx: &mut WriteTx,
    staff: &NewStaff<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let id: i64 = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO staff_accounts (login, login_key, full_name, password_hash, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(staff.login)
        .bind(login_key(staff.login))
        .bind(staff.full_name)
        .bind(staff.password_hash)
        .bind(now)
        .fetch_one(conn)
        .await
    })?;
    for role in staff.roles {
        with_tx!(tx, conn => {
            sqlx::query("INSERT INTO staff_roles (staff_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(role.as_str())
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    Ok(id)
}

/// The sign-in data of an enabled staff account, by login in any case.
pub async fn credentials(db: &Db, login: &str) -> Result<Option<StaffCredentials>, sqlx::Error> {
    let row: Option<(i64, String)> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, password_hash FROM staff_accounts WHERE login_key = $1 AND disabled_at IS NULL",
        )
        .bind(login_key(login))
        .fetch_optional(pool)
        .await
    })?;
    let Some((id, password_hash)) = row else {
        return Ok(None);
    };
    let roles = roles_of(db, id).await?;
    Ok(Some(StaffCredentials {
        id,
        password_hash,
        roles,
    }))
}

async fn roles_of(db: &Db, staff_id: i64) -> Result<Vec<StaffRole>, sqlx::Error> {
    let names: Vec<String> = with_db!(db, pool => {
        sqlx::query_scalar("SELECT role FROM staff_roles WHERE staff_id = $1 ORDER BY role")
            .bind(staff_id)
            .fetch_all(pool)
            .await
    })?;
    Ok(names
        .iter()
        .filter_map(|name| StaffRole::parse(name))
        .collect())
}

/// Who an enabled staff member is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffProfile {
    pub login: String,
    pub full_name: String,
    pub roles: Vec<StaffRole>,
}

/// The profile of an enabled staff account.
pub async fn profile(db: &Db, staff_id: i64) -> Result<Option<StaffProfile>, sqlx::Error> {
    let row: Option<(String, String)> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT login, full_name FROM staff_accounts WHERE id = $1 AND disabled_at IS NULL",
        )
        .bind(staff_id)
        .fetch_optional(pool)
        .await
    })?;
    let Some((login, full_name)) = row else {
        return Ok(None);
    };
    Ok(Some(StaffProfile {
        login,
        full_name,
        roles: roles_of(db, staff_id).await?,
    }))
}

/// A staff account as the admin module lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffMember {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub roles: Vec<StaffRole>,
    /// Department codes, for operators.
    pub departments: Vec<String>,
    pub disabled: bool,
}

/// Every staff account, enabled first, by name.
pub async fn all(db: &Db) -> Result<Vec<StaffMember>, sqlx::Error> {
    let rows: Vec<(i64, String, String, bool)> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT id, login, full_name, disabled_at IS NOT NULL FROM staff_accounts \
             ORDER BY disabled_at IS NOT NULL, full_name",
        )
        .fetch_all(pool)
        .await
    })?;
    let mut members = Vec::with_capacity(rows.len());
    for (id, login, full_name, disabled) in rows {
        members.push(StaffMember {
            id,
            login,
            full_name,
            roles: roles_of(db, id).await?,
            departments: departments_of(db, id)
                .await?
                .into_iter()
                .map(|(code, _)| code)
                .collect(),
            disabled,
        });
    }
    Ok(members)
}

/// The departments a staff member works for: code and name, by code.
async fn departments_of(db: &Db, staff_id: i64) -> Result<Vec<(String, String)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT d.code, d.name FROM staff_departments s JOIN departments d ON d.id = s.department_id \
             WHERE s.staff_id = $1 ORDER BY d.code",
        )
        .bind(staff_id)
        .fetch_all(pool)
        .await
    })
}

/// Whether a staff account (enabled or not) has this login.
pub async fn login_taken(tx: &mut WriteTx, login: &str) -> Result<bool, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM staff_accounts WHERE login_key = $1)")
            .bind(login_key(login))
            .fetch_one(conn)
            .await
    })
}

/// Replaces a staff member's roles and departments (by code).
pub async fn set_roles_and_departments(
    tx: &mut WriteTx,
    staff_id: i64,
    roles: &[StaffRole],
    department_codes: &[String],
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM staff_roles WHERE staff_id = $1")
            .bind(staff_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    with_tx!(tx, conn => {
        sqlx::query("DELETE FROM staff_departments WHERE staff_id = $1")
            .bind(staff_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    for role in roles {
        with_tx!(tx, conn => {
            sqlx::query("INSERT INTO staff_roles (staff_id, role) VALUES ($1, $2)")
                .bind(staff_id)
                .bind(role.as_str())
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    for code in department_codes {
        with_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO staff_departments (staff_id, department_id) \
                 SELECT $1, id FROM departments WHERE code = $2",
            )
            .bind(staff_id)
            .bind(code)
            .execute(conn)
            .await
            .map(|_| ())
        })?;
    }
    Ok(())
}

/// Disables a staff account; false if there is none or it was disabled.
pub async fn disable(
    tx: &mut WriteTx,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query("UPDATE staff_accounts SET disabled_at = $1 WHERE id = $2 AND disabled_at IS NULL")
            .bind(now)
            .bind(staff_id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// Replaces a hash made with older parameters, unless the password changed
/// meanwhile.
pub async fn upgrade_password_hash(
    db: &Db,
    staff_id: i64,
    old_hash: &str,
    new_hash: &str,
) -> Result<(), sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query("UPDATE staff_accounts SET password_hash = $1 WHERE id = $2 AND password_hash = $3")
            .bind(new_hash)
            .bind(staff_id)
            .bind(old_hash)
            .execute(pool)
            .await
            .map(|_| ())
    })
}

/// What a patient is told about a staff member besides their name: their
/// roles, and the names of the departments they work for.
pub async fn roles_and_departments(
    db: &Db,
    staff_id: i64,
) -> Result<(Vec<StaffRole>, Vec<String>), sqlx::Error> {
    let departments = departments_of(db, staff_id)
        .await?
        .into_iter()
        .map(|(_, name)| name)
        .collect();
    Ok((roles_of(db, staff_id).await?, departments))
}
