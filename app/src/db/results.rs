//! Lab results and radiology studies, as the MIS sends them. A lab order
//! is shown to its patient only once it is ready; its analytes are
//! replaced whole whenever the order changes. What the patient last looked
//! at decides what «Главная» calls new.

use super::{row, with_db, with_tx, Db, WriteTx};
use chrono::{DateTime, NaiveDate, Utc};

/// One analyte of an order as the MIS sends it, checked. Numbers and
/// limits are decimal text ("5.40").
#[derive(Clone, Debug)]
pub struct NewAnalyte<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub value_number: Option<&'a str>,
    pub value_text: Option<&'a str>,
    pub unit: Option<&'a str>,
    pub reference_low: Option<&'a str>,
    pub reference_high: Option<&'a str>,
    pub reference_text: Option<&'a str>,
    pub flag: Option<&'a str>,
}

/// A lab order as the MIS sends it, its patient resolved.
#[derive(Clone, Debug)]
pub struct NewLabOrder<'a> {
    pub mis_id: &'a str,
    pub patient_id: i64,
    pub taken_on: NaiveDate,
    pub lab: &'a str,
    pub panel: &'a str,
    pub ready: bool,
    /// The MIS's PDF of it and its hex SHA-256.
    pub pdf: Option<(&'a [u8], &'a str)>,
    /// The hash of everything above and the analytes: what "changed" means.
    pub content_sha256: &'a str,
    pub analytes: Vec<NewAnalyte<'a>>,
}

/// What writing an order did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderWritten {
    /// The same as stored: nothing written.
    Unchanged,
    /// Written; `became_ready` when the patient may see it from now on.
    Changed { became_ready: bool },
}

