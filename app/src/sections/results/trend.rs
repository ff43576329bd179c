//! `/results/trends/:code`: how one value changed — a chart the server
//! draws (SVG: readable on a phone, the reference band shaded, values out
//! of range drawn as a different shape, not only another colour) and the
//! same numbers as a table, which is what screen readers read.

use super::{number_text, reference_text, result_path, Mark};
use crate::domain::request::day_text;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// One measurement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub order_id: i64,
    pub day: NaiveDate,
    /// Decimal text as sent.
    pub value: String,
    pub mark: Option<Mark>,
}

/// Every numeric value of one analyte, oldest first, with the reference
/// range of the latest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrendView {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub low: Option<String>,
    pub high: Option<String>,
    pub points: Vec<TrendPoint>,
}

#[server(endpoint = "results/trend")]
pub async fn my_trend(code: String) -> Result<TrendView, AppError> {
    crate::context::reply(server::my_trend(code).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::super::Mark;
    use super::{TrendPoint, TrendView};
    use crate::context::{current_patient, refuse_patient, server_context};
    use crate::db::results;
    use crate::error::AppError;

    pub async fn my_trend(code: String) -> Result<TrendView, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let points = results::series(&context.db, patient.patient_id, &code).await?;
        let Some(latest) = points.last().cloned() else {
            return Err(refuse_patient(&context, patient.patient_id, "trend", &code).await);
        };
        Ok(TrendView {
            code,
            name: latest.name,
            unit: latest.unit,
            low: latest.reference_low,
            high: latest.reference_high,
            points: points
                .into_iter()
                .map(|p| TrendPoint {
                    mark: Mark::of(
                        p.flag.as_deref(),
                        Some(&p.value_number),
                        p.reference_low.as_deref(),
                        p.reference_high.as_deref(),
                    ),
                    order_id: p.order_id,
                    day: p.taken_on,
                    value: p.value_number,
                })
                .collect(),
        })
    }
}

#[component]
pub fn TrendPage() -> impl IntoView {
    let locale = use_locale();
    let code = use_params_map().with_untracked(|p| p.get("code").unwrap_or_default());
    let trend = Resource::new(move || (), move |_| my_trend(code.clone()));
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, results.trend_title))/>
        <p><a href=Section::Results.path()>{td_string!(locale, results.back)}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match trend.await {
                    Ok(trend) => view! { <TrendCard trend/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn TrendCard(trend: TrendView) -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    let svg = super::chart::chart_svg(&trend, locale);
    #[cfg(not(feature = "ssr"))]
    let svg: Option<String> = None;
    let unit = trend.unit.clone().unwrap_or_default();
    let band = reference_text(trend.low.as_deref(), trend.high.as_deref(), None, locale);
    let legend = (!band.is_empty()).then(|| {
        crate::texts::fill(
            td_string!(locale, results.chart_band),
            &[("range", &band), ("unit", &unit)],
        )
    });
    view! {
        <article class="card trend" aria-labelledby="trend-name">
            <h2 id="trend-name">{trend.name.clone()} {(!unit.is_empty()).then(|| format!(", {unit}"))}</h2>
            {svg.map(|svg| view! {
                <figure class="chart">
                    <div class="chart-frame" aria-hidden="false" inner_html=svg></div>
                    <figcaption class="field-hint">
                        {legend.clone()} " " {td_string!(locale, results.chart_shapes)}
                    </figcaption>
                </figure>
            })}
            <table class="results-table">
                <caption>{td_string!(locale, results.values)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{td_string!(locale, results.taken_on)}</th>
                        <th scope="col">{td_string!(locale, results.value)}</th>
                    </tr>
                </thead>
                <tbody>
                    {trend.points.iter().rev().map(|p| view! {
                        <tr class:out-of-range=p.mark.is_some()>
                            <th scope="row"><a href=result_path(p.order_id)>{day_text(p.day, locale)}</a></th>
                            <td>
                                {number_text(&p.value, locale)} " " {unit.clone()}
                                {p.mark.map(|mark| view! { <br/><span class=mark.class()>{mark.text(locale)}</span> })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </article>
    }
}
