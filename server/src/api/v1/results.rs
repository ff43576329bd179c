//! What the MIS pushes for «Результаты анализов и исследований»: lab
//! results — an order with its analytes, status and PDF — and radiology
//! studies. An order the patient may see for the first time (it became
//! ready) is announced: one mail per patient without any medical detail,
//! and the news to their open pages.

use super::error::ApiError;
use super::guard::{MisClient, StrictJson};
use super::input::{self, batch, mis_id, text};
use super::push::{begin, finish, PushAnswers, PushResult};
use crate::startup::AppState;
use app::db::results::{self, NewAnalyte, NewLabOrder, NewStudy, OrderWritten};
use app::db::{accounts, clinics, patients};
use app::requests::events::{RequestEvent, RESULTS_READY};
use app::write_unit::WriteUnit;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use utoipa::ToSchema;

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabResultsBatch {
    pub lab_results: Vec<LabResultIn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabStatus {
    /// Taken, not all values known yet: the patient does not see it.
    InProgress,
    Ready,
}

/// A lab order: one panel taken on one day, with its values.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LabResultIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "L-7001")]
    pub id: String,
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub patient_id: String,
    /// The day the sample was taken.
    #[schema(format = Date, example = "2026-11-03")]
    pub taken_on: String,
    #[schema(max_length = 200, example = "Лаборатория ЕМС")]
    pub lab: String,
    #[schema(max_length = 200, example = "Общий анализ крови")]
    pub panel: String,
    pub status: LabStatus,
    /// 1 to 200 values, in the order the report lists them.
    #[schema(min_items = 1, max_items = 200)]
    pub analytes: Vec<AnalyteIn>,
    /// The laboratory's own report, when it has one: a passive PDF.
    #[serde(default)]
    pub pdf_base64: Option<String>,
}

/// A measured value: a number (as decimal text, never a JSON number) or
/// a text ("отрицательно").
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ValueIn {
    #[schema(example = "5.40")]
    Number(String),
    Text(String),
}

/// The reference range: limits (decimal text, either may be missing), or
/// a text.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceIn {
    #[serde(default)]
    pub low: Option<String>,
    #[serde(default)]
    pub high: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub text: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Low,
    High,
    Critical,
}

impl Flag {
    fn as_str(self) -> &'static str {
        match self {
            Flag::Low => "low",
            Flag::High => "high",
            Flag::Critical => "critical",
        }
    }
}

/// One value of an order.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalyteIn {
    /// The analyte's code in the MIS, the same in every order: what a
    /// trend follows.
    #[schema(pattern = "^[!-~]{1,64}$", example = "HGB")]
    pub code: String,
    #[schema(max_length = 200, example = "Гемоглобин")]
    pub name: String,
    pub value: ValueIn,
    #[serde(default)]
    #[schema(max_length = 40, example = "г/л")]
    pub unit: Option<String>,
    #[serde(default)]
    pub reference: Option<ReferenceIn>,
    /// Out of range, as the laboratory flagged it.
    #[serde(default)]
    pub flag: Option<Flag>,
}

const ANALYTES_MAX: usize = 200;

/// An optional text: missing or blank is none.
fn optional<'a>(
    path: &str,
    value: Option<&'a String>,
    max: usize,
) -> Result<Option<&'a str>, ApiError> {
    match value.map(|v| v.trim()) {
        None | Some("") => Ok(None),
        Some(_) => value.map(|v| text(path, v, max, false)).transpose(),
    }
}

/// An order, checked, its patient still the MIS's id.
struct CheckedOrder<'a> {
    patient: &'a str,
    order: NewLabOrder<'a>,
    pdf: Option<(Vec<u8>, String)>,
    content_sha256: String,
}

