//! «Вызвать врача на дом»: the home-visit request, which goes to the
//! home-care department (ОНиЭП), and the list of visits asked for.

// The server function takes one argument per form field, as the form posts
// them; the macro's generated client function inherits the count.
#![allow(clippy::too_many_arguments)]

use super::request_form::RequestSection;
use crate::domain::request::{RequestKind, LONG_TEXT_MAX};
use crate::error::AppError;
use crate::forms::{action_error, labeller, Field, RequestFormHead, SubmitButton, TextArea};
use crate::i18n::{td_string, use_i18n, Locale};
use crate::pages::LoadFailed;
use crate::requests::{form_start, show_sent_request};
use crate::sections::Section;
use leptos::prelude::*;

const FORM: &str = "home_visit";

/// «Вызвать врача»: the new request's number.
#[server(endpoint = "home-visit/send")]
pub async fn send_home_visit(
    idempotency_key: String,
    phone: String,
    street: String,
    house: String,
    #[server(default)] building: String,
    apartment: String,
    #[server(default)] entrance: String,
    #[server(default)] floor: String,
    #[server(default)] intercom: String,
    reason: String,
    #[server(default)] desired_time: String,
    #[server(default)] comment: String,
) -> Result<String, AppError> {
    let form = crate::domain::request::HomeVisitForm {
        phone,
        street,
        house,
        building,
        apartment,
        entrance,
        floor,
        intercom,
        reason,
        desired_time,
        comment,
    };
    crate::context::reply(server::send_home_visit(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::FORM;
    use crate::context::{current_patient, server_context};
    use crate::domain::request::{HomeVisitForm, RequestContent};
    use crate::error::AppError;
    use crate::requests::engine;

    pub async fn send_home_visit(
        idempotency_key: String,
        form: HomeVisitForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let parsed = form.parse().map(RequestContent::HomeVisit);
        engine::send_form(&context, &patient, FORM, &form, &idempotency_key, parsed).await
    }
}

fn label_of(field: &str, locale: Locale) -> &'static str {
    match field {
        "phone" => td_string!(locale, home_visit.phone),
        "street" => td_string!(locale, home_visit.street),
        "house" => td_string!(locale, home_visit.house),
        "building" => td_string!(locale, home_visit.building),
        "apartment" => td_string!(locale, home_visit.apartment),
        "entrance" => td_string!(locale, home_visit.entrance),
        "floor" => td_string!(locale, home_visit.floor),
        "intercom" => td_string!(locale, home_visit.intercom),
        "reason" => td_string!(locale, home_visit.reason),
        "desired_time" => td_string!(locale, home_visit.desired_time),
        _ => td_string!(locale, request.comment),
    }
}

#[component]
pub fn HomeVisitPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::HomeVisit
            kind=RequestKind::HomeVisit
            form=|| view! { <HomeVisitFormView/> }.into_any()
        />
    }
}

#[component]
fn HomeVisitFormView() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SendHomeVisit>::new();
    let error = action_error(action);
    show_sent_request(action);
    let start = form_start(FORM);
    let label = labeller();
    view! {
        <p class="lead">{move || td_string!(i18n.get_locale(), home_visit.intro)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(i18n.get_locale(), settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let start = match start.await {
                    Ok(start) => start,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                let short = {
                    let start = start.clone();
                    move |name: &'static str, key: fn(Locale) -> &'static str, required: bool| view! {
                        <Field label=label(key) name=name value=start.value(name, None) required=required error=error/>
                    }
                };
                view! {
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <RequestFormHead error=error label_of=label_of/>
                        <p class="field-hint">{td_string!(i18n.get_locale(), form.required_note)}</p>
                        <Field
                            label=label(|l| td_string!(l, home_visit.phone))
                            hint=label(|l| td_string!(l, home_visit.phone_hint))
                            name="phone"
                            input_type="tel"
                            autocomplete="tel"
                            value=start.value("phone", None)
                            required=true
                            error=error
                        />
                        {short("street", |l| td_string!(l, home_visit.street), true)}
                        <div class="field-row">
                            {short("house", |l| td_string!(l, home_visit.house), true)}
                            {short("building", |l| td_string!(l, home_visit.building), false)}
                            {short("apartment", |l| td_string!(l, home_visit.apartment), true)}
                        </div>
                        <div class="field-row">
                            {short("entrance", |l| td_string!(l, home_visit.entrance), false)}
                            {short("floor", |l| td_string!(l, home_visit.floor), false)}
                            {short("intercom", |l| td_string!(l, home_visit.intercom), false)}
                        </div>
                        <TextArea
                            label=label(|l| td_string!(l, home_visit.reason))
                            name="reason"
                            value=start.value("reason", None)
                            required=true
                            max=LONG_TEXT_MAX
                            error=error
                        />
                        {short("desired_time", |l| td_string!(l, home_visit.desired_time), false)}
                        <TextArea
                            label=label(|l| td_string!(l, request.comment))
                            name="comment"
                            value=start.value("comment", None)
                            max=LONG_TEXT_MAX
                            error=error
                        />
                        <SubmitButton label=label(|l| td_string!(l, home_visit.send)) pending=action.pending()/>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}
