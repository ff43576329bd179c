//! What the MIS pushes: patients with their agreements, clinics, doctors,
//! appointments and referrals, keyed by the MIS's ids — and what it
//! withdraws. Each call is one transaction: all of a batch is written, or
//! none of it. The same record sent again changes nothing.

use super::error::{ApiError, ErrorBody};
use super::guard::{MisClient, StrictJson};
use super::input::{self, batch, mis_id, text};
use crate::startup::AppState;
use app::db::appointments::{self, NewAppointment};
use app::db::audit::{Action, Actor};
use app::db::clinics::{self, NewClinic};
use app::db::doctors::{self, NewDoctor};
use app::db::patients::{self, AgreementWritten, NewPatient, NewServiceAgreement};
use app::db::referrals::{self, NewReferral};
use app::write_unit::WriteUnit;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoResponses, ToSchema};

/// What a push did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PushResult {
    /// Records in the batch.
    pub received: usize,
    /// Records written: new, or different from what was stored.
    pub changed: usize,
}

/// What every push may answer: the answers of the OpenAPI document, not
/// a type the handlers return (they return [`PushResult`] or
/// [`ApiError`]).
#[derive(IntoResponses)]
#[allow(dead_code)] // read by utoipa's derive only
pub enum PushAnswers {
    /// Written.
    #[response(status = 200)]
    Written(PushResult),
    /// No valid token.
    #[response(status = 401)]
    Unauthorized(ErrorBody),
    /// Sent by a browser.
    #[response(status = 403)]
    BrowserRefused(ErrorBody),
    /// An agreement number that is another patient's.
    #[response(status = 409)]
    Conflict(ErrorBody),
    /// The body is larger than any call takes.
    #[response(status = 413)]
    TooLarge(ErrorBody),
    /// The body is not JSON.
    #[response(status = 415)]
    NotJson(ErrorBody),
    /// Invalid input, or a reference to a patient, doctor or clinic the
    /// cabinet does not know; `field` names it.
    #[response(status = 422)]
    Invalid(ErrorBody),
}

/// Begins the push's one transaction, as the client.
pub(super) async fn begin(state: &AppState, client: &MisClient) -> Result<WriteUnit, ApiError> {
    Ok(WriteUnit::begin_from(&state.server, Actor::Mis(client.id), client.origin.clone()).await?)
}

/// Records what the push did, commits, and answers.
pub(super) async fn finish(
    mut unit: WriteUnit,
    what: &str,
    received: usize,
    changed: usize,
) -> Result<Json<PushResult>, ApiError> {
    let detail = format!("{what}: {changed} of {received} changed");
    unit.audit(Action::MisDataPushed, None, &detail).await?;
    unit.commit().await?;
    Ok(Json(PushResult { received, changed }))
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientsBatch {
    pub patients: Vec<PatientIn>,
}

/// A patient as the MIS knows them.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientIn {
    /// The patient's id in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$", example = "MIS-100001")]
    pub id: String,
    #[schema(max_length = 200, example = "Смирнова Анна Сергеевна")]
    pub full_name: String,
    #[schema(format = Date, example = "1984-03-15")]
    pub birth_date: String,
    /// Their service agreements («дополнительные соглашения»), by number:
    /// where documents may be e-mailed and SMS notices sent.
    #[serde(default)]
    #[schema(max_items = 20)]
    pub agreements: Vec<AgreementIn>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreementIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "ДС-2024-0117")]
    pub number: String,
    #[schema(format = Date)]
    pub signed_on: String,
    /// None when the agreement names no e-mail.
    #[serde(default)]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(example = "+79161234567")]
    pub sms_phone: String,
}