fn check_analyte<'a>(
    at: &dyn Fn(&str) -> String,
    a: &'a AnalyteIn,
) -> Result<NewAnalyte<'a>, ApiError> {
    let (value_number, value_text) = match &a.value {
        ValueIn::Number(number) => {
            input::decimal(&at("value.number"), number)?;
            (Some(number.trim()), None)
        }
        ValueIn::Text(value) => (None, Some(text(&at("value.text"), value, 200, false)?)),
    };
    let low = match &a.reference {
        Some(ReferenceIn { low: Some(low), .. }) => {
            input::decimal(&at("reference.low"), low)?;
            Some(low.trim())
        }
        _ => None,
    };
    let high = match &a.reference {
        Some(ReferenceIn {
            high: Some(high), ..
        }) => {
            input::decimal(&at("reference.high"), high)?;
            Some(high.trim())
        }
        _ => None,
    };
    if let (Some(low), Some(high)) = (low, high) {
        if app::domain::Decimal::parse(low) > app::domain::Decimal::parse(high) {
            return Err(ApiError::invalid(
                at("reference.high"),
                "is below reference.low",
            ));
        }
    }
    let reference_text = match a.reference.as_ref().and_then(|r| r.text.as_ref()) {
        Some(value) => optional(&at("reference.text"), Some(value), 200)?,
        None => None,
    };
    Ok(NewAnalyte {
        code: mis_id(&at("code"), &a.code)?,
        name: text(&at("name"), &a.name, 200, false)?,
        value_number,
        value_text,
        unit: optional(&at("unit"), a.unit.as_ref(), 40)?,
        reference_low: low,
        reference_high: high,
        reference_text,
        flag: a.flag.map(Flag::as_str),
    })
}

fn check_order(i: usize, r: &LabResultIn) -> Result<CheckedOrder<'_>, ApiError> {
    let at = |field: &str| format!("lab_results[{i}].{field}");
    if r.analytes.is_empty() || r.analytes.len() > ANALYTES_MAX {
        return Err(ApiError::invalid(
            at("analytes"),
            format!("an order holds 1 to {ANALYTES_MAX} values"),
        ));
    }
    let mut analytes = Vec::with_capacity(r.analytes.len());
    let mut codes = BTreeSet::new();
    for (j, a) in r.analytes.iter().enumerate() {
        let at = |field: &str| format!("lab_results[{i}].analytes[{j}].{field}");
        if !codes.insert(a.code.as_str()) {
            return Err(ApiError::invalid(
                at("code"),
                "an order lists each analyte once",
            ));
        }
        analytes.push(check_analyte(&at, a)?);
    }
    let pdf = r
        .pdf_base64
        .as_deref()
        .map(|encoded| input::pdf_base64(&at("pdf_base64"), encoded))
        .transpose()?;
    let content = serde_json::to_vec(r).map_err(|e| ApiError::invalid(at("id"), e.to_string()))?;
    Ok(CheckedOrder {
        patient: mis_id(&at("patient_id"), &r.patient_id)?,
        order: NewLabOrder {
            mis_id: mis_id(&at("id"), &r.id)?,
            patient_id: 0,
            taken_on: input::date(&at("taken_on"), &r.taken_on)?,
            lab: text(&at("lab"), &r.lab, 200, false)?,
            panel: text(&at("panel"), &r.panel, 200, false)?,
            ready: r.status == LabStatus::Ready,
            pdf: None,
            content_sha256: "",
            analytes,
        },
        pdf,
        content_sha256: app::security::sha256_hex(&content),
    })
}

