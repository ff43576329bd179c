//! The request engine on the server: sending a request, the patient's
//! cancelling it, staff taking it and changing its status. Each reads and
//! writes the request, its history, its audit row and any mail in one
//! transaction, and tells the open pages once it committed.

use super::events::RequestEvent;
use super::kinds::{KindForm, RequestContent, RequestKind};
use super::{HistoryEntry, RequestDetail, RequestSummary};
use crate::auth::{PatientSession, StaffSession};
use crate::context::{internal, request_meta, ServerContext};
use crate::db::audit::{Action, Actor, Origin};
use crate::db::requests::{self, ChangedBy, HistoryRow, Inserted, NewRequest, RequestRow, Scope};
use crate::db::{accounts, drafts, routing};
use crate::domain::request::{optional_text, request_number, RequestStatus, LONG_TEXT_MAX};
use crate::domain::{FieldErrors, Problem, StaffRole};
use crate::error::AppError;
use crate::i18n::Locale;
use crate::mail::{self, locale_of, StatusChange};
use crate::write_unit::WriteUnit;
use chrono::Datelike;

/// Sends a request for `patient`; the same form (`idempotency_key`) sent
/// again returns the first one's number and creates nothing. A request
/// about something (an appointment, a study) is refused while another of
/// its kind about the same thing is open — by the database itself.
pub async fn submit(
    context: &ServerContext,
    patient: &PatientSession,
    content: &RequestContent,
    idempotency_key: &str,
    form: &str,
) -> Result<String, AppError> {
    let kind = content.kind();
    let about = content.about();
    let json = serde_json::to_string(content).map_err(internal)?;
    let mut unit = WriteUnit::begin(context, Actor::Patient(patient.patient_id)).await?;
    let now = unit.now;
    if let Some(sent) =
        requests::sent_with_key(&mut unit.tx, patient.patient_id, idempotency_key).await?
    {
        return same_form(sent, &json);
    }
    // One account does not flood a department's queue: a retried form
    // above still gets its number; a new one waits.
    let hour = chrono::Duration::hours(1);
    let (sent, first) =
        requests::sent_between(&mut unit.tx, patient.patient_id, now - hour, now).await?;
    if sent >= i64::from(context.requests_per_hour) {
        let wait = first.map_or(hour, |first| first + hour - now);
        return Err(AppError::RateLimited {
            retry_after_secs: u64::try_from(wait.num_seconds()).unwrap_or(1).max(1),
        });
    }
    let department_id = routing::department_for(&mut unit.tx, kind.as_str())
        .await?
        .ok_or_else(|| {
            internal(format_args!(
                "no department takes {} requests",
                kind.as_str()
            ))
        })?;
    let year = context.clinic.local_date(now).year();
    let number = request_number(year, requests::next_number(&mut unit.tx, year).await?);
    let inserted = requests::insert(
        &mut unit.tx,
        &NewRequest {
            number: &number,
            patient_id: patient.patient_id,
            kind: kind.as_str(),
            about: about.as_deref(),
            department_id,
            content: &json,
            idempotency_key,
        },
        now,
    )
    .await?;
    let request_id = match inserted {
        Inserted::New(id) => id,
        Inserted::AlreadyOpenAbout => return Err(AppError::form(Problem::AlreadyRequested)),
        Inserted::SameKey => {
            // The same form, sent alongside, committed first (PostgreSQL):
            // undo our number and answer with theirs.
            drop(unit);
            let mut tx = context.db.begin_write().await?;
            let sent = requests::sent_with_key(&mut tx, patient.patient_id, idempotency_key)
                .await?
                .ok_or_else(|| internal("a request with this form's key vanished"))?;
            return same_form(sent, &json);
        }
    };
    requests::add_history(
        &mut unit.tx,
        request_id,
        RequestStatus::Sent.as_str(),
        ChangedBy::Patient,
        "",
        now,
    )
    .await?;
    drafts::delete(&mut unit.tx, patient.patient_id, form).await?;
    unit.audit(Action::RequestSent, None, &number).await?;
    unit.notify(RequestEvent {
        patient_id: patient.patient_id,
        number: number.clone(),
        status: RequestStatus::Sent.as_str().to_owned(),
    })
    .await?;
    unit.commit().await?;
    Ok(number)
}