/// Inserts or replaces the order with this MIS id and its analytes. The
/// time it became ready is kept from the first push that said so.
pub async fn upsert_order(
    tx: &mut WriteTx,
    order: &NewLabOrder<'_>,
    now: DateTime<Utc>,
) -> Result<OrderWritten, sqlx::Error> {
    let was_ready: Option<bool> = with_tx!(&mut *tx, conn => {
        sqlx::query_scalar("SELECT status = 'ready' FROM lab_orders WHERE mis_id = $1")
            .bind(order.mis_id)
            .fetch_optional(conn)
            .await
    })?;
    let status = if order.ready { "ready" } else { "in_progress" };
    let written: Option<i64> = with_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO lab_orders (mis_id, patient_id, taken_on, lab, panel, status, ready_at, \
             pdf, pdf_sha256, content_sha256, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (mis_id) DO UPDATE SET patient_id = excluded.patient_id, \
             taken_on = excluded.taken_on, lab = excluded.lab, panel = excluded.panel, \
             status = excluded.status, \
             ready_at = CASE WHEN excluded.status = 'ready' \
                 THEN COALESCE(lab_orders.ready_at, excluded.ready_at) END, \
             pdf = excluded.pdf, pdf_sha256 = excluded.pdf_sha256, \
             content_sha256 = excluded.content_sha256, updated_at = excluded.updated_at \
             WHERE lab_orders.content_sha256 IS DISTINCT FROM excluded.content_sha256 \
             RETURNING id",
        )
        .bind(order.mis_id)
        .bind(order.patient_id)
        .bind(order.taken_on)
        .bind(order.lab)
        .bind(order.panel)
        .bind(status)
        .bind(order.ready.then_some(now))
        .bind(order.pdf.map(|(pdf, _)| pdf))
        .bind(order.pdf.map(|(_, sha)| sha))
        .bind(order.content_sha256)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    let Some(order_id) = written else {
        return Ok(OrderWritten::Unchanged);
    };
    with_tx!(&mut *tx, conn => {
        sqlx::query("DELETE FROM lab_analytes WHERE order_id = $1")
            .bind(order_id)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    insert_analytes(tx, order_id, &order.analytes).await?;
    Ok(OrderWritten::Changed {
        became_ready: order.ready && was_ready != Some(true),
    })
}

/// The analytes of an order, in one statement per hundred.
async fn insert_analytes(
    tx: &mut WriteTx,
    order_id: i64,
    analytes: &[NewAnalyte<'_>],
) -> Result<(), sqlx::Error> {
    const COLUMNS: usize = 11;
    for (chunk_index, chunk) in analytes.chunks(100).enumerate() {
        let rows: Vec<String> = (0..chunk.len())
            .map(|row| {
                let params: Vec<String> = (1..=COLUMNS)
                    .map(|column| format!("${}", row * COLUMNS + column))
                    .collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO lab_analytes (order_id, position, code, name, value_number, value_text, \
             unit, reference_low, reference_high, reference_text, flag) VALUES {}",
            rows.join(", ")
        );
        let first = chunk_index * 100;
        with_tx!(&mut *tx, conn => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, a) in chunk.iter().enumerate() {
                query = query
                    .bind(order_id)
                    .bind(i32::try_from(first + i).unwrap_or(i32::MAX))
                    .bind(a.code)
                    .bind(a.name)
                    .bind(a.value_number)
                    .bind(a.value_text)
                    .bind(a.unit)
                    .bind(a.reference_low)
                    .bind(a.reference_high)
                    .bind(a.reference_text)
                    .bind(a.flag);
            }
            query.execute(conn).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Removes the order the MIS withdrew, with its analytes: true if there
/// was one.
pub async fn delete_order(tx: &mut WriteTx, mis_id: &str) -> Result<bool, sqlx::Error> {
    with_tx!(&mut *tx, conn => {
        sqlx::query(
            "DELETE FROM lab_analytes WHERE order_id IN (SELECT id FROM lab_orders WHERE mis_id = $1)",
        )
        .bind(mis_id)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    super::delete_withdrawn(tx, "lab_orders", mis_id).await
}

row! {
    /// A ready order as the patient's list shows it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct LabOrder {
        pub id: i64,
        pub taken_on: NaiveDate,
        pub lab: String,
        pub panel: String,
        pub ready_at: DateTime<Utc>,
        /// How many of its values are out of range.
        pub flagged: i64,
    }
}

const ORDER: &str = "SELECT o.id, o.taken_on, o.lab, o.panel, o.ready_at, \
     (SELECT COUNT(*) FROM lab_analytes a WHERE a.order_id = o.id AND a.flag IS NOT NULL) AS flagged \
     FROM lab_orders o";

/// The patient's ready orders, newest first.
pub async fn ready_of_patient(db: &Db, patient_id: i64) -> Result<Vec<LabOrder>, sqlx::Error> {
    let sql = format!(
        "{ORDER} WHERE o.patient_id = $1 AND o.status = 'ready' \
         ORDER BY o.taken_on DESC, o.id DESC"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(pool)
            .await
    })
}

/// The patient's ready orders that became ready since they last looked at
/// their results (all of them if they never did), newest first, at most
/// `limit`: one query, the last look read inside it.
pub async fn new_of_patient(
    db: &Db,
    patient_id: i64,
    limit: i64,
) -> Result<Vec<LabOrder>, sqlx::Error> {
    let sql = format!(
        "{ORDER} WHERE o.patient_id = $1 AND o.status = 'ready' \
         AND COALESCE(o.ready_at > (SELECT p.results_seen_at FROM patients p WHERE p.id = $1), TRUE) \
         ORDER BY o.ready_at DESC, o.id DESC LIMIT $2"
    );
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// How many of the patient's ready orders are new to them.
pub async fn new_count_of_patient(db: &Db, patient_id: i64) -> Result<i64, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM lab_orders o WHERE o.patient_id = $1 AND o.status = 'ready' \
             AND COALESCE(o.ready_at > (SELECT p.results_seen_at FROM patients p WHERE p.id = $1), TRUE)",
        )
        .bind(patient_id)
        .fetch_one(pool)
        .await
    })
}

/// The patient's ready order with this id.
pub async fn ready_order(
    db: &Db,
    patient_id: i64,
    order_id: i64,
) -> Result<Option<LabOrder>, sqlx::Error> {
    let sql = format!("{ORDER} WHERE o.patient_id = $1 AND o.id = $2 AND o.status = 'ready'");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(order_id)
            .fetch_optional(pool)
            .await
    })
}

row! {
    /// One value of an order.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Analyte {
        pub code: String,
        pub name: String,
        pub value_number: Option<String>,
        pub value_text: Option<String>,
        pub unit: Option<String>,
        pub reference_low: Option<String>,
        pub reference_high: Option<String>,
        pub reference_text: Option<String>,
        pub flag: Option<String>,
        /// How many numeric values of this analyte the patient's ready
        /// orders hold: two or more make a trend.
        pub value_count: i64,
    }
}

/// The values of an order, in the MIS's order, each with how many values
/// of it the patient has in all.
pub async fn analytes_of(
    db: &Db,
    patient_id: i64,
    order_id: i64,
) -> Result<Vec<Analyte>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT a.code, a.name, a.value_number, a.value_text, a.unit, a.reference_low, \
             a.reference_high, a.reference_text, a.flag, \
             (SELECT COUNT(*) FROM lab_analytes b JOIN lab_orders o ON o.id = b.order_id \
              WHERE b.code = a.code AND b.value_number IS NOT NULL \
              AND o.patient_id = $1 AND o.status = 'ready') AS value_count \
             FROM lab_analytes a WHERE a.order_id = $2 ORDER BY a.position",
        )
        .bind(patient_id)
        .bind(order_id)
        .fetch_all(pool)
        .await
    })
}

row! {
    /// One point of a trend.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Point {
        pub order_id: i64,
        pub taken_on: NaiveDate,
        pub name: String,
        pub value_number: String,
        pub unit: Option<String>,
        pub reference_low: Option<String>,
        pub reference_high: Option<String>,
        pub flag: Option<String>,
    }
}

