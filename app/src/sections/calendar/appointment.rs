//! `/calendar/:id`: one appointment — with whom, what visit, when (in the
//! clinic's time), where; its preparation memo to read and download;
//! «Добавить в календарь» (an `.ics` of it); the requests already sent
//! about it; and «Отменить запись» / «Изменить запись» while it is booked
//! and ahead. Each form sends a request (at most one open of each kind per
//! appointment) that an operator or the MIS handles.

use super::{AppointmentStatus, AppointmentView};
use crate::domain::request::{day_text, LONG_TEXT_MAX};
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, EnhancedForm, Field, RequestFormHead, SelectField, SubmitButton,
    TextArea, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::kinds::cancel_appointment::CancelAppointmentForm;
use crate::requests::kinds::change_appointment::ChangeAppointmentForm;
use crate::requests::kinds::{KindForm, TimeOfDay};
use crate::requests::{form_start, FormStart, RequestList, RequestSummary};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// An appointment and the requests sent about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentDetail {
    pub appointment: AppointmentView,
    pub requests: Vec<RequestSummary>,
    /// The days a new date may be asked for (`yyyy-mm-dd`).
    pub first_day: String,
    pub last_day: String,
}

#[server(endpoint = "calendar/appointment")]
pub async fn my_appointment(id: String) -> Result<AppointmentDetail, AppError> {
    crate::context::reply(server::my_appointment(id).await)
}

/// «Отменить запись»: the new request's number.
#[server(endpoint = "calendar/cancel")]
pub async fn send_cancel_appointment(
    idempotency_key: String,
    #[server(flatten)] form: CancelAppointmentForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send(idempotency_key, form).await)
}

/// «Изменить запись»: the new request's number.
#[server(endpoint = "calendar/change")]
pub async fn send_change_appointment(
    idempotency_key: String,
    #[server(flatten)] form: ChangeAppointmentForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppointmentDetail;
    use crate::context::{current_patient, refuse_patient, server_context, ServerContext};
    use crate::db::{appointments, requests};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::booking::BOOKING_HORIZON_DAYS;
    use crate::requests::kinds::{
        AppointmentGiven, AppointmentSeen, AppointmentState, ClinicChoice, KindForm,
    };
    use crate::sections::calendar::server::view_of;
    use serde::Serialize;

    pub async fn my_appointment(id: String) -> Result<AppointmentDetail, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let Some(row) = appointments::of_patient(&context.db, patient.patient_id, &id).await?
        else {
            return Err(refuse_patient(&context, patient.patient_id, "appointment", &id).await);
        };
        let rows = requests::of_patient_about(&context.db, patient.patient_id, &id).await?;
        let today = context.clinic.local_date(context.clock.now());
        let locale = crate::context::request_locale();
        Ok(AppointmentDetail {
            appointment: view_of(&context, row)?,
            requests: rows
                .iter()
                .map(|row| engine::summary(&context, row, locale))
                .collect::<Result<_, _>>()?,
            first_day: today.format("%Y-%m-%d").to_string(),
            last_day: (today + chrono::Days::new(BOOKING_HORIZON_DAYS))
                .format("%Y-%m-%d")
                .to_string(),
        })
    }

    /// What a form about the appointment `id` is checked against.
    async fn given(
        context: &ServerContext,
        patient_id: i64,
        id: &str,
    ) -> Result<AppointmentGiven, AppError> {
        let now = context.clock.now();
        let appointment = appointments::of_patient(&context.db, patient_id, id.trim())
            .await?
            .map(|row| {
                let state = if row.status == "booked" && row.starts_at > now {
                    AppointmentState::Open
                } else {
                    AppointmentState::Closed
                };
                let seen = AppointmentSeen {
                    appointment_id: row.mis_id,
                    starts_at: context.clinic.local_naive(row.starts_at),
                    with: row.doctor_name.or(row.study_type).unwrap_or_default(),
                    clinic: Some(ClinicChoice {
                        code: row.clinic_code,
                        name: row.clinic_name,
                    }),
                };
                (seen, state)
            });
        Ok(AppointmentGiven {
            appointment,
            today: context.clinic.local_date(now),
        })
    }

    /// Sends the request of an appointment's form.
    pub async fn send<F>(idempotency_key: String, form: F) -> Result<String, AppError>
    where
        F: KindForm<Given = AppointmentGiven> + AboutAppointment + Serialize,
    {
        let context = server_context()?;
        let patient = current_patient()?;
        let given = given(&context, patient.patient_id, form.appointment_id()).await?;
        engine::send_form(&context, &patient, &form, &given, &idempotency_key).await
    }

    /// A form naming the appointment it is about.
    pub trait AboutAppointment {
        fn appointment_id(&self) -> &str;
    }

    impl AboutAppointment for crate::requests::kinds::cancel_appointment::CancelAppointmentForm {
        fn appointment_id(&self) -> &str {
            &self.appointment
        }
    }

    impl AboutAppointment for crate::requests::kinds::change_appointment::ChangeAppointmentForm {
        fn appointment_id(&self) -> &str {
            &self.appointment
        }
    }
}