/// The form was sent before: the same content is the same request (a
/// double click, a retried call); other content under the same key is a
/// page restored from the browser's history and sent again, which must not
/// vanish into the first request.
fn same_form((number, content): (String, String), json: &str) -> Result<String, AppError> {
    if content == json {
        Ok(number)
    } else {
        Err(AppError::form(Problem::FormExpired))
    }
}

/// Sends the request of a patient's form, checked by its kind's rules
/// with what they need (`given`). A form with mistakes writes nothing (but
/// its draft, when it was posted without JavaScript); a sent one leads the
/// browser to the new request's page.
pub async fn send_form<F: KindForm>(
    context: &ServerContext,
    patient: &PatientSession,
    form: &F,
    given: &F::Given,
    idempotency_key: &str,
) -> Result<String, AppError> {
    let key = crate::domain::request::idempotency_key(idempotency_key);
    let (content, key) = match (form.parse(given), key) {
        (Ok(content), Ok(key)) => (content.into(), key),
        (parsed, key) => {
            let mut errors = parsed.err().unwrap_or_default();
            if let Err(problem) = key {
                errors.add(crate::domain::FORM, problem);
            }
            keep_draft(context, patient, F::NAME, form).await?;
            return Err(errors.into());
        }
    };
    let number = submit(context, patient, &content, &key, F::NAME).await?;
    crate::context::redirect_plain_form(
        &request_meta(),
        &format!("{}?sent=1", super::request_path(&number)),
    );
    Ok(number)
}

/// Saves what was typed into a form posted without JavaScript that came
/// back with a mistake, so the page shows it again.
async fn keep_draft<T: serde::Serialize>(
    context: &ServerContext,
    patient: &PatientSession,
    form: &str,
    fields: &T,
) -> Result<(), AppError> {
    if !request_meta().accepts_html {
        return Ok(());
    }
    let json = serde_json::to_string(fields).map_err(internal)?;
    let now = context.clock.now();
    drafts::save(
        &context.db,
        patient.patient_id,
        form,
        &json,
        now,
        now - DRAFT_KEPT,
    )
    .await?;
    Ok(())
}

/// How long a draft waits for the page it goes back to.
const DRAFT_KEPT: chrono::Duration = chrono::Duration::hours(1);

/// The draft of `form`, if the patient's last plain post of it failed —
/// handed out once: what the patient typed is kept no longer than needed.
pub async fn draft(
    context: &ServerContext,
    patient: &PatientSession,
    form: &str,
) -> Result<Option<std::collections::HashMap<String, String>>, AppError> {
    let since = context.clock.now() - DRAFT_KEPT;
    let Some(json) = drafts::take(&context.db, patient.patient_id, form, since).await? else {
        return Ok(None);
    };
    // A draft saved by an older release may not parse any more: the form
    // starts empty, and the log says why what was typed is gone.
    match serde_json::from_str(&json) {
        Ok(draft) => Ok(Some(draft)),
        Err(error) => {
            let request_id = crate::context::request_meta().request_id;
            tracing::warn!(%request_id, form, %error, "a draft that no longer parses was dropped");
            Ok(None)
        }
    }
}

fn status_of(row: &RequestRow) -> Result<RequestStatus, AppError> {
    read_status(&row.number, &row.status)
}

fn kind_of(row: &RequestRow) -> Result<RequestKind, AppError> {
    read_kind(&row.number, &row.kind)
}

fn content_of(row: &RequestRow) -> Result<RequestContent, AppError> {
    read_content(&row.number, &row.content)
}

/// A stored kind, status or content read back: what no longer parses is
/// an internal error (logged with the request's number), never a guess.
pub fn read_kind(number: &str, kind: &str) -> Result<RequestKind, AppError> {
    RequestKind::parse(kind)
        .ok_or_else(|| internal(format_args!("request {number} has kind {kind}")))
}

/// See [`read_kind`].
pub fn read_status(number: &str, status: &str) -> Result<RequestStatus, AppError> {
    RequestStatus::parse(status)
        .ok_or_else(|| internal(format_args!("request {number} has status {status}")))
}