/// Patients and their service agreements.
#[utoipa::path(put, path = "/api/v1/patients", request_body = PatientsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_patients(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<PatientsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let today = state.clinic.local_date(state.server.clock.now());
    let items = batch("patients", &body.patients, |p| p.id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, p) in items.iter().enumerate() {
        let at = |field: &str| format!("patients[{i}].{field}");
        let birth_date = input::date(&at("birth_date"), &p.birth_date)?;
        if birth_date > today {
            return Err(ApiError::invalid(at("birth_date"), "is in the future"));
        }
        let mut agreements = Vec::with_capacity(p.agreements.len());
        if p.agreements.len() > 20 {
            return Err(ApiError::invalid(at("agreements"), "at most 20 agreements"));
        }
        for (j, a) in p.agreements.iter().enumerate() {
            let at = |field: &str| format!("patients[{i}].agreements[{j}].{field}");
            let email = match a.email.as_deref() {
                None | Some("") => String::new(),
                Some(email) => app::domain::Email::parse(email)
                    .map_err(|_| ApiError::invalid(at("email"), "not an e-mail address"))?
                    .as_str()
                    .to_owned(),
            };
            agreements.push((
                text(&at("number"), &a.number, 64, false)?,
                input::date(&at("signed_on"), &a.signed_on)?,
                email,
                app::domain::patient::phone(&a.sms_phone)
                    .map_err(|_| ApiError::invalid(at("sms_phone"), "not a phone number"))?,
            ));
        }
        checked.push((
            mis_id(&at("id"), &p.id)?,
            text(&at("full_name"), &p.full_name, 200, false)?,
            birth_date,
            agreements,
        ));
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (i, (id, full_name, birth_date, agreements)) in input::in_id_order(&checked, |c| c.0) {
        let new = NewPatient {
            mis_patient_id: id,
            full_name,
            birth_date: *birth_date,
        };
        let (patient_id, patient_changed) = patients::upsert(&mut unit.tx, &new, unit.now).await?;
        let mut any = patient_changed;
        for (j, (number, signed_on, email, sms_phone)) in agreements.iter().enumerate() {
            let agreement = NewServiceAgreement {
                patient_id,
                number,
                signed_on: *signed_on,
                email,
                sms_phone,
            };
            match patients::upsert_agreement(&mut unit.tx, &agreement, unit.now).await? {
                AgreementWritten::Changed => any = true,
                AgreementWritten::Unchanged => {}
                AgreementWritten::OtherPatients => {
                    return Err(ApiError::conflict(
                        format!("patients[{i}].agreements[{j}].number"),
                        "this agreement number is another patient's",
                    ))
                }
            }
        }
        changed += usize::from(any);
    }
    finish(unit, "patients", checked.len(), changed).await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicsBatch {
    pub clinics: Vec<ClinicIn>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClinicIn {
    /// The clinic's code in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$", example = "spir")]
    pub id: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(max_length = 300)]
    pub address: String,
    #[serde(default)]
    pub phone: Option<String>,
}

/// Clinics: where visits happen.
#[utoipa::path(put, path = "/api/v1/clinics", request_body = ClinicsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_clinics(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<ClinicsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("clinics", &body.clinics, |c| c.id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, c) in items.iter().enumerate() {
        let at = |field: &str| format!("clinics[{i}].{field}");
        checked.push(NewClinic {
            code: mis_id(&at("id"), &c.id)?,
            name: text(&at("name"), &c.name, 200, false)?,
            address: text(&at("address"), &c.address, 300, false)?,
            phone: match c.phone.as_deref() {
                None | Some("") => "",
                Some(phone) => text(&at("phone"), phone, 40, false)?,
            },
        });
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (_, clinic) in input::in_id_order(&checked, |c| c.code) {
        changed += usize::from(clinics::upsert(&mut unit.tx, clinic, unit.now).await?);
    }
    finish(unit, "clinics", checked.len(), changed).await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorsBatch {
    pub doctors: Vec<DoctorIn>,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DoctorIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "D-17")]
    pub id: String,
    #[schema(max_length = 200, example = "Петров Пётр Петрович")]
    pub full_name: String,
    #[schema(max_length = 200, example = "Кардиолог")]
    pub specialty: String,
}

/// Doctors: who sees patients and issues referrals.
#[utoipa::path(put, path = "/api/v1/doctors", request_body = DoctorsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_doctors(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<DoctorsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("doctors", &body.doctors, |d| d.id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, d) in items.iter().enumerate() {
        let at = |field: &str| format!("doctors[{i}].{field}");
        checked.push(NewDoctor {
            mis_id: mis_id(&at("id"), &d.id)?,
            full_name: text(&at("full_name"), &d.full_name, 200, false)?,
            specialty: text(&at("specialty"), &d.specialty, 200, false)?,
        });
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (_, doctor) in input::in_id_order(&checked, |d| d.mis_id) {
        changed += usize::from(doctors::upsert(&mut unit.tx, doctor, unit.now).await?);
    }
    finish(unit, "doctors", checked.len(), changed).await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentsBatch {
    pub appointments: Vec<AppointmentIn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    Done,
}

impl AppointmentStatus {
    fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
            AppointmentStatus::Done => "done",
        }
    }
}

/// The preparation memo: text, or a PDF in base64.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MemoIn {
    /// At most 20,000 characters.
    Text(String),
    PdfBase64(String),
}

/// A visit or study booked in the MIS: with a doctor, or of a study type.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "A-5001")]
    pub id: String,
    /// The patient's id in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub patient_id: String,
    /// The doctor's id in the MIS; or else `study_type`.
    #[serde(default)]
    pub doctor_id: Option<String>,
    #[serde(default)]
    #[schema(max_length = 200, example = "МРТ коленного сустава")]
    pub study_type: Option<String>,
    #[schema(max_length = 200, example = "Первичный приём")]
    pub visit_type: String,
    /// The clinic's code in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub clinic_id: String,
    #[schema(format = DateTime, example = "2026-12-05T10:30:00+03:00")]
    pub starts_at: String,
    #[schema(minimum = 1, maximum = 1440)]
    pub duration_minutes: i64,
    pub status: AppointmentStatus,
    #[serde(default)]
    pub memo: Option<MemoIn>,
}

