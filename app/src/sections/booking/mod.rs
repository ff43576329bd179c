//! «Записаться на прием/исследование»: the booking request form and the
//! tab «Список заявок» with the booking requests sent so far. The form
//! takes the referrals ticked in «Действующие направления» from
//! `?referral=…` (repeated): «Повод обращения» starts with them, and the
//! request records them.

use super::request_form::RequestSection;
use crate::domain::request::LONG_TEXT_MAX;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, EnhancedForm, Field, RequestFormHead, SelectField, SubmitButton,
    TextArea, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::kinds::booking::BookingForm;
use crate::requests::kinds::{ClinicChoice, KindForm, ReferralSeen, RequestKind, TimeOfDay};
use crate::requests::{form_start, FormStart};
use crate::sections::Section;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the form offers: the clinics, and the dates a visit may be asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingChoices {
    pub clinics: Vec<ClinicChoice>,
    /// Today and a year ahead, in the clinic's calendar (`yyyy-mm-dd`).
    pub first_day: String,
    pub last_day: String,
    /// The patient's referrals a visit may be booked by.
    pub referrals: Vec<ReferralSeen>,
}

#[server(endpoint = "booking/options")]
pub async fn booking_options() -> Result<BookingChoices, AppError> {
    crate::context::reply(server::booking_options().await)
}

/// «Отправить заявку»: the new request's number.
#[server(endpoint = "booking/send")]
pub async fn send_booking(
    idempotency_key: String,
    #[server(flatten)] form: BookingForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send_booking(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::BookingChoices;
    use crate::context::{current_patient, server_context, ServerContext};
    use crate::db::clinics;
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::booking::{BookingForm, BookingGiven, BOOKING_HORIZON_DAYS};
    use crate::requests::kinds::ClinicChoice;

    async fn clinic_choices(context: &ServerContext) -> Result<Vec<ClinicChoice>, AppError> {
        Ok(clinics::all(&context.db)
            .await?
            .into_iter()
            .map(|c| ClinicChoice {
                code: c.code,
                name: c.name,
            })
            .collect())
    }

    pub async fn booking_options() -> Result<BookingChoices, AppError> {
        let context = server_context()?;
        let today = context.clinic.local_date(context.clock.now());
        let last = today + chrono::Days::new(BOOKING_HORIZON_DAYS);
        let patient = current_patient()?;
        Ok(BookingChoices {
            clinics: clinic_choices(&context).await?,
            first_day: today.format("%Y-%m-%d").to_string(),
            last_day: last.format("%Y-%m-%d").to_string(),
            referrals: crate::sections::referrals::server::bookable(&context, patient.patient_id)
                .await?,
        })
    }

    pub async fn send_booking(
        idempotency_key: String,
        form: BookingForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let given = BookingGiven {
            today: context.clinic.local_date(context.clock.now()),
            clinics: clinic_choices(&context).await?,
            referrals: crate::sections::referrals::server::bookable(&context, patient.patient_id)
                .await?,
        };
        engine::send_form(&context, &patient, &form, &given, &idempotency_key).await
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::Booking
            kind=RequestKind::Booking
            form=|| view! { <BookingFormLoader/> }.into_any()
        />
    }
}

/// Loads what the form offers and how it starts.
#[component]
fn BookingFormLoader() -> impl IntoView {
    let locale = use_locale();
    let ticked = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get_all("referral").unwrap_or_default());
    let start = form_start(BookingForm::NAME);
    let options = Resource::new(|| (), |_| booking_options());
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || {
            let ticked = ticked.clone();
            Suspend::new(async move {
                match (start.await, options.await) {
                    (Ok(mut start), Ok(options)) => {
                        start_with_referrals(&mut start, &ticked, &options.referrals, locale);
                        view! { <BookingFormView start options/> }.into_any()
                    }
                    (Err(error), _) | (_, Err(error)) => view! { <LoadFailed error/> }.into_any(),
                }
            })
            }}
        </Suspense>
    }
}

/// A form opened from «Действующие направления» starts with the ticked
/// referrals the patient may book by: named in «Повод обращения», and in
/// the hidden field the request records them from. What a draft holds
/// (the page came back with a mistake) stays as typed.
fn start_with_referrals(
    start: &mut FormStart,
    ticked: &[String],
    bookable: &[ReferralSeen],
    locale: crate::i18n::Locale,
) {
    let chosen: Vec<&ReferralSeen> = bookable
        .iter()
        .filter(|r| ticked.contains(&r.referral_id))
        .collect();
    if chosen.is_empty() {
        return;
    }
    let mut reason = td_string!(locale, referrals.reason_intro).to_owned();
    for referral in &chosen {
        reason.push_str("\n— ");
        reason.push_str(&referral.line(locale));
    }
    let ids = chosen
        .iter()
        .map(|r| r.referral_id.as_str())
        .collect::<Vec<_>>()
        .join(",");
    start
        .draft
        .entry(BookingForm::reason.name.to_owned())
        .or_insert(reason);
    start
        .draft
        .entry(BookingForm::referrals.name.to_owned())
        .or_insert(ids);
}

#[component]
fn BookingFormView(start: FormStart, options: BookingChoices) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendBooking>::new();
    let error = action_error(action);
    let label = labeller();
    let clinics = options
        .clinics
        .iter()
        .map(|c| (c.code.clone(), c.name.clone()))
        .collect();
    let times = TimeOfDay::ALL
        .into_iter()
        .map(|t| (t.as_str().to_owned(), t.label(locale).to_owned()))
        .collect();
    view! {
        <EnhancedForm action=action then=Then::ShowRequest class="form">
            <RequestFormHead key=start.key.clone() error=error fields=BookingForm::FIELDS/>
            <input type="hidden" name=BookingForm::referrals.name value=start.value(BookingForm::referrals, None)/>
            <p class="field-hint">{td_string!(locale, form.required_note)}</p>
            <TextArea
                field=BookingForm::reason
                hint=label(|l| td_string!(l, booking.reason_hint))
                value=start.value(BookingForm::reason, None)
                max=LONG_TEXT_MAX
                error=error
            />
            <Field
                field=BookingForm::desired_date
                input_type="date"
                value=start.value(BookingForm::desired_date, None)
                min=options.first_day.clone()
                max=options.last_day.clone()
                error=error
            />
            <Field
                field=BookingForm::specialist
                hint=label(|l| td_string!(l, booking.specialist_hint))
                value=start.value(BookingForm::specialist, None)
                error=error
            />
            <SelectField
                field=BookingForm::clinic
                options=clinics
                value=start.value(BookingForm::clinic, None)
                error=error
            />
            <SelectField
                field=BookingForm::time_of_day
                options=times
                value=start.value(BookingForm::time_of_day, None)
                error=error
            />
            <TextArea
                field=BookingForm::comment
                value=start.value(BookingForm::comment, None)
                max=LONG_TEXT_MAX
                error=error
            />
            <SubmitButton label=label(|l| td_string!(l, request.send))/>
        </EnhancedForm>
    }
}