/// See [`read_kind`].
pub fn read_content(number: &str, content: &str) -> Result<RequestContent, AppError> {
    serde_json::from_str(content)
        .map_err(|e| internal(format_args!("request {number} content: {e}")))
}

/// The list line of a request, in `locale` (the request's language: the
/// caller resolves it once for the whole list).
pub fn summary(
    context: &ServerContext,
    row: &RequestRow,
    locale: Locale,
) -> Result<RequestSummary, AppError> {
    Ok(RequestSummary {
        number: row.number.clone(),
        kind: kind_of(row)?,
        status: status_of(row)?,
        summary: content_of(row)?.summary(locale),
        sent: context.clinic.local_time(row.created_at, locale),
    })
}

/// A request in full, with its history.
pub async fn detail(context: &ServerContext, row: &RequestRow) -> Result<RequestDetail, AppError> {
    let history = requests::history(&context.db, row.id).await?;
    let status = status_of(row)?;
    let locale = crate::context::request_locale();
    Ok(RequestDetail {
        number: row.number.clone(),
        kind: kind_of(row)?,
        status,
        content: content_of(row)?,
        department: row.department_name.clone(),
        sent: context.clinic.local_time(row.created_at, locale),
        history: history
            .into_iter()
            .map(|entry: HistoryRow| {
                Ok(HistoryEntry {
                    status: RequestStatus::parse(&entry.status).ok_or_else(|| {
                        internal(format_args!(
                            "request {} has a history status {}",
                            row.number, entry.status
                        ))
                    })?,
                    at: context.clinic.local_time(entry.at, locale),
                    staff_name: entry.staff_name,
                    mis_client: entry.mis_client_name,
                    comment: entry.comment,
                })
            })
            .collect::<Result<_, AppError>>()?,
        patient_may_cancel: status.patient_may_cancel(),
        assigned_to: row.assigned_name.clone(),
        attachments: super::attachments::list(context, row.id).await?,
    })
}

/// The patient cancels their own request, before work on it began.
pub async fn cancel(
    context: &ServerContext,
    patient: &PatientSession,
    number: &str,
) -> Result<(), AppError> {
    let mut unit = WriteUnit::begin(context, Actor::Patient(patient.patient_id)).await?;
    let row = requests::of_patient_for_update(&mut unit.tx, patient.patient_id, number)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = status_of(&row)?;
    if !status.patient_may_cancel()
        || !requests::set_status(
            &mut unit.tx,
            row.id,
            status.as_str(),
            RequestStatus::Cancelled.as_str(),
            unit.now,
        )
        .await?
    {
        return Err(AppError::form(Problem::NotCancellable));
    }
    requests::add_history(
        &mut unit.tx,
        row.id,
        RequestStatus::Cancelled.as_str(),
        ChangedBy::Patient,
        "",
        unit.now,
    )
    .await?;
    unit.audit(Action::RequestCancelled, None, number).await?;
    unit.notify(RequestEvent {
        patient_id: patient.patient_id,
        number: number.to_owned(),
        status: RequestStatus::Cancelled.as_str().to_owned(),
    })
    .await?;
    unit.commit().await
}

/// Which requests this staff member works on: an admin every department,
/// an operator their own.
pub fn scope_of(staff: &StaffSession) -> Scope {
    if staff.has(StaffRole::Admin) {
        Scope::All
    } else {
        Scope::DepartmentsOf(staff.staff_id)
    }
}

/// Who moves a request on.
#[derive(Clone, Copy, Debug)]
pub enum Mover<'a> {
    /// A staff member, within the departments they work for.
    Staff(&'a StaffSession),
    /// A client of the integration API, doing the operators' job: any
    /// department.
    Mis(i64),
}

impl Mover<'_> {
    pub(crate) fn actor(self) -> Actor {
        match self {
            Mover::Staff(staff) => Actor::Staff(staff.staff_id),
            Mover::Mis(client) => Actor::Mis(client),
        }
    }

    fn changed_by(self) -> ChangedBy {
        match self {
            Mover::Staff(staff) => ChangedBy::Staff(staff.staff_id),
            Mover::Mis(client) => ChangedBy::Mis(client),
        }
    }

    pub(crate) fn scope(self) -> Scope {
        match self {
            Mover::Staff(staff) => scope_of(staff),
            Mover::Mis(_) => Scope::All,
        }
    }
}

