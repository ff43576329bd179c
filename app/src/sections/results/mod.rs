//! «Результаты анализов и исследований»: lab results the MIS sent once
//! they are ready — newest first, grouped by the day taken — each opening
//! as a table of values with their reference ranges and an out-of-range
//! mark in words and a symbol, not colour alone; a downloadable PDF; the
//! trend of any numeric value measured twice or more; and the radiology
//! studies, whose ready reports the patient asks for with «Получить
//! заключение» (a request, mailed to the agreement's e-mail once staff or
//! the MIS attach the report). Nothing here names the patient.

#[cfg(feature = "ssr")]
mod chart;
#[cfg(feature = "ssr")]
mod document;
mod order;
mod trend;

#[cfg(feature = "ssr")]
pub use document::{pdf_document, ResultDocument};
#[cfg(feature = "ssr")]
pub use order::server::detail as result_detail;
pub use order::{trend_path, ResultDetail, ResultPage};
pub use trend::{TrendPage, TrendView};

use crate::domain::request::day_text;
use crate::domain::Decimal;
use crate::error::AppError;
use crate::forms::{action_error, labeller, EnhancedForm, RequestFormHead, SubmitButton, Then};
use crate::i18n::{td_string, Locale};
use crate::islands::{use_locale, LiveRequests};
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::kinds::radiology_report::RadiologyReportForm;
use crate::requests::{RequestList, RequestSummary};
use crate::sections::Section;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A value outside its reference range, as the laboratory flagged it or
/// as its limits tell.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mark {
    Low,
    High,
    Critical,
}

impl Mark {
    pub fn parse(text: &str) -> Option<Mark> {
        match text {
            "low" => Some(Mark::Low),
            "high" => Some(Mark::High),
            "critical" => Some(Mark::Critical),
            _ => None,
        }
    }

    /// The laboratory's flag; else, for a number, what its limits say.
    pub fn of(
        flag: Option<&str>,
        value: Option<&str>,
        low: Option<&str>,
        high: Option<&str>,
    ) -> Option<Mark> {
        if let Some(mark) = flag.and_then(Mark::parse) {
            return Some(mark);
        }
        let value = Decimal::parse(value?)?;
        match (low.and_then(Decimal::parse), high.and_then(Decimal::parse)) {
            (Some(low), _) if value < low => Some(Mark::Low),
            (_, Some(high)) if value > high => Some(Mark::High),
            _ => None,
        }
    }

    /// A symbol a reader sees without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            Mark::Low => "↓",
            Mark::High => "↑",
            Mark::Critical => "‼",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Mark::Low => td_string!(locale, results.mark_low),
            Mark::High => td_string!(locale, results.mark_high),
            Mark::Critical => td_string!(locale, results.mark_critical),
        }
    }

    /// The symbol and the words: «↑ выше нормы».
    pub fn text(self, locale: Locale) -> String {
        format!("{} {}", self.symbol(), self.label(locale))
    }

    pub fn class(self) -> &'static str {
        match self {
            Mark::Low => "mark low",
            Mark::High => "mark high",
            Mark::Critical => "mark critical",
        }
    }
}

/// A ready lab order as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: i64,
    pub taken_on: NaiveDate,
    pub lab: String,
    pub panel: String,
    /// How many of its values are out of range.
    pub flagged: i64,
    /// Ready since the patient last looked.
    pub new: bool,
}

impl OrderSummary {
    pub fn path(&self) -> String {
        result_path(self.id)
    }
}

/// The page of the result with this id.
pub fn result_path(id: i64) -> String {
    format!("{}/{id}", Section::Results.path())
}

/// One value of a result, as the MIS sent it (decimals as text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyteView {
    pub code: String,
    pub name: String,
    pub value_number: Option<String>,
    pub value_text: Option<String>,
    pub unit: Option<String>,
    pub reference_low: Option<String>,
    pub reference_high: Option<String>,
    pub reference_text: Option<String>,
    pub mark: Option<Mark>,
    /// Measured two or more times: it has a trend.
    pub trend: bool,
}

/// A decimal as the language writes it ("5,40"), or as sent if it is not one.
pub fn number_text(value: &str, locale: Locale) -> String {
    Decimal::parse(value).map_or_else(|| value.to_owned(), |d| d.text(locale))
}

impl AnalyteView {
    /// The value as the reader's language writes it.
    pub fn value(&self, locale: Locale) -> String {
        match (&self.value_number, &self.value_text) {
            (Some(number), _) => number_text(number, locale),
            (None, Some(text)) => text.clone(),
            (None, None) => String::new(),
        }
    }

    /// «120–160», «≥ 120», «≤ 5,0», or the laboratory's words.
    pub fn reference(&self, locale: Locale) -> String {
        reference_text(
            self.reference_low.as_deref(),
            self.reference_high.as_deref(),
            self.reference_text.as_deref(),
            locale,
        )
    }
}

