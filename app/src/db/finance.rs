//! «Финансы»: the patient's balances as the MIS last sent them — per payer
//! account a deposit and a debt, the invoices, and the date of the
//! clinic's books. Money is kept in kopecks, whole numbers. A push
//! replaces the patient's figures whole.

use super::{row, with_db, with_tx, Db, WriteTx};
use crate::domain::Money;
use chrono::{DateTime, NaiveDate, Utc};

/// An invoice of an account.
#[derive(Clone, Debug)]
pub struct NewInvoice<'a> {
    pub number: &'a str,
    pub issued_on: NaiveDate,
    pub amount: Money,
    pub paid: bool,
}

/// A payer account with its invoices.
#[derive(Clone, Debug)]
pub struct NewPayerAccount<'a> {
    pub mis_id: &'a str,
    pub name: &'a str,
    pub deposit: Money,
    pub debt: Money,
    pub invoices: Vec<NewInvoice<'a>>,
}

/// A patient's balances as of the clinic's books.
#[derive(Clone, Debug)]
pub struct NewBalance<'a> {
    pub patient_id: i64,
    pub books_on: NaiveDate,
    pub third_party_payer: bool,
    /// The hash of everything sent: the same figures again write nothing.
    pub content_sha256: &'a str,
    pub accounts: Vec<NewPayerAccount<'a>>,
}

/// Replaces the patient's balances: true if anything changed.
pub async fn upsert(
    tx: &mut WriteTx,
    balance: &NewBalance<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let changed: Option<i64> = with_tx!(&mut *tx, conn => {
        sqlx::query_scalar(
            "INSERT INTO balances (patient_id, books_on, third_party_payer, content_sha256, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (patient_id) DO UPDATE SET books_on = excluded.books_on, \
             third_party_payer = excluded.third_party_payer, \
             content_sha256 = excluded.content_sha256, updated_at = excluded.updated_at \
             WHERE balances.content_sha256 IS DISTINCT FROM excluded.content_sha256 \
             RETURNING patient_id",
        )
        .bind(balance.patient_id)
        .bind(balance.books_on)
        .bind(balance.third_party_payer)
        .bind(balance.content_sha256)
        .bind(now)
        .fetch_optional(conn)
        .await
    })?;
    if changed.is_none() {
        return Ok(false);
    }
    for table in ["invoices", "payer_accounts"] {
        let sql = format!("DELETE FROM {table} WHERE patient_id = $1");
        with_tx!(&mut *tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(balance.patient_id)
                .execute(conn)
                .await
                .map(|_| ())
        })?;
    }
    for (a, account) in balance.accounts.iter().enumerate() {
        let position = i32::try_from(a).unwrap_or(i32::MAX);
        with_tx!(&mut *tx, conn => {
            sqlx::query(
                "INSERT INTO payer_accounts (patient_id, position, mis_id, name, deposit_kopecks, \
                 debt_kopecks) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(balance.patient_id)
            .bind(position)
            .bind(account.mis_id)
            .bind(account.name)
            .bind(account.deposit.kopecks())
            .bind(account.debt.kopecks())
            .execute(conn)
            .await
            .map(|_| ())
        })?;
        for (i, invoice) in account.invoices.iter().enumerate() {
            with_tx!(&mut *tx, conn => {
                sqlx::query(
                    "INSERT INTO invoices (patient_id, account_position, position, number, \
                     issued_on, amount_kopecks, paid) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(balance.patient_id)
                .bind(position)
                .bind(i32::try_from(i).unwrap_or(i32::MAX))
                .bind(invoice.number)
                .bind(invoice.issued_on)
                .bind(invoice.amount.kopecks())
                .bind(invoice.paid)
                .execute(conn)
                .await
                .map(|_| ())
            })?;
        }
    }
    Ok(true)
}

row! {
    /// The patient's balances in sum: what «Главная» shows, and the one
    /// figure of a third-party payer.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Totals {
        pub books_on: NaiveDate,
        pub third_party_payer: bool,
        pub deposit_kopecks: i64,
        pub debt_kopecks: i64,
    }
}

/// The patient's totals, if the MIS sent any.
pub async fn totals(db: &Db, patient_id: i64) -> Result<Option<Totals>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT b.books_on, b.third_party_payer, \
             CAST(COALESCE((SELECT SUM(p.deposit_kopecks) FROM payer_accounts p \
                  WHERE p.patient_id = b.patient_id), 0) AS BIGINT) AS deposit_kopecks, \
             CAST(COALESCE((SELECT SUM(p.debt_kopecks) FROM payer_accounts p \
                  WHERE p.patient_id = b.patient_id), 0) AS BIGINT) AS debt_kopecks \
             FROM balances b WHERE b.patient_id = $1",
        )
        .bind(patient_id)
        .fetch_optional(pool)
        .await
    })
}

row! {
    /// One payer account.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct PayerAccount {
        pub position: i32,
        pub name: String,
        pub deposit_kopecks: i64,
        pub debt_kopecks: i64,
    }
}

/// The patient's accounts, in the MIS's order.
pub async fn accounts(db: &Db, patient_id: i64) -> Result<Vec<PayerAccount>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT position, name, deposit_kopecks, debt_kopecks FROM payer_accounts \
             WHERE patient_id = $1 ORDER BY position",
        )
        .bind(patient_id)
        .fetch_all(pool)
        .await
    })
}

row! {
    /// One invoice.
    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Invoice {
        pub account_position: i32,
        pub number: String,
        pub issued_on: NaiveDate,
        pub amount_kopecks: i64,
        pub paid: bool,
    }
}

/// The patient's invoices: unpaid first, then newest first.
pub async fn invoices(db: &Db, patient_id: i64) -> Result<Vec<Invoice>, sqlx::Error> {
    with_db!(db, pool => {
        sqlx::query_as(
            "SELECT account_position, number, issued_on, amount_kopecks, paid FROM invoices \
             WHERE patient_id = $1 ORDER BY paid, issued_on DESC, account_position, position",
        )
        .bind(patient_id)
        .fetch_all(pool)
        .await
    })
}
