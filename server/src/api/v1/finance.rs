//! What the MIS pushes for «Финансы»: per patient, the date of the
//! clinic's books, whether they pay for someone else, and each payer
//! account's deposit, debt and invoices. Money is roubles as decimal text
//! ("1234.50"), kept in kopecks: never a JSON number, never floating point.

use super::error::ApiError;
use super::guard::{MisClient, StrictJson};
use super::input::{self, batch, mis_id, text};
use super::push::{begin, finish, PushAnswers, PushResult};
use crate::startup::AppState;
use app::db::finance::{self, NewBalance, NewInvoice, NewPayerAccount};
use app::db::patients;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalancesBatch {
    pub balances: Vec<BalanceIn>,
}

/// A patient's balances as of the clinic's books. Replaces what was sent
/// for the patient before.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BalanceIn {
    /// The patient's id in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub patient_id: String,
    /// The day of the clinic's books the figures are from.
    #[schema(format = Date)]
    pub books_on: String,
    /// Pays for someone else: sees one summed figure.
    #[serde(default)]
    pub third_party_payer: bool,
    #[schema(max_items = 20)]
    pub accounts: Vec<PayerAccountIn>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerAccountIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "ACC-1")]
    pub id: String,
    #[schema(max_length = 200, example = "Личный счёт")]
    pub name: String,
    /// Roubles, e.g. "15000.00".
    #[schema(example = "15000.00")]
    pub deposit: String,
    #[schema(example = "4350.50")]
    pub debt: String,
    #[serde(default)]
    #[schema(max_items = 500)]
    pub invoices: Vec<InvoiceIn>,
}

#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceIn {
    #[schema(max_length = 64, example = "СЧ-2026-0412")]
    pub number: String,
    #[schema(format = Date)]
    pub issued_on: String,
    #[schema(example = "2350.50")]
    pub amount: String,
    pub paid: bool,
}

fn check_balance(i: usize, b: &BalanceIn) -> Result<(&str, NewBalance<'_>), ApiError> {
    let at = |field: &str| format!("balances[{i}].{field}");
    if b.accounts.len() > 20 {
        return Err(ApiError::invalid(at("accounts"), "at most 20 accounts"));
    }
    let mut accounts = Vec::with_capacity(b.accounts.len());
    for (j, a) in b.accounts.iter().enumerate() {
        let at = |field: &str| format!("balances[{i}].accounts[{j}].{field}");
        if a.invoices.len() > 500 {
            return Err(ApiError::invalid(at("invoices"), "at most 500 invoices"));
        }
        let mut invoices = Vec::with_capacity(a.invoices.len());
        for (k, v) in a.invoices.iter().enumerate() {
            let at = |field: &str| format!("balances[{i}].accounts[{j}].invoices[{k}].{field}");
            invoices.push(NewInvoice {
                number: text(&at("number"), &v.number, 64, false)?,
                issued_on: input::date(&at("issued_on"), &v.issued_on)?,
                amount: input::money(&at("amount"), &v.amount)?,
                paid: v.paid,
            });
        }
        accounts.push(NewPayerAccount {
            mis_id: mis_id(&at("id"), &a.id)?,
            name: text(&at("name"), &a.name, 200, false)?,
            deposit: input::money(&at("deposit"), &a.deposit)?,
            debt: input::money(&at("debt"), &a.debt)?,
            invoices,
        });
    }
    Ok((
        mis_id(&at("patient_id"), &b.patient_id)?,
        NewBalance {
            patient_id: 0,
            books_on: input::date(&at("books_on"), &b.books_on)?,
            third_party_payer: b.third_party_payer,
            content_sha256: "",
            accounts,
        },
    ))
}

/// Balances: deposit and debt per payer account, invoices, and the date
/// of the clinic's books.
#[utoipa::path(put, path = "/api/v1/balances", request_body = BalancesBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_balances(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<BalancesBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("balances", &body.balances, |b| b.patient_id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, b) in items.iter().enumerate() {
        let content = serde_json::to_vec(b)
            .map_err(|e| ApiError::invalid(format!("balances[{i}]"), e.to_string()))?;
        checked.push((check_balance(i, b)?, app::security::sha256_hex(&content)));
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (i, ((patient, balance), sha)) in input::in_id_order(&checked, |c| c.0 .0) {
        let patient_id = patients::id_of(&mut unit.tx, patient)
            .await?
            .ok_or_else(|| {
                ApiError::invalid(
                    format!("balances[{i}].patient_id"),
                    "no patient has this id",
                )
            })?;
        let balance = NewBalance {
            patient_id,
            content_sha256: sha,
            ..balance.clone()
        };
        changed += usize::from(finance::upsert(&mut unit.tx, &balance, unit.now).await?);
    }
    finish(unit, "balances", checked.len(), changed).await
}
