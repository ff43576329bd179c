//! Patient requests, their numbers and status history, and the queues
//! staff work through.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, Utc};

/// The next number of `year`. The counter row is locked until the
/// transaction ends, so parallel requests queue for it: no two get the
/// same number, and a number whose request was rolled back was never seen.
pub async fn next_number(tx: &mut WriteTx, year: i32) -> Result<i64, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO request_numbers (year, last_value) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last_value = request_numbers.last_value + 1 \
             RETURNING last_value",
        )
        .bind(year)
        .fetch_one(conn)
        .await
    })
}

/// The number and content of the request this patient already sent with
/// this form.
pub async fn sent_with_key(
    tx: &mut WriteTx,
    patient_id: i64,
    idempotency_key: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT number, content FROM patient_requests WHERE patient_id = $1 AND idempotency_key = $2",
        )
        .bind(patient_id)
        .bind(idempotency_key)
        .fetch_optional(conn)
        .await
    })
}

/// How many requests the patient sent after `since` up to `until`, and
/// when the first of them was sent.
pub async fn sent_between(
    tx: &mut WriteTx,
    patient_id: i64,
    since: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at) FROM patient_requests \
             WHERE patient_id = $1 AND created_at > $2 AND created_at <= $3",
        )
        .bind(patient_id)
        .bind(since)
        .bind(until)
        .fetch_one(conn)
        .await
    })
}

/// A request to insert.
#[derive(Clone, Debug)]
pub struct NewRequest<'a> {
    pub number: &'a str,
    pub patient_id: i64,
    pub kind: &'a str,
    /// The MIS id of what the request is about, if anything.
    pub about: Option<&'a str>,
    pub department_id: i64,
    pub content: &'a str,
    pub idempotency_key: &'a str,
}

/// What inserting a request did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inserted {
    New(i64),
    /// This patient's form with the same key got there first (on
    /// PostgreSQL, in a transaction running alongside).
    SameKey,
    /// Another open request of the kind is about the same thing.
    AlreadyOpenAbout,
}

/// The index that keeps one open request of a kind about one thing.
const ONE_OPEN_ABOUT: &str = "patient_requests_one_open_about";

/// Inserts a request as sent.
pub async fn insert(
    tx: &mut WriteTx,
    request: &NewRequest<'_>,
    now: DateTime<Utc>,
) -> Result<Inserted, sqlx::Error> {
    let inserted: Result<Option<i64>, sqlx::Error> = with_tx!(tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO patient_requests \
             (number, patient_id, kind, about, department_id, content, status, idempotency_key, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'sent', $7, $8, $8) \
             ON CONFLICT (patient_id, idempotency_key) DO NOTHING RETURNING id",
        )
        .bind(request.number)
        .bind(request.patient_id)
        .bind(request.kind)
        .bind(request.about)
        .bind(request.department_id)
        .bind(request.content)
        .bind(request.idempotency_key)
        .bind(now)
        .fetch_optional(conn)
        .await
    });
    match inserted {
        Ok(Some(id)) => Ok(Inserted::New(id)),
        Ok(None) => Ok(Inserted::SameKey),
        Err(error)
            if super::violates(
                &error,
                ONE_OPEN_ABOUT,
                "patient_requests.kind, patient_requests.about",
            ) =>
        {
            Ok(Inserted::AlreadyOpenAbout)
        }
        Err(error) => Err(error),
    }
}

/// Who changed a request's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangedBy {
    Patient,
    Staff(i64),
    /// A client of the integration API.
    Mis(i64),
}