#[component]
pub fn AppointmentPage() -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let detail = Resource::new(move || (), move |_| my_appointment(id.clone()));
    let cancel_start = form_start(CancelAppointmentForm::NAME);
    let change_start = form_start(ChangeAppointmentForm::NAME);
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, calendar.appointment_title))/>
        <p><a href=Section::Calendar.path()>{td_string!(locale, calendar.back)}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match (detail.await, cancel_start.await, change_start.await) {
                    (Ok(detail), Ok(cancel), Ok(change)) => view! {
                        <AppointmentCard detail=detail.clone()/>
                        {detail.appointment.open.then(|| view! {
                            <CancelForm appointment=detail.appointment.id.clone() start=cancel/>
                            <ChangeForm detail=detail.clone() start=change/>
                        })}
                    }
                    .into_any(),
                    (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                        view! { <LoadFailed error/> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

/// What the appointment is, its memo, and the requests about it.
#[component]
fn AppointmentCard(detail: AppointmentDetail) -> impl IntoView {
    let locale = use_locale();
    let a = detail.appointment;
    let with_label = if a.specialty.is_some() {
        td_string!(locale, calendar.doctor)
    } else {
        td_string!(locale, calendar.study)
    };
    let path = a.path();
    let memo_href = format!("{path}/memo");
    let ics_href = format!("{path}/event.ics");
    let status_note = match a.status {
        AppointmentStatus::Booked if !a.open => Some(td_string!(locale, calendar.started)),
        AppointmentStatus::Booked => None,
        other => Some(other.label(locale)),
    };
    view! {
        <article class="card appointment" aria-labelledby="appointment-when">
            <h2 id="appointment-when" class="request-head">
                <span>{day_text(a.day, locale)} " " {a.time.clone()}</span>
                {status_note.map(|note| view! { <span class="status">{note}</span> })}
            </h2>
            <dl class="facts">
                <dt>{with_label}</dt>
                <dd>{a.with.clone()} {a.specialty.clone().map(|s| format!(", {s}"))}</dd>
                <dt>{td_string!(locale, calendar.visit_type)}</dt>
                <dd>{a.visit_type.clone()}</dd>
                <dt>{td_string!(locale, calendar.duration)}</dt>
                <dd>{a.duration_minutes} " " {td_string!(locale, calendar.minutes)}</dd>
                <dt>{td_string!(locale, appointment.clinic)}</dt>
                <dd>{a.clinic_name.clone()} <br/> <span class="field-hint">{a.clinic_address.clone()}</span></dd>
            </dl>
            <p class="field-hint">{td_string!(locale, calendar.clinic_time)}</p>
            {(a.memo_text.is_some() || a.memo_pdf).then(|| view! {
                <section class="memo" aria-labelledby="memo-title">
                    <h3 id="memo-title">{td_string!(locale, calendar.memo)}</h3>
                    {a.memo_text.clone().map(|text| view! { <p class="memo-text">{text}</p> })}
                    <p><a class="button" href=memo_href.clone() download>{td_string!(locale, calendar.memo_download)}</a></p>
                </section>
            })}
            {(a.status == AppointmentStatus::Booked).then(|| view! {
                <p><a class="button" href=ics_href.clone() download>{td_string!(locale, calendar.add_to_calendar)}</a></p>
            })}
            {(!detail.requests.is_empty()).then(|| view! {
                <h3>{td_string!(locale, calendar.requests_about)}</h3>
                <RequestList requests=detail.requests.clone()/>
            })}
        </article>
    }
}

/// «Отменить запись», folded until opened: why (optional), and send.
#[component]
fn CancelForm(appointment: String, start: FormStart) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendCancelAppointment>::new();
    let error = action_error(action);
    let label = labeller();
    view! {
        <details class="card action-card">
            <summary>{td_string!(locale, calendar.cancel)}</summary>
            <EnhancedForm action=action then=Then::ShowRequest class="form">
                <RequestFormHead key=start.key.clone() error=error fields=CancelAppointmentForm::FIELDS/>
                <input type="hidden" name="appointment" value=appointment/>
                <p class="field-hint">{td_string!(locale, calendar.cancel_hint)}</p>
                <TextArea
                    field=CancelAppointmentForm::reason
                    value=start.value(CancelAppointmentForm::reason, None)
                    max=LONG_TEXT_MAX
                    error=error
                />
                <SubmitButton label=label(|l| td_string!(l, calendar.cancel_send))/>
            </EnhancedForm>
        </details>
    }
}

/// «Изменить запись», folded until opened: the new desired date, when in
/// the day, a comment.
#[component]
fn ChangeForm(detail: AppointmentDetail, start: FormStart) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendChangeAppointment>::new();
    let error = action_error(action);
    let label = labeller();
    let times = TimeOfDay::ALL
        .into_iter()
        .map(|t| (t.as_str().to_owned(), t.label(locale).to_owned()))
        .collect();
    view! {
        <details class="card action-card">
            <summary>{td_string!(locale, calendar.change)}</summary>
            <EnhancedForm action=action then=Then::ShowRequest class="form">
                <RequestFormHead key=start.key.clone() error=error fields=ChangeAppointmentForm::FIELDS/>
                <input type="hidden" name="appointment" value=detail.appointment.id.clone()/>
                <p class="field-hint">{td_string!(locale, calendar.change_hint)}</p>
                <Field
                    field=ChangeAppointmentForm::desired_date
                    input_type="date"
                    value=start.value(ChangeAppointmentForm::desired_date, None)
                    min=detail.first_day.clone()
                    max=detail.last_day.clone()
                    error=error
                />
                <SelectField
                    field=ChangeAppointmentForm::time_of_day
                    options=times
                    value=start.value(ChangeAppointmentForm::time_of_day, None)
                    error=error
                />
                <TextArea
                    field=ChangeAppointmentForm::comment
                    value=start.value(ChangeAppointmentForm::comment, None)
                    max=LONG_TEXT_MAX
                    error=error
                />
                <SubmitButton label=label(|l| td_string!(l, calendar.change_send))/>
            </EnhancedForm>
        </details>
    }
}