/// A reference range in words: its limits, or its text.
pub fn reference_text(
    low: Option<&str>,
    high: Option<&str>,
    text: Option<&str>,
    locale: Locale,
) -> String {
    match (low, high, text) {
        (Some(low), Some(high), _) => {
            format!("{}–{}", number_text(low, locale), number_text(high, locale))
        }
        (Some(low), None, _) => format!("≥ {}", number_text(low, locale)),
        (None, Some(high), _) => format!("≤ {}", number_text(high, locale)),
        (None, None, Some(text)) => text.to_owned(),
        (None, None, None) => String::new(),
    }
}

/// A radiology study and the report requests about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyView {
    /// The MIS's id.
    pub id: String,
    pub performed_on: NaiveDate,
    pub modality: String,
    pub area: String,
    pub clinic: String,
    pub report_ready: bool,
    /// The requests for its report, newest first.
    pub requests: Vec<RequestSummary>,
    /// Whether one is still open: then no second may be sent.
    pub open_request: bool,
    /// The idempotency key of its «Получить заключение» form.
    pub form_key: String,
}

impl StudyView {
    /// «МРТ, коленный сустав».
    pub fn title(&self) -> String {
        format!("{}, {}", self.modality, self.area)
    }
}

/// What «Результаты…» shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsOverview {
    /// Ready orders by the day taken, newest first.
    pub days: Vec<(NaiveDate, Vec<OrderSummary>)>,
    pub studies: Vec<StudyView>,
}

#[server(endpoint = "results/overview")]
pub async fn my_results() -> Result<ResultsOverview, AppError> {
    crate::context::reply(server::my_results().await)
}

/// «Получить заключение»: the new request's number.
#[server(endpoint = "results/radiology-report")]
pub async fn send_radiology_report(
    idempotency_key: String,
    #[server(flatten)] form: RadiologyReportForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send_radiology_report(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::{OrderSummary, ResultsOverview, StudyView};
    use crate::context::{current_patient, server_context, ServerContext};
    use crate::db::results::{self, LabOrder, Study};
    use crate::db::{requests, WriteTx};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::radiology_report::{
        RadiologyReportContent, RadiologyReportForm, StudyGiven,
    };
    use crate::requests::kinds::RequestKind;

    pub fn summary_of(row: LabOrder, seen: Option<chrono::DateTime<chrono::Utc>>) -> OrderSummary {
        OrderSummary {
            id: row.id,
            new: seen.is_none_or(|seen| row.ready_at > seen),
            taken_on: row.taken_on,
            lab: row.lab,
            panel: row.panel,
            flagged: row.flagged,
        }
    }

    /// The study as a report request keeps it.
    pub fn content_of(study: &Study) -> RadiologyReportContent {
        RadiologyReportContent {
            study_id: study.mis_id.clone(),
            study: format!("{}, {}", study.modality, study.area),
            study_date: study.performed_on,
        }
    }

    pub async fn my_results() -> Result<ResultsOverview, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let seen = results::seen_at(&context.db, patient.patient_id).await?;
        let orders = results::ready_of_patient(&context.db, patient.patient_id).await?;
        let newest = orders.iter().map(|o| o.ready_at).max();
        let mut days: Vec<(chrono::NaiveDate, Vec<OrderSummary>)> = Vec::new();
        for row in orders {
            let order = summary_of(row, seen);
            match days.last_mut() {
                Some((day, list)) if *day == order.taken_on => list.push(order),
                _ => days.push((order.taken_on, vec![order])),
            }
        }
        let studies = studies_of(&context, patient.patient_id).await?;
        // Looked at now: «Главная» calls nothing of this new any more. A
        // write only when something became ready since the last look.
        if newest.is_some_and(|newest| seen.is_none_or(|seen| newest > seen)) {
            let mut tx: WriteTx = context.db.begin_write().await?;
            results::mark_seen(&mut tx, patient.patient_id, context.clock.now()).await?;
            tx.commit().await?;
        }
        Ok(ResultsOverview { days, studies })
    }

    /// The patient's studies, each with the report requests about it.
    async fn studies_of(
        context: &ServerContext,
        patient_id: i64,
    ) -> Result<Vec<StudyView>, AppError> {
        let rows = results::studies_of_patient(&context.db, patient_id).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let asked = requests::of_patient(
            &context.db,
            patient_id,
            Some(RequestKind::RadiologyReport.as_str()),
            None,
        )
        .await?;
        let mut about = Vec::with_capacity(asked.len());
        let locale = crate::context::request_locale();
        for row in &asked {
            let content = engine::read_content(&row.number, &row.content)?;
            about.push((content.about(), engine::summary(context, row, locale)?));
        }
        Ok(rows
            .into_iter()
            .map(|study| {
                let requests: Vec<_> = about
                    .iter()
                    .filter(|(id, _)| id.as_deref() == Some(study.mis_id.as_str()))
                    .map(|(_, summary)| summary.clone())
                    .collect();
                StudyView {
                    open_request: requests.iter().any(|r| !r.status.is_final()),
                    requests,
                    form_key: uuid::Uuid::new_v4().simple().to_string(),
                    id: study.mis_id,
                    performed_on: study.performed_on,
                    modality: study.modality,
                    area: study.area,
                    clinic: study.clinic_name,
                    report_ready: study.report_ready,
                }
            })
            .collect())
    }

    pub async fn send_radiology_report(
        idempotency_key: String,
        form: RadiologyReportForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let study = results::study_of_patient(&context.db, patient.patient_id, form.study.trim())
            .await?
            .map(|study| (content_of(&study), study.report_ready));
        engine::send_form(
            &context,
            &patient,
            &form,
            &StudyGiven { study },
            &idempotency_key,
        )
        .await
    }
}

