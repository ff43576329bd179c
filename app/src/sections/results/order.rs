//! `/results/:id`: one ready result as a table — each value with its unit,
//! reference range and out-of-range mark — the link to each value's trend,
//! and «Скачать PDF».

use super::{result_path, AnalyteView, OrderSummary};
use crate::domain::request::day_text;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// A result and its values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultDetail {
    pub order: OrderSummary,
    pub analytes: Vec<AnalyteView>,
}

#[server(endpoint = "results/one")]
pub async fn my_result(id: String) -> Result<ResultDetail, AppError> {
    crate::context::reply(server::my_result(id).await)
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::super::server::summary_of;
    use super::super::{AnalyteView, Mark};
    use super::ResultDetail;
    use crate::context::{current_patient, refuse_patient, server_context};
    use crate::db::results;
    use crate::db::Db;
    use crate::error::AppError;

    /// The patient's ready result `id` with its values; `None` if there is
    /// no such result of theirs.
    pub async fn detail(
        db: &Db,
        patient_id: i64,
        id: i64,
    ) -> Result<Option<ResultDetail>, AppError> {
        let Some(order) = results::ready_order(db, patient_id, id).await? else {
            return Ok(None);
        };
        let analytes = results::analytes_of(db, patient_id, id)
            .await?
            .into_iter()
            .map(|a| AnalyteView {
                mark: Mark::of(
                    a.flag.as_deref(),
                    a.value_number.as_deref(),
                    a.reference_low.as_deref(),
                    a.reference_high.as_deref(),
                ),
                trend: a.value_number.is_some() && a.value_count >= 2,
                code: a.code,
                name: a.name,
                value_number: a.value_number,
                value_text: a.value_text,
                unit: a.unit,
                reference_low: a.reference_low,
                reference_high: a.reference_high,
                reference_text: a.reference_text,
            })
            .collect();
        Ok(Some(ResultDetail {
            order: summary_of(order, None),
            analytes,
        }))
    }

    pub async fn my_result(id: String) -> Result<ResultDetail, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let found = match id.parse::<i64>() {
            Ok(number) => detail(&context.db, patient.patient_id, number).await?,
            Err(_) => None,
        };
        match found {
            Some(found) => Ok(found),
            None => Err(refuse_patient(&context, patient.patient_id, "result", &id).await),
        }
    }
}

/// The address of an analyte's trend.
pub fn trend_path(code: &str) -> String {
    let mut segment = String::with_capacity(code.len());
    for byte in code.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{}/trends/{segment}", Section::Results.path())
}

#[component]
pub fn ResultPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let detail = Resource::new(move || (), move |_| my_result(id.clone()));
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, results.result_title))/>
        <p><a href=Section::Results.path()>{td_string!(locale, results.back)}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <ResultCard detail/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ResultCard(detail: ResultDetail) -> impl IntoView {
    let locale = use_locale();
    let order = detail.order;
    let pdf_href = format!("{}/result.pdf", result_path(order.id));
    view! {
        <article class="card result-detail" aria-labelledby="result-panel">
            <h2 id="result-panel">{order.panel.clone()}</h2>
            <dl class="facts">
                <dt>{td_string!(locale, results.taken_on)}</dt>
                <dd>{day_text(order.taken_on, locale)}</dd>
                <dt>{td_string!(locale, results.lab)}</dt>
                <dd>{order.lab.clone()}</dd>
            </dl>
            <div class="table-scroll" tabindex="0" role="region" aria-labelledby="result-panel">
                <table class="results-table">
                    <caption class="visually-hidden">{order.panel.clone()}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{td_string!(locale, results.analyte)}</th>
                            <th scope="col">{td_string!(locale, results.value)}</th>
                            <th scope="col" class="unit-col">{td_string!(locale, results.unit)}</th>
                            <th scope="col">{td_string!(locale, results.reference)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {detail.analytes.into_iter().map(|a| {
                            let value = a.value(locale);
                            let reference = a.reference(locale);
                            let trend = a.trend.then(|| trend_path(&a.code));
                            view! {
                                <tr class:out-of-range=a.mark.is_some()>
                                    <th scope="row">
                                        {a.name.clone()}
                                        {trend.map(|href| view! {
                                            <br/>
                                            <a href=href class="trend-link">{td_string!(locale, results.trend)}</a>
                                        })}
                                    </th>
                                    <td>
                                        <span class="value">{value}</span>
                                        <span class="unit-inline">" " {a.unit.clone().unwrap_or_default()}</span>
                                        {a.mark.map(|mark| view! {
                                            <br/><span class=mark.class()>{mark.text(locale)}</span>
                                        })}
                                    </td>
                                    <td class="unit-col">{a.unit.clone().unwrap_or_default()}</td>
                                    <td>{reference}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <p><a class="button" href=pdf_href download>{td_string!(locale, results.download_pdf)}</a></p>
        </article>
    }
}