/// Staff move a request on, with an optional comment to the patient (a
/// rejection must say why). The patient is e-mailed unless they opted out.
pub async fn change_status(
    context: &ServerContext,
    staff: &StaffSession,
    number: &str,
    to: &str,
    comment: &str,
) -> Result<(), AppError> {
    let origin = request_meta().origin();
    move_request(context, Mover::Staff(staff), origin, number, to, comment).await
}

/// Moves a request on, asked from `origin`: the rules of [`change_status`]
/// for staff and the MIS alike.
pub async fn move_request(
    context: &ServerContext,
    mover: Mover<'_>,
    origin: Origin,
    number: &str,
    to: &str,
    comment: &str,
) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    let to = errors.check(
        "status",
        match to.trim() {
            "" => Err(Problem::Required),
            text => RequestStatus::parse(text).ok_or(Problem::ChoiceInvalid),
        },
    );
    let comment = errors
        .check("comment", optional_text(comment, LONG_TEXT_MAX))
        .map(Option::unwrap_or_default);
    if to == Some(RequestStatus::Rejected) && comment.as_deref() == Some("") {
        errors.add("comment", Problem::ReasonForRejectionRequired);
    }
    errors.into_result()?;
    let (Some(to), Some(comment)) = (to, comment) else {
        return Err(internal("checked fields missing"));
    };

    let mut unit = WriteUnit::begin_from(context, mover.actor(), origin).await?;
    let row = requests::in_scope_for_update(&mut unit.tx, mover.scope(), number)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = status_of(&row)?;
    if !from.staff_may_set(to)
        || !requests::set_status(&mut unit.tx, row.id, from.as_str(), to.as_str(), unit.now).await?
    {
        return Err(AppError::field("status", Problem::StatusChangeNotAllowed));
    }
    requests::add_history(
        &mut unit.tx,
        row.id,
        to.as_str(),
        mover.changed_by(),
        &comment,
        unit.now,
    )
    .await?;
    let detail = format!("{number}: {}", to.as_str());
    unit.audit(Action::RequestStatusChanged, Some(row.patient_id), &detail)
        .await?;
    match finished_document(&row, to)? {
        Some(document) => queue_document_mail(context, &mut unit, &row, &document).await?,
        None => queue_status_mail(context, &mut unit, &row, to, &comment).await?,
    }
    unit.notify(RequestEvent {
        patient_id: row.patient_id,
        number: number.to_owned(),
        status: to.as_str().to_owned(),
    })
    .await?;
    unit.commit().await
}

/// A document a request delivers once it is done: how it reaches the
/// patient, what it is, and where it waits when picked up.
struct Deliverable {
    delivery: super::kinds::document::DocumentDelivery,
    document: DocumentName,
    clinic: Option<super::kinds::ClinicChoice>,
}

/// What a delivered document is called in the mail.
enum DocumentName {
    Document(super::kinds::document::DocumentType),
    RadiologyReport,
}

impl DocumentName {
    fn label(&self, locale: crate::i18n::Locale) -> &'static str {
        match self {
            DocumentName::Document(document) => document.label(locale),
            DocumentName::RadiologyReport => RequestKind::RadiologyReport.label(locale),
        }
    }
}

/// The document request `row` delivers, when it is being marked done: a
/// request for documents, or for a radiology report (which goes to the
/// agreement's e-mail only).
fn finished_document(row: &RequestRow, to: RequestStatus) -> Result<Option<Deliverable>, AppError> {
    use super::kinds::document::{DocumentContent, DocumentDelivery};
    if to != RequestStatus::Done {
        return Ok(None);
    }
    Ok(match content_of(row)? {
        RequestContent::Document(DocumentContent::V2(request)) => Some(Deliverable {
            delivery: request.delivery,
            document: DocumentName::Document(request.wanted.document_type()),
            clinic: request.clinic,
        }),
        RequestContent::RadiologyReport(_) => Some(Deliverable {
            delivery: DocumentDelivery::Email,
            document: DocumentName::RadiologyReport,
            clinic: None,
        }),
        _ => None,
    })
}