/// A checked appointment, its references still MIS ids.
struct CheckedAppointment<'a> {
    id: &'a str,
    patient: &'a str,
    doctor: Option<&'a str>,
    study_type: Option<&'a str>,
    visit_type: &'a str,
    clinic: &'a str,
    starts_at: chrono::DateTime<chrono::Utc>,
    duration_minutes: i32,
    status: AppointmentStatus,
    memo_text: Option<&'a str>,
    memo_pdf: Option<(Vec<u8>, String)>,
}

fn check_appointment(i: usize, a: &AppointmentIn) -> Result<CheckedAppointment<'_>, ApiError> {
    let at = |field: &str| format!("appointments[{i}].{field}");
    let doctor = a
        .doctor_id
        .as_deref()
        .map(|d| mis_id(&at("doctor_id"), d))
        .transpose()?;
    let study_type = a
        .study_type
        .as_deref()
        .map(|s| text(&at("study_type"), s, 200, false))
        .transpose()?;
    if doctor.is_some() == study_type.is_some() {
        return Err(ApiError::invalid(
            at("doctor_id"),
            "give either doctor_id or study_type",
        ));
    }
    let (memo_text, memo_pdf) = match &a.memo {
        None => (None, None),
        Some(MemoIn::Text(memo)) => (Some(text(&at("memo.text"), memo, 20_000, true)?), None),
        Some(MemoIn::PdfBase64(encoded)) => (
            None,
            Some(input::pdf_base64(&at("memo.pdf_base64"), encoded)?),
        ),
    };
    Ok(CheckedAppointment {
        id: mis_id(&at("id"), &a.id)?,
        patient: mis_id(&at("patient_id"), &a.patient_id)?,
        doctor,
        study_type,
        visit_type: text(&at("visit_type"), &a.visit_type, 200, false)?,
        clinic: mis_id(&at("clinic_id"), &a.clinic_id)?,
        starts_at: input::instant(&at("starts_at"), &a.starts_at)?,
        duration_minutes: i32::try_from(input::number_in(
            &at("duration_minutes"),
            a.duration_minutes,
            1..=1440,
        )?)
        .unwrap_or(1),
        status: a.status,
        memo_text,
        memo_pdf,
    })
}

/// Appointments: visits and studies, with their status and memo.
#[utoipa::path(put, path = "/api/v1/appointments", request_body = AppointmentsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_appointments(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<AppointmentsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("appointments", &body.appointments, |a| a.id.as_str())?;
    let checked = items
        .iter()
        .enumerate()
        .map(|(i, a)| check_appointment(i, a))
        .collect::<Result<Vec<_>, _>>()?;
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (i, a) in input::in_id_order(&checked, |a| a.id) {
        let at = |field: &str| format!("appointments[{i}].{field}");
        let patient_id = patients::id_of(&mut unit.tx, a.patient)
            .await?
            .ok_or_else(|| ApiError::invalid(at("patient_id"), "no patient has this id"))?;
        let clinic_id = clinics::id_of(&mut unit.tx, a.clinic)
            .await?
            .ok_or_else(|| ApiError::invalid(at("clinic_id"), "no clinic has this id"))?;
        let doctor_id = match a.doctor {
            None => None,
            Some(doctor) => Some(
                doctors::id_of(&mut unit.tx, doctor)
                    .await?
                    .ok_or_else(|| ApiError::invalid(at("doctor_id"), "no doctor has this id"))?,
            ),
        };
        let new = NewAppointment {
            mis_id: a.id,
            patient_id,
            doctor_id,
            study_type: a.study_type,
            visit_type: a.visit_type,
            clinic_id,
            starts_at: a.starts_at,
            duration_minutes: a.duration_minutes,
            status: a.status.as_str(),
            memo_text: a.memo_text,
            memo_pdf: a
                .memo_pdf
                .as_ref()
                .map(|(pdf, sha)| (pdf.as_slice(), sha.as_str())),
        };
        changed += usize::from(appointments::upsert(&mut unit.tx, &new, unit.now).await?);
    }
    finish(unit, "appointments", checked.len(), changed).await
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralsBatch {
    pub referrals: Vec<ReferralIn>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralKind {
    Consultation,
    Study,
    LabTest,
}

impl ReferralKind {
    fn as_str(self) -> &'static str {
        match self {
            ReferralKind::Consultation => "consultation",
            ReferralKind::Study => "study",
            ReferralKind::LabTest => "lab_test",
        }
    }
}