/// Every numeric value of the analyte `code` in the patient's ready
/// orders, oldest first.
pub async fn series(db: &Db, patient_id: i64, code: &str) -> Result<Vec<Point>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT o.id AS order_id, o.taken_on, a.name, a.value_number, a.unit, \
             a.reference_low, a.reference_high, a.flag \
             FROM lab_analytes a JOIN lab_orders o ON o.id = a.order_id \
             WHERE o.patient_id = $1 AND o.status = 'ready' AND a.code = $2 \
             AND a.value_number IS NOT NULL \
             ORDER BY o.taken_on, o.id, a.position",
        )
        .bind(patient_id)
        .bind(code)
        .fetch_all(pool)
        .await
    })
}

/// The MIS's PDF of the patient's ready order, with its hex SHA-256:
/// `None` for no such order, `Some(None)` for one without a PDF.
pub async fn pdf_of(
    db: &Db,
    patient_id: i64,
    order_id: i64,
) -> Result<Option<Option<(Vec<u8>, String)>>, sqlx::Error> {
    let row: Option<(Option<Vec<u8>>, Option<String>)> = with_db!(db, pool => {
        sqlx::query_as(
            "SELECT pdf, pdf_sha256 FROM lab_orders \
             WHERE patient_id = $1 AND id = $2 AND status = 'ready'",
        )
        .bind(patient_id)
        .bind(order_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(pdf, sha)| pdf.zip(sha)))
}

/// When the patient last looked at their results.
pub async fn seen_at(db: &Db, patient_id: i64) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let seen: Option<Option<DateTime<Utc>>> = with_db!(db, pool => {
        sqlx::query_scalar("SELECT results_seen_at FROM patients WHERE id = $1")
            .bind(patient_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(seen.flatten())
}

/// The patient has looked at their results now.
pub async fn mark_seen(
    tx: &mut WriteTx,
    patient_id: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    with_tx!(tx, conn => {
        sqlx::query("UPDATE patients SET results_seen_at = $2 WHERE id = $1")
            .bind(patient_id)
            .bind(now)
            .execute(conn)
            .await
            .map(|_| ())
    })?;
    Ok(())
}

/// A radiology study as the MIS sends it, its references resolved.
#[derive(Clone, Debug)]
pub struct NewStudy<'a> {
    pub mis_id: &'a str,
    pub patient_id: i64,
    pub clinic_id: i64,
    pub performed_on: NaiveDate,
    pub modality: &'a str,
    pub area: &'a str,
    pub report_ready: bool,
}

/// Inserts or updates the study with this MIS id: true if anything changed.
pub async fn upsert_study(
    tx: &mut WriteTx,
    study: &NewStudy<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const COLUMNS: [&str; 6] = [
        "patient_id",
        "clinic_id",
        "performed_on",
        "modality",
        "area",
        "report_ready",
    ];
    let sql = format!(
        "INSERT INTO studies (mis_id, {columns}, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (mis_id) DO UPDATE SET {set}, updated_at = excluded.updated_at \
         WHERE {changed} RETURNING id",
        columns = COLUMNS.join(", "),
        set = super::set_from_excluded(&COLUMNS),
        changed = super::any_distinct_from_excluded("studies", &COLUMNS),
    );
    let changed: Option<i64> = with_tx!(tx, conn => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(study.mis_id)
            .bind(study.patient_id)
            .bind(study.clinic_id)
            .bind(study.performed_on)
            .bind(study.modality)
            .bind(study.area)
            .bind(study.report_ready)
            .bind(now)
            .fetch_optional(conn)
            .await
    })?;
    Ok(changed.is_some())
}

/// Removes the study the MIS withdrew: true if there was one.
pub async fn delete_study(tx: &mut WriteTx, mis_id: &str) -> Result<bool, sqlx::Error> {
    super::delete_withdrawn(tx, "studies", mis_id).await
}

row! {
    /// A study as the patient sees it.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Study {
        pub mis_id: String,
        pub performed_on: NaiveDate,
        pub modality: String,
        pub area: String,
        pub clinic_name: String,
        pub report_ready: bool,
    }
}

const STUDY: &str = "SELECT s.mis_id, s.performed_on, s.modality, s.area, \
     c.name AS clinic_name, s.report_ready FROM studies s JOIN clinics c ON c.id = s.clinic_id";

/// The patient's studies, newest first.
pub async fn studies_of_patient(db: &Db, patient_id: i64) -> Result<Vec<Study>, sqlx::Error> {
    let sql = format!("{STUDY} WHERE s.patient_id = $1 ORDER BY s.performed_on DESC, s.id DESC");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .fetch_all(pool)
            .await
    })
}

/// The patient's study with this MIS id.
pub async fn study_of_patient(
    db: &Db,
    patient_id: i64,
    mis_id: &str,
) -> Result<Option<Study>, sqlx::Error> {
    let sql = format!("{STUDY} WHERE s.patient_id = $1 AND s.mis_id = $2");
    with_db!(db, pool => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(patient_id)
            .bind(mis_id)
            .fetch_optional(pool)
            .await
    })
}