#[component]
pub fn ResultsPage() -> impl IntoView {
    let locale = use_locale();
    let overview = Resource::new(|| (), |_| my_results());
    view! {
        <PageTitle text=Signal::derive(move || Section::Results.label(locale))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! {
                        <LiveRequests>
                            <LabResults days=overview.days/>
                            <Studies studies=overview.studies/>
                        </LiveRequests>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The ready lab results, by the day taken.
#[component]
fn LabResults(days: Vec<(NaiveDate, Vec<OrderSummary>)>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section aria-labelledby="lab-results-title">
            <h2 id="lab-results-title">{td_string!(locale, results.lab_title)}</h2>
            <p class="field-hint">{td_string!(locale, results.lab_hint)}</p>
            {days.is_empty().then(|| view! { <p class="empty">{td_string!(locale, results.lab_none)}</p> })}
            {days.into_iter().map(|(day, orders)| view! {
                <h3 class="day-heading">{day_text(day, locale)}</h3>
                <ul class="result-list">
                    {orders.into_iter().map(|order| view! { <OrderCard order/> }).collect_view()}
                </ul>
            }).collect_view()}
        </section>
    }
}

#[component]
fn OrderCard(order: OrderSummary) -> impl IntoView {
    let locale = use_locale();
    let flagged = (order.flagged > 0).then(|| {
        crate::texts::fill(
            td_string!(locale, results.flagged),
            &[("count", &order.flagged.to_string())],
        )
    });
    view! {
        <li class="card result">
            <a href=order.path() class="result-link">
                <strong>{order.panel.clone()}</strong>
                {order.new.then(|| view! { <span class="badge new">{td_string!(locale, results.new)}</span> })}
            </a>
            <p class="field-hint">{order.lab.clone()}</p>
            {flagged.map(|text| view! { <p class="mark high">"! " {text}</p> })}
        </li>
    }
}

/// The radiology studies and their reports.
#[component]
fn Studies(studies: Vec<StudyView>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <section aria-labelledby="studies-title">
            <h2 id="studies-title">{td_string!(locale, results.studies_title)}</h2>
            {studies.is_empty().then(|| view! { <p class="empty">{td_string!(locale, results.studies_none)}</p> })}
            <ul class="result-list">
                {studies.into_iter().map(|study| view! { <StudyCard study/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn StudyCard(study: StudyView) -> impl IntoView {
    let locale = use_locale();
    let title_id = format!("study-{}", study.form_key);
    let state = if study.report_ready {
        td_string!(locale, results.report_ready)
    } else {
        td_string!(locale, results.report_pending)
    };
    let may_ask = study.report_ready && !study.open_request;
    view! {
        <li class="card study" aria-labelledby=title_id.clone()>
            <h3 id=title_id.clone() class="request-head">
                <span>{study.title()}</span>
                <span class="status" class:ready=study.report_ready>{state}</span>
            </h3>
            <dl class="facts">
                <dt>{td_string!(locale, radiology.study_date)}</dt>
                <dd>{day_text(study.performed_on, locale)}</dd>
                <dt>{td_string!(locale, appointment.clinic)}</dt>
                <dd>{study.clinic.clone()}</dd>
            </dl>
            {may_ask.then(|| view! { <ReportForm study=study.id.clone() key=study.form_key.clone()/> })}
            {(!study.requests.is_empty()).then(|| view! {
                <RequestList requests=study.requests.clone()/>
            })}
        </li>
    }
}

/// «Получить заключение»: one button, the study in a hidden field.
#[component]
fn ReportForm(study: String, key: String) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendRadiologyReport>::new();
    let error = action_error(action);
    let label = labeller();
    view! {
        <EnhancedForm action=action then=Then::ShowRequest class="form inline-form">
            <RequestFormHead key=key error=error fields=RadiologyReportForm::FIELDS/>
            <input type="hidden" name="study" value=study/>
            <p class="field-hint">{td_string!(locale, results.report_hint)}</p>
            <SubmitButton label=label(|l| td_string!(l, results.get_report))/>
        </EnhancedForm>
    }
}
