//! Which department takes each kind of request («Куда направляются
//! заявки»).

use super::{with_db, with_tx, Db, WriteTx};

/// The department a kind of request goes to.
pub async fn department_for(tx: &mut WriteTx, kind: &str) -> Result<Option<i64>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar("SELECT department_id FROM request_routing WHERE kind = $1")
            .bind(kind)
            .fetch_optional(conn)
            .await
    })
}

/// Every kind's department, as `(kind, department code)`.
pub async fn all(db: &Db) -> Result<Vec<(String, String)>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.kind, d.code FROM request_routing r JOIN departments d ON d.id = r.department_id \
             ORDER BY r.kind",
        )
        .fetch_all(pool)
        .await
    })
}

/// Sends `kind` to the department with `code`; false if there is none.
pub async fn set_department(tx: &mut WriteTx, kind: &str, code: &str) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE request_routing SET department_id = (SELECT id FROM departments WHERE code = $1) \
             WHERE kind = $2 AND EXISTS (SELECT 1 FROM departments WHERE code = $1)",
        )
        .bind(code)
        .bind(kind)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}
