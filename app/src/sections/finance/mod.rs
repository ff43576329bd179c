//! «Финансы»: the patient's deposit and debt as the clinic's books stood
//! when the MIS last sent them — per payer account, with the invoices
//! behind the debt — in exact roubles and kopecks, the date of the books,
//! and always the notice that the figures may lag by two to four days. A
//! third-party payer sees one summed figure. Paying online is announced,
//! not pretended.

use crate::domain::request::day_text;
use crate::domain::Money;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceView {
    pub number: String,
    pub issued_on: NaiveDate,
    pub amount: Money,
    pub paid: bool,
}

/// A payer account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub deposit: Money,
    pub debt: Money,
    pub invoices: Vec<InvoiceView>,
}

/// The patient's balances.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FinanceView {
    /// The day of the clinic's books the figures are from.
    pub books_on: NaiveDate,
    pub third_party_payer: bool,
    pub deposit: Money,
    pub debt: Money,
    pub accounts: Vec<AccountView>,
}

impl FinanceView {
    /// The one figure a third-party payer sees: deposit less debt.
    pub fn balance(&self) -> Money {
        self.deposit - self.debt
    }
}

#[server(endpoint = "finance/balances")]
pub async fn my_finance() -> Result<Option<FinanceView>, AppError> {
    crate::context::reply(server::my_finance().await)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::{AccountView, FinanceView, InvoiceView};
    use crate::context::{current_patient, internal, server_context};
    use crate::db::finance;
    use crate::db::Db;
    use crate::domain::Money;
    use crate::error::AppError;

    /// The sums alone, without the accounts behind them: what «Главная»
    /// and a third-party payer are given.
    pub fn sums_of(totals: finance::Totals) -> FinanceView {
        FinanceView {
            books_on: totals.books_on,
            third_party_payer: totals.third_party_payer,
            deposit: Money(totals.deposit_kopecks),
            debt: Money(totals.debt_kopecks),
            accounts: Vec::new(),
        }
    }

    /// The patient's balances, if the MIS sent any. A third-party payer
    /// is sent the sums only, not the accounts behind them.
    pub async fn of_patient(db: &Db, patient_id: i64) -> Result<Option<FinanceView>, AppError> {
        let Some(totals) = finance::totals(db, patient_id).await? else {
            return Ok(None);
        };
        if totals.third_party_payer {
            return Ok(Some(sums_of(totals)));
        }
        let mut accounts: Vec<(i32, AccountView)> = finance::accounts(db, patient_id)
            .await?
            .into_iter()
            .map(|a| {
                (
                    a.position,
                    AccountView {
                        name: a.name,
                        deposit: Money(a.deposit_kopecks),
                        debt: Money(a.debt_kopecks),
                        invoices: Vec::new(),
                    },
                )
            })
            .collect();
        for invoice in finance::invoices(db, patient_id).await? {
            let account = accounts
                .iter_mut()
                .find(|(position, _)| *position == invoice.account_position)
                .ok_or_else(|| internal("an invoice of no account"))?;
            account.1.invoices.push(InvoiceView {
                number: invoice.number,
                issued_on: invoice.issued_on,
                amount: Money(invoice.amount_kopecks),
                paid: invoice.paid,
            });
        }
        Ok(Some(FinanceView {
            accounts: accounts.into_iter().map(|(_, a)| a).collect(),
            ..sums_of(totals)
        }))
    }

    pub async fn my_finance() -> Result<Option<FinanceView>, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        of_patient(&context.db, patient.patient_id).await
    }
}

#[component]
pub fn FinancePage() -> impl IntoView {
    let locale = use_locale();
    let finance = Resource::new(|| (), |_| my_finance());
    view! {
        <PageTitle text=Signal::derive(move || Section::Finance.label(locale))/>
        <p class="notice lag" role="note">{td_string!(locale, finance.lag)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match finance.await {
                    Ok(Some(view)) => view! { <Balances finance=view/> }.into_any(),
                    Ok(None) => view! { <p class="empty">{td_string!(locale, finance.none)}</p> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="pay-online-title">
            <h2 id="pay-online-title">{td_string!(locale, finance.pay_online)}</h2>
            <p>{td_string!(locale, finance.pay_online_later)}</p>
        </section>
    }
}

#[component]
fn Balances(finance: FinanceView) -> impl IntoView {
    let locale = use_locale();
    let as_of = crate::texts::fill(
        td_string!(locale, finance.as_of),
        &[("date", &day_text(finance.books_on, locale))],
    );
    if finance.third_party_payer {
        return view! {
            <section class="card balance" aria-labelledby="balance-title">
                <h2 id="balance-title">{td_string!(locale, finance.balance)}</h2>
                <p class="amount" data-amount="balance">{finance.balance().text(locale)}</p>
                <p class="field-hint">{as_of}</p>
                <p class="field-hint">{td_string!(locale, finance.third_party)}</p>
            </section>
        }
        .into_any();
    }
    let several = finance.accounts.len() > 1;
    let in_debt = finance.debt.kopecks() > 0;
    view! {
        <div class="balance-cards">
            <section class="card balance" aria-labelledby="deposit-title">
                <h2 id="deposit-title">{td_string!(locale, finance.deposit)}</h2>
                <p class="amount" data-amount="deposit">{finance.deposit.text(locale)}</p>
            </section>
            <section class="card balance" class:debt=in_debt aria-labelledby="debt-title">
                <h2 id="debt-title">{td_string!(locale, finance.debt)}</h2>
                <p class="amount" data-amount="debt">{finance.debt.text(locale)}</p>
            </section>
        </div>
        <p class="field-hint">{as_of}</p>
        {finance.accounts.into_iter().map(|account| view! {
            <section class="card account" aria-label=account.name.clone()>
                {several.then(|| view! {
                    <h2>{account.name.clone()}</h2>
                    <dl class="facts">
                        <dt>{td_string!(locale, finance.deposit)}</dt>
                        <dd>{account.deposit.text(locale)}</dd>
                        <dt>{td_string!(locale, finance.debt)}</dt>
                        <dd>{account.debt.text(locale)}</dd>
                    </dl>
                })}
                <Invoices invoices=account.invoices/>
            </section>
        }).collect_view()}
    }
    .into_any()
}

#[component]
fn Invoices(invoices: Vec<InvoiceView>) -> impl IntoView {
    let locale = use_locale();
    if invoices.is_empty() {
        return view! { <p class="empty">{td_string!(locale, finance.no_invoices)}</p> }.into_any();
    }
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=td_string!(locale, finance.invoices)>
            <table class="results-table invoices">
                <caption>{td_string!(locale, finance.invoices)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, finance.invoice_number)}</th>
                        <th scope="col">{td_string!(locale, finance.invoice_date)}</th>
                        <th scope="col" class="number">{td_string!(locale, finance.invoice_amount)}</th>
                        <th scope="col">{td_string!(locale, finance.invoice_state)}</th>
                    </tr>
                </thead>
                <tbody>
                    {invoices.into_iter().map(|invoice| view! {
                        <tr class:unpaid=!invoice.paid>
                            <th scope="row">{invoice.number.clone()}</th>
                            <td>{day_text(invoice.issued_on, locale)}</td>
                            <td class="number">{invoice.amount.text(locale)}</td>
                            <td>{if invoice.paid {
                                td_string!(locale, finance.paid)
                            } else {
                                td_string!(locale, finance.unpaid)
                            }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