/// Appends a status to a request's history, and puts the request at the
/// end of the order of changes the MIS follows.
pub async fn add_history(
    tx: &mut WriteTx,
    request_id: i64,
    status: &str,
    by: ChangedBy,
    comment: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (staff_id, mis_client_id) = match by {
        ChangedBy::Patient => (None, None),
        ChangedBy::Staff(id) => (Some(id), None),
        ChangedBy::Mis(id) => (None, Some(id)),
    };
    with_tx!(tx, conn => {
        sqlx::query(
            "INSERT INTO request_status_history (request_id, status, at, staff_id, mis_client_id, comment) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(request_id)
        .bind(status)
        .bind(now)
        .bind(staff_id)
        .bind(mis_client_id)
        .bind(comment)
        .execute(&mut *conn)
        .await?;
        // The counter's row stays locked until this transaction ends, so
        // changes commit in the order of their numbers (see the migration).
        sqlx::query("UPDATE change_counters SET last_value = last_value + 1 WHERE name = 'requests'")
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "UPDATE patient_requests SET change_seq = \
             (SELECT last_value FROM change_counters WHERE name = 'requests') WHERE id = $1",
        )
        .bind(request_id)
        .execute(&mut *conn)
        .await
        .map(|_| ())
    })
}

/// Sets a request's status, if it still is `from`: false when someone
/// changed it meanwhile.
pub async fn set_status(
    tx: &mut WriteTx,
    request_id: i64,
    from: &str,
    to: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let affected = with_tx!(tx, conn => {
        sqlx::query(
            "UPDATE patient_requests SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to)
        .bind(now)
        .bind(request_id)
        .bind(from)
        .execute(conn)
        .await
        .map(|done| done.rows_affected())
    })?;
    Ok(affected > 0)
}

/// «Взять в работу»: the request is assigned to this staff member.
pub async fn assign(
    tx: &mut WriteTx,
    request_id: i64,
    staff_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE patient_requests SET assigned_staff_id = $1, updated_at = $2 WHERE id = $3")
            .bind(staff_id)
            .bind(now)
            .bind(request_id)
            .execute(conn)
            .await
            .map(|_| ())
    })
}

row! {
    /// A request as read back, with its department's and assignee's names.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct RequestRow {
        pub id: i64,
        pub number: String,
        pub patient_id: i64,
        pub kind: String,
        pub department_name: String,
        pub content: String,
        pub status: String,
        pub assigned_staff_id: Option<i64>,
        pub assigned_name: Option<String>,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }
}

const SELECT: &str = "SELECT r.id, r.number, r.patient_id, r.kind, d.name AS department_name, \
     r.content, r.status, r.assigned_staff_id, s.full_name AS assigned_name, r.created_at, r.updated_at \
     FROM patient_requests r \
     JOIN departments d ON d.id = r.department_id \
     LEFT JOIN staff_accounts s ON s.id = r.assigned_staff_id";

/// A patient's requests, newest first, optionally of one kind and status.
pub async fn of_patient(
    db: &Db,
    patient_id: i64,
    kind: Option<&str>,
    status: Option<&str>,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE r.patient_id = $1 AND ($2 IS NULL OR r.kind = $2) \
         AND ($3 IS NULL OR r.status = $3) ORDER BY r.created_at DESC, r.id DESC"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(kind)
            .bind(status)
            .fetch_all(pool)
            .await
    })
}

/// The patient's open requests (sent, accepted, in progress), most
/// recently changed first, at most `limit`.
pub async fn open_of_patient(
    db: &Db,
    patient_id: i64,
    limit: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE r.patient_id = $1 AND r.status IN ('sent', 'accepted', 'in_progress') \
         ORDER BY r.updated_at DESC, r.id DESC LIMIT $2"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// How many of the patient's requests are open.
pub async fn open_count_of_patient(db: &Db, patient_id: i64) -> Result<i64, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM patient_requests r \
             WHERE r.patient_id = $1 AND r.status IN ('sent', 'accepted', 'in_progress')",
        )
        .bind(patient_id)
        .fetch_one(pool)
        .await
    })
}

/// The request with this number, if it is this patient's.
pub async fn of_patient_by_number(
    db: &Db,
    patient_id: i64,
    number: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    one(db, OF_PATIENT, number, Some(patient_id)).await
}