/// A referral a doctor issued.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralIn {
    #[schema(pattern = "^[!-~]{1,64}$", example = "R-9001")]
    pub id: String,
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub patient_id: String,
    /// The issuing doctor's id in the MIS.
    #[schema(pattern = "^[!-~]{1,64}$")]
    pub doctor_id: String,
    pub kind: ReferralKind,
    #[schema(max_length = 300, example = "Консультация кардиолога")]
    pub service: String,
    #[schema(format = Date)]
    pub issued_on: String,
    #[schema(format = Date)]
    pub valid_until: String,
    pub used: bool,
}

/// Referrals: issued, valid until, used or not.
#[utoipa::path(put, path = "/api/v1/referrals", request_body = ReferralsBatch,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn put_referrals(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<ReferralsBatch>,
) -> Result<Json<PushResult>, ApiError> {
    let items = batch("referrals", &body.referrals, |r| r.id.as_str())?;
    let mut checked = Vec::with_capacity(items.len());
    for (i, r) in items.iter().enumerate() {
        let at = |field: &str| format!("referrals[{i}].{field}");
        let issued_on = input::date(&at("issued_on"), &r.issued_on)?;
        let valid_until = input::date(&at("valid_until"), &r.valid_until)?;
        if valid_until < issued_on {
            return Err(ApiError::invalid(at("valid_until"), "is before issued_on"));
        }
        checked.push((
            mis_id(&at("id"), &r.id)?,
            mis_id(&at("patient_id"), &r.patient_id)?,
            mis_id(&at("doctor_id"), &r.doctor_id)?,
            r.kind,
            text(&at("service"), &r.service, 300, false)?,
            issued_on,
            valid_until,
            r.used,
        ));
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (i, (id, patient, doctor, kind, service, issued_on, valid_until, used)) in
        input::in_id_order(&checked, |r| r.0)
    {
        let at = |field: &str| format!("referrals[{i}].{field}");
        let patient_id = patients::id_of(&mut unit.tx, patient)
            .await?
            .ok_or_else(|| ApiError::invalid(at("patient_id"), "no patient has this id"))?;
        let doctor_id = doctors::id_of(&mut unit.tx, doctor)
            .await?
            .ok_or_else(|| ApiError::invalid(at("doctor_id"), "no doctor has this id"))?;
        let new = NewReferral {
            mis_id: id,
            patient_id,
            doctor_id,
            kind: kind.as_str(),
            service,
            issued_on: *issued_on,
            valid_until: *valid_until,
            used: *used,
        };
        changed += usize::from(referrals::upsert(&mut unit.tx, &new, unit.now).await?);
    }
    finish(unit, "referrals", checked.len(), changed).await
}

/// What the MIS withdraws: appointments, referrals, lab results and
/// studies, by id. An id the
/// cabinet does not have is no error (it may have been withdrawn before).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawals {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub appointments: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub referrals: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub lab_results: Vec<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub studies: Vec<String>,
}

/// Withdraws appointments, referrals, lab results and studies the MIS no
/// longer has.
#[utoipa::path(post, path = "/api/v1/withdrawals", request_body = Withdrawals,
    responses(PushAnswers),
    security(("bearer" = [])))]
pub async fn withdraw(
    State(state): State<AppState>,
    client: MisClient,
    StrictJson(body): StrictJson<Withdrawals>,
) -> Result<Json<PushResult>, ApiError> {
    for (path, ids) in [
        ("appointments", &body.appointments),
        ("referrals", &body.referrals),
        ("lab_results", &body.lab_results),
        ("studies", &body.studies),
    ] {
        if ids.len() > input::BATCH_MAX {
            return Err(ApiError::invalid(
                path,
                format!("at most {} ids", input::BATCH_MAX),
            ));
        }
        for (i, id) in ids.iter().enumerate() {
            mis_id(&format!("{path}[{i}]"), id)?;
        }
    }
    let mut unit = begin(&state, &client).await?;
    let mut changed = 0;
    for (_, id) in input::in_id_order(&body.appointments, |id| id.as_str()) {
        changed += usize::from(appointments::delete(&mut unit.tx, id).await?);
    }
    for (_, id) in input::in_id_order(&body.referrals, |id| id.as_str()) {
        changed += usize::from(referrals::delete(&mut unit.tx, id).await?);
    }
    for (_, id) in input::in_id_order(&body.lab_results, |id| id.as_str()) {
        changed += usize::from(app::db::results::delete_order(&mut unit.tx, id).await?);
    }
    for (_, id) in input::in_id_order(&body.studies, |id| id.as_str()) {
        changed += usize::from(app::db::results::delete_study(&mut unit.tx, id).await?);
    }
    let received = body.appointments.len()
        + body.referrals.len()
        + body.lab_results.len()
        + body.studies.len();
    finish(unit, "withdrawals", received, changed).await
}
