//! «Записаться на прием/исследование»: the booking request form and the
//! tab «Список заявок» with the booking requests sent so far. The form
//! takes a prefilled «Повод обращения» from `?reason=` (the referrals
//! section sends the chosen referrals that way).

use super::request_form::RequestSection;
use crate::domain::request::{ClinicChoice, RequestKind, TimeOfDay, LONG_TEXT_MAX};
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, Field, RequestFormHead, SelectField, SubmitButton, TextArea,
};
use crate::i18n::{td_string, use_i18n, Locale};
use crate::pages::LoadFailed;
use crate::requests::{form_start, show_sent_request, time_of_day_label};
use crate::sections::Section;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The form's name for its drafts.
const FORM: &str = "booking";

/// What the form offers: the clinics, and the dates a visit may be asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingChoices {
    pub clinics: Vec<ClinicChoice>,
    /// Today and a year ahead, in the clinic's calendar (`yyyy-mm-dd`).
    pub first_day: String,
    pub last_day: String,
}

#[server(endpoint = "booking/options")]
pub async fn booking_options() -> Result<BookingChoices, AppError> {
    crate::context::reply(server::booking_options().await)
}

/// «Отправить заявку»: the new request's number.
#[server(endpoint = "booking/send")]
pub async fn send_booking(
    idempotency_key: String,
    reason: String,
    desired_date: String,
    #[server(default)] specialist: String,
    #[server(default)] clinic: String,
    #[server(default)] time_of_day: String,
    #[server(default)] comment: String,
) -> Result<String, AppError> {
    let form = crate::domain::request::BookingForm {
        reason,
        desired_date,
        specialist,
        clinic,
        time_of_day,
        comment,
    };
    crate::context::reply(server::send_booking(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{BookingChoices, FORM};
    use crate::context::{current_patient, server_context, ServerContext};
    use crate::db::clinics;
    use crate::domain::request::{BookingForm, ClinicChoice, RequestContent, BOOKING_HORIZON_DAYS};
    use crate::error::AppError;
    use crate::requests::engine;

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
        current_patient()?;
        let today = context.clinic.local_date(context.clock.now());
        let last = today + chrono::Days::new(BOOKING_HORIZON_DAYS);
        Ok(BookingChoices {
            clinics: clinic_choices(&context).await?,
            first_day: today.format("%Y-%m-%d").to_string(),
            last_day: last.format("%Y-%m-%d").to_string(),
        })
    }

    pub async fn send_booking(
        idempotency_key: String,
        form: BookingForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let today = context.clinic.local_date(context.clock.now());
        let clinics = clinic_choices(&context).await?;
        let parsed = form.parse(today, &clinics).map(RequestContent::Booking);
        engine::send_form(&context, &patient, FORM, &form, &idempotency_key, parsed).await
    }
}

/// The label of a booking field, for the summary of mistakes.
fn label_of(field: &str, locale: Locale) -> &'static str {
    match field {
        "reason" => td_string!(locale, booking.reason),
        "desired_date" => td_string!(locale, booking.desired_date),
        "specialist" => td_string!(locale, booking.specialist),
        "clinic" => td_string!(locale, booking.clinic),
        "time_of_day" => td_string!(locale, booking.time_of_day),
        _ => td_string!(locale, request.comment),
    }
}

#[component]
pub fn BookingPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::Booking
            kind=RequestKind::Booking
            form=|| view! { <BookingFormView/> }.into_any()
        />
    }
}

#[component]
fn BookingFormView() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SendBooking>::new();
    let error = action_error(action);
    show_sent_request(action);
    let prefilled_reason =
        leptos_router::hooks::use_query_map().with_untracked(|query| query.get("reason"));
    let start = form_start(FORM);
    let options = Resource::new(|| (), |_| booking_options());
    let label = labeller();
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(i18n.get_locale(), settings.loading)}</p> }>
            {move || {
            let prefilled_reason = prefilled_reason.clone();
            Suspend::new(async move {
                let (start, options) = match (start.await, options.await) {
                    (Ok(start), Ok(options)) => (start, options),
                    (Err(error), _) | (_, Err(error)) => {
                        return view! { <LoadFailed error/> }.into_any();
                    }
                };
                let clinics = options
                    .clinics
                    .iter()
                    .map(|c| (c.code.clone(), c.name.clone()))
                    .collect();
                let times = TimeOfDay::ALL
                    .into_iter()
                    .map(|t| (t.as_str().to_owned(), time_of_day_label(t, i18n.get_locale()).to_owned()))
                    .collect();
                view! {
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <RequestFormHead error=error label_of=label_of/>
                        <p class="field-hint">{td_string!(i18n.get_locale(), form.required_note)}</p>
                        <TextArea
                            label=label(|l| td_string!(l, booking.reason))
                            hint=label(|l| td_string!(l, booking.reason_hint))
                            name="reason"
                            value=start.value("reason", prefilled_reason.clone())
                            required=true
                            max=LONG_TEXT_MAX
                            error=error
                        />
                        <Field
                            label=label(|l| td_string!(l, booking.desired_date))
                            name="desired_date"
                            input_type="date"
                            value=start.value("desired_date", None)
                            min=options.first_day.clone()
                            max=options.last_day.clone()
                            required=true
                            error=error
                        />
                        <Field
                            label=label(|l| td_string!(l, booking.specialist))
                            hint=label(|l| td_string!(l, booking.specialist_hint))
                            name="specialist"
                            value=start.value("specialist", None)
                            error=error
                        />
                        <SelectField
                            label=label(|l| td_string!(l, booking.clinic))
                            name="clinic"
                            options=clinics
                            value=start.value("clinic", None)
                            error=error
                        />
                        <SelectField
                            label=label(|l| td_string!(l, booking.time_of_day))
                            name="time_of_day"
                            options=times
                            value=start.value("time_of_day", None)
                            error=error
                        />
                        <TextArea
                            label=label(|l| td_string!(l, request.comment))
                            name="comment"
                            value=start.value("comment", None)
                            max=LONG_TEXT_MAX
                            error=error
                        />
                        <SubmitButton label=label(|l| td_string!(l, request.send)) pending=action.pending()/>
                    </ActionForm>
                }
                .into_any()
            })
            }}
        </Suspense>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_of_the_form_has_its_label_for_the_summary() {
        for field in [
            "reason",
            "desired_date",
            "specialist",
            "clinic",
            "time_of_day",
            "comment",
        ] {
            assert!(!label_of(field, Locale::ru).is_empty(), "{field}");
        }
    }
}