/// `$2` is the patient's id.
const OF_PATIENT: &str = "r.patient_id = $2";

/// The request with this number that meets `condition`, whose `$2` is
/// `second`.
async fn one(
    db: &Db,
    condition: &str,
    number: &str,
    second: Option<i64>,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE r.number = $1 AND {condition}");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(number)
            .bind(second)
            .fetch_optional(pool)
            .await
    })
}

/// [`one`], read inside a write transaction, so that on PostgreSQL its row
/// stays locked until the end.
async fn one_for_update(
    tx: &mut WriteTx,
    condition: &str,
    number: &str,
    second: Option<i64>,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let base = format!("{SELECT} WHERE r.number = $1 AND {condition}");
    match tx {
        WriteTx::Sqlite(tx) => {
            sqlx::query_as(sqlx::AssertSqlSafe(base))
                .bind(number)
                .bind(second)
                .fetch_optional(&mut **tx)
                .await
        }
        WriteTx::Postgres(tx) => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{base} FOR UPDATE OF r")))
                .bind(number)
                .bind(second)
                .fetch_optional(&mut **tx)
                .await
        }
    }
}

/// Which requests a staff member may see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// An administrator: every department.
    All,
    /// An operator: the departments this staff member works for.
    DepartmentsOf(i64),
}

impl Scope {
    fn staff_id(self) -> Option<i64> {
        match self {
            Scope::All => None,
            Scope::DepartmentsOf(staff_id) => Some(staff_id),
        }
    }
}

/// `$n` is the scope's staff id, or NULL for every department.
fn scope_clause(n: usize) -> String {
    format!(
        "(${n} IS NULL OR r.department_id IN \
         (SELECT department_id FROM staff_departments WHERE staff_id = ${n}))"
    )
}

/// The request with this number, if it is in `scope`, locked like
/// [`one_for_update`].
pub async fn in_scope_for_update(
    tx: &mut WriteTx,
    scope: Scope,
    number: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    one_for_update(tx, &scope_clause(2), number, scope.staff_id()).await
}

/// A patient's own request by number, locked like [`one_for_update`].
pub async fn of_patient_for_update(
    tx: &mut WriteTx,
    patient_id: i64,
    number: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    one_for_update(tx, OF_PATIENT, number, Some(patient_id)).await
}

/// The request with this number, if it is in `scope`.
pub async fn in_scope(
    db: &Db,
    scope: Scope,
    number: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    one(db, &scope_clause(2), number, scope.staff_id()).await
}

row! {
    /// One status of a request's history.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct HistoryRow {
        pub status: String,
        pub at: DateTime<Utc>,
        pub staff_name: Option<String>,
        /// The MIS client that set it, if it was the MIS.
        pub mis_client_name: Option<String>,
        pub comment: String,
    }
}

/// A request's statuses, oldest first.
pub async fn history(db: &Db, request_id: i64) -> Result<Vec<HistoryRow>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT h.status, h.at, s.full_name AS staff_name, m.name AS mis_client_name, h.comment \
             FROM request_status_history h LEFT JOIN staff_accounts s ON s.id = h.staff_id \
             LEFT JOIN mis_clients m ON m.id = h.mis_client_id \
             WHERE h.request_id = $1 ORDER BY h.id",
        )
        .bind(request_id)
        .fetch_all(pool)
        .await
    })
}

/// What a queue shows: filters, order and page.
#[derive(Clone, Debug, Default)]
pub struct QueueQuery {
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Sent at or after.
    pub from: Option<DateTime<Utc>>,
    /// Sent before.
    pub until: Option<DateTime<Utc>>,
    /// Part of the patient's name (lower case) or their exact MIS id.
    pub patient: Option<String>,
    pub newest_first: bool,
    pub limit: i64,
    pub offset: i64,
}

row! {
    /// A queue line: the request and whose it is.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct QueueRow {
        pub number: String,
        pub kind: String,
        pub status: String,
        pub content: String,
        pub department_name: String,
        pub patient_name: String,
        pub assigned_name: Option<String>,
        pub created_at: DateTime<Utc>,
    }
}