/// Lab results: each order with its values, status and PDF. An order in
/// progress is kept but not shown; once ready its patient is told.
#[utoipa::path(put, path = "/api/v1/lab-results", request_body = LabResultsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_lab_results(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<LabResultsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("lab_results", &body.lab_results, |r| r.id.as_str())?;
    let checked = items
        .iter()
        .enumerate()
        .map(|(i, r)| check_order(i, r))
        .collect::<Result<Vec<_>, _>>()?;
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    let mut told = BTreeSet::new();
    for (i, c) in input::in_id_order(&checked, |c| c.order.mis_id) {
        let patient_id = patients::id_of(&mut unit.tx, c.patient)
            .await?
            .ok_or_else(|| {
                ApiError::invalid(
                    format!("lab_results[{i}].patient_id"),
                    "no patient has this id",
                )
            })?;
        let order = NewLabOrder {
            patient_id,
            pdf: c
                .pdf
                .as_ref()
                .map(|(pdf, sha)| (pdf.as_slice(), sha.as_str())),
            content_sha256: &c.content_sha256,
            ..c.order.clone()
        };
        match results::upsert_order(&mut unit.tx, &order, unit.now).await? {
            OrderWritten::Unchanged => {}
            OrderWritten::Changed { became_ready } => {
                changed += 1;
                if became_ready {
                    told.insert(patient_id);
                }
            }
        }
    }
    for patient_id in told {
        tell_results_ready(&state, &mut unit, patient_id).await?;
    }
    finish(unit, "lab results", checked.len(), changed).await
}

/// Tells the patient results are ready: a mail with no medical detail to
/// the agreement's e-mail (unless they turned notices off), and the news
/// to their open pages.
async fn tell_results_ready(
    state: &AppState,
    unit: &mut WriteUnit,
    patient_id: i64,
) -> Result<(), ApiError> {
    if let Some(target) = accounts::status_mail_target(&mut unit.tx, patient_id).await? {
        if let Some(email) = target.agreement_email.filter(|_| target.status_mail) {
            let message = app::mail::results_ready_message(
                app::mail::locale_of(&target.locale),
                &target.address_as,
                &state.server.mail.public_url,
                &state.server.clinic,
            );
            unit.mail(&email, &message).await?;
        }
    }
    unit.notify(RequestEvent {
        patient_id,
        number: String::new(),
        status: RESULTS_READY.to_owned(),
    })
    .await?;
    Ok(())
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudiesBatch {
    pub studies: Vec<StudyIn>,
}

/// A radiology study, and whether its report is ready.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StudyIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "S-301")]
    pub id: String,
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub patient_id: String,
    /// The clinic's code in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub clinic_id: String,
    #[schema(format = Date)]
    pub performed_on: String,
    #[schema(max_length = 100, example = "МРТ")]
    pub modality: String,
    #[schema(max_length = 200, example = "Коленный сустав")]
    pub area: String,
    pub report_ready: bool,
}

/// Radiology studies: done, and whether the report is ready to ask for.
#[utoipa::path(put, path = "/api/v1/studies", request_body = StudiesBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_studies(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<StudiesBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("studies", &body.studies, |s| s.id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, s) in items.iter().enumerate() {
        let at = |field: &str| format!("studies[{i}].{field}");
        checked.push((
            mis_id(&at("id"), &s.id)?,
            mis_id(&at("patient_id"), &s.patient_id)?,
            mis_id(&at("clinic_id"), &s.clinic_id)?,
            input::date(&at("performed_on"), &s.performed_on)?,
            text(&at("modality"), &s.modality, 100, false)?,
            text(&at("area"), &s.area, 200, false)?,
            s.report_ready,
        ));
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (i, (id, patient, clinic, performed_on, modality, area, report_ready)) in
        input::in_id_order(&checked, |s| s.0)
    {
        let at = |field: &str| format!("studies[{i}].{field}");
        let patient_id = patients::id_of(&mut unit.tx, patient)
            .await?
            .ok_or_else(|| ApiError::invalid(at("patient_id"), "no patient has this id"))?;
        let clinic_id = clinics::id_of(&mut unit.tx, clinic)
            .await?
            .ok_or_else(|| ApiError::invalid(at("clinic_id"), "no clinic has this id"))?;
        let study = NewStudy {
            mis_id: id,
            patient_id,
            clinic_id,
            performed_on: *performed_on,
            modality,
            area,
            report_ready: *report_ready,
        };
        changed += usize::from(results::upsert_study(&mut unit.tx, &study, unit.now).await?);
    }
    finish(unit, "studies", checked.len(), changed).await
}