/// Tells the patient a document is ready: mailed to the agreement's
/// e-mail with the attached files when it goes by e-mail (so it is sent
/// whether or not they take status mail, and a request with nothing
/// attached cannot be marked done); else where and from when to pick it
/// up, as status mail is sent.
async fn queue_document_mail(
    context: &ServerContext,
    unit: &mut WriteUnit,
    row: &RequestRow,
    request: &Deliverable,
) -> Result<(), AppError> {
    use super::kinds::document::DocumentDelivery;
    use crate::mail::DocumentReady;
    let files: Vec<i64> = crate::db::attachments::of_request(&context.db, row.id)
        .await?
        .into_iter()
        .map(|file| file.id)
        .collect();
    if request.delivery == DocumentDelivery::Email && files.is_empty() {
        return Err(AppError::field("status", Problem::DocumentNotAttached));
    }
    let Some(target) = accounts::status_mail_target(&mut unit.tx, row.patient_id).await? else {
        return Ok(());
    };
    let locale = locale_of(&target.locale);
    let Some(email) = target.agreement_email else {
        return Ok(());
    };
    let from = crate::domain::request::day_text(context.clinic.local_date(unit.now), locale);
    let clinic = match &request.clinic {
        Some(choice) => crate::db::clinics::all(&context.db)
            .await?
            .into_iter()
            .find(|c| c.code == choice.code),
        None => None,
    };
    let (ready, carried) = match request.delivery {
        DocumentDelivery::Email => (DocumentReady::Attached, files.as_slice()),
        DocumentDelivery::InClinic if target.status_mail => (
            DocumentReady::PickUp {
                clinic: clinic.as_ref().map_or("", |c| c.name.as_str()),
                address: clinic.as_ref().map_or("", |c| c.address.as_str()),
                from: &from,
            },
            &[][..],
        ),
        DocumentDelivery::InClinic => return Ok(()),
    };
    let message = mail::document_ready_message(
        locale,
        &target.address_as,
        &row.number,
        request.document.label(locale),
        &ready,
        &context.mail.public_url,
        &context.clinic,
    );
    unit.mail_with_files(&email, &message, carried).await
}

/// Queues the status mail to the agreement's e-mail — the one address
/// personal data may go to — unless the patient opted out.
async fn queue_status_mail(
    context: &ServerContext,
    unit: &mut WriteUnit,
    row: &RequestRow,
    to: RequestStatus,
    comment: &str,
) -> Result<(), AppError> {
    let Some(target) = accounts::status_mail_target(&mut unit.tx, row.patient_id).await? else {
        return Ok(());
    };
    let Some(email) = target.agreement_email.filter(|_| target.status_mail) else {
        return Ok(());
    };
    let message = mail::request_status_message(
        locale_of(&target.locale),
        &target.address_as,
        &StatusChange {
            number: &row.number,
            kind: kind_of(row)?,
            status: to,
            comment,
        },
        &context.mail.public_url,
        &context.clinic,
    );
    unit.mail(&email, &message).await
}

/// «Взять в работу»: the request is now this staff member's — unless it is
/// closed, or a colleague has it (they would not know it was taken over).
pub async fn take(
    context: &ServerContext,
    staff: &StaffSession,
    number: &str,
) -> Result<(), AppError> {
    let mut unit = WriteUnit::begin(context, Actor::Staff(staff.staff_id)).await?;
    let row = requests::in_scope_for_update(&mut unit.tx, scope_of(staff), number)
        .await?
        .ok_or(AppError::NotFound)?;
    if status_of(&row)?.is_final()
        || row
            .assigned_staff_id
            .is_some_and(|other| other != staff.staff_id)
    {
        return Err(AppError::form(Problem::CannotTake));
    }
    requests::assign(&mut unit.tx, row.id, staff.staff_id, unit.now).await?;
    unit.audit(Action::RequestAssigned, Some(row.patient_id), number)
        .await?;
    unit.commit().await
}