/// A page of the queue of `scope` and how many requests match in all.
pub async fn queue(
    db: &Db,
    scope: Scope,
    query: &QueueQuery,
) -> Result<(Vec<QueueRow>, i64), sqlx::Error> {
    let filter = format!(
        "FROM patient_requests r \
         JOIN departments d ON d.id = r.department_id \
         JOIN patients p ON p.id = r.patient_id \
         LEFT JOIN staff_accounts s ON s.id = r.assigned_staff_id \
         WHERE {} AND ($2 IS NULL OR r.kind = $2) AND ($3 IS NULL OR r.status = $3) \
         AND ($4 IS NULL OR r.created_at >= $4) AND ($5 IS NULL OR r.created_at < $5) \
         AND ($6 IS NULL OR p.name_key LIKE $6 ESCAPE '\\' OR UPPER(p.mis_patient_id) = $7)",
        scope_clause(1)
    );
    let order = if query.newest_first { "DESC" } else { "ASC" };
    let rows_sql = format!(
        "SELECT r.number, r.kind, r.status, r.content, d.name AS department_name, \
         p.full_name AS patient_name, s.full_name AS assigned_name, r.created_at {filter} \
         ORDER BY r.created_at {order}, r.id {order} LIMIT $8 OFFSET $9"
    );
    let count_sql = format!("SELECT COUNT(*) {filter}");
    let pattern = query.patient.as_deref().map(super::like_contains);
    let mis_id = query.patient.as_deref().map(str::to_uppercase);
    with_db!(db, pool => {
        let rows = sqlx::query_as(sqlx::AssertSqlSafe(rows_sql))
            .bind(scope.staff_id())
            .bind(query.kind.as_deref())
            .bind(query.status.as_deref())
            .bind(query.from)
            .bind(query.until)
            .bind(pattern.as_deref())
            .bind(mis_id.as_deref())
            .bind(query.limit)
            .bind(query.offset)
            .fetch_all(pool)
            .await?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql))
            .bind(scope.staff_id())
            .bind(query.kind.as_deref())
            .bind(query.status.as_deref())
            .bind(query.from)
            .bind(query.until)
            .bind(pattern.as_deref())
            .bind(mis_id.as_deref())
            .fetch_one(pool)
            .await?;
        Ok((rows, total))
    })
}

row! {
    /// A request as the MIS follows it: where it is in the order of
    /// changes, and whose it is by the MIS's own id.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct ChangedRequest {
        pub change_seq: i64,
        pub number: String,
        pub kind: String,
        pub status: String,
        pub about: Option<String>,
        pub mis_patient_id: String,
        pub content: String,
        pub created_at: DateTime<Utc>,
        pub updated_at: DateTime<Utc>,
    }
}

/// The requests sent or changed after change `after`, in the order of
/// their changes, at most `limit`. A request changed again since is listed
/// once, at its latest change.
pub async fn changed_after(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<Vec<ChangedRequest>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT r.change_seq, r.number, r.kind, r.status, r.about, p.mis_patient_id, r.content, \
             r.created_at, r.updated_at FROM patient_requests r JOIN patients p ON p.id = r.patient_id \
             WHERE r.change_seq > $1 ORDER BY r.change_seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// The patient's requests about `about` (an appointment's MIS id), newest
/// first.
pub async fn of_patient_about(
    db: &Db,
    patient_id: i64,
    about: &str,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE r.patient_id = $1 AND r.about = $2 ORDER BY r.created_at DESC, r.id DESC"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(about)
            .fetch_all(pool)
            .await
    })
}

/// The number of the request with this id.
pub async fn number_of(db: &Db, request_id: i64) -> Result<String, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar("SELECT number FROM patient_requests WHERE id = $1")
            .bind(request_id)
            .fetch_one(pool)
            .await
    })
}
