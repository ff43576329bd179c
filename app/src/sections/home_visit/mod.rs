//! «Вызвать врача на дом»: the home-visit request, which goes to the
//! home-care department (ОНиЭП), and the list of visits asked for. The
//! form, its rules and its content are the kind's (`requests::kinds::home_visit`).

use super::request_form::RequestSection;
use crate::domain::request::LONG_TEXT_MAX;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, EnhancedForm, Field, FormField, RequestFormHead, SubmitButton,
    TextArea, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::kinds::home_visit::HomeVisitForm;
use crate::requests::kinds::{KindForm, RequestKind};
use crate::requests::{form_start, FormStart};
use crate::sections::Section;
use leptos::prelude::*;

/// «Отправить заявку»: the new request's number.
#[server(endpoint = "home-visit/send")]
pub async fn send_home_visit(
    idempotency_key: String,
    #[server(flatten)] form: HomeVisitForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send_home_visit(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::context::{current_patient, server_context};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::home_visit::HomeVisitForm;

    pub async fn send_home_visit(
        idempotency_key: String,
        form: HomeVisitForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        engine::send_form(&context, &patient, &form, &(), &idempotency_key).await
    }
}

#[component]
pub fn HomeVisitPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::HomeVisit
            kind=RequestKind::HomeVisit
            form=|| view! { <HomeVisitFormLoader/> }.into_any()
        />
    }
}

/// Loads how the form starts.
#[component]
fn HomeVisitFormLoader() -> impl IntoView {
    let locale = use_locale();
    let start = form_start(HomeVisitForm::NAME);
    view! {
        <p class="lead">{move || td_string!(locale, home_visit.intro)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok(start) => view! { <HomeVisitFormView start/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HomeVisitFormView(start: FormStart) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendHomeVisit>::new();
    let error = action_error(action);
    let label = labeller();
    let short = {
        let start = start.clone();
        move |field: FormField| {
            view! {
                <Field field value=start.value(field, None) error=error/>
            }
        }
    };
    view! {
        <EnhancedForm action=action then=Then::ShowRequest class="form">
            <RequestFormHead key=start.key.clone() error=error fields=HomeVisitForm::FIELDS/>
            <p class="field-hint">{td_string!(locale, form.required_note)}</p>
            <Field
                field=HomeVisitForm::phone
                hint=label(|l| td_string!(l, home_visit.phone_hint))
                input_type="tel"
                autocomplete="tel"
                value=start.value(HomeVisitForm::phone, None)
                error=error
            />
            {short(HomeVisitForm::street)}
            <div class="field-row">
                {short(HomeVisitForm::house)}
                {short(HomeVisitForm::building)}
                {short(HomeVisitForm::apartment)}
            </div>
            <div class="field-row">
                {short(HomeVisitForm::entrance)}
                {short(HomeVisitForm::floor)}
                {short(HomeVisitForm::intercom)}
            </div>
            <TextArea
                field=HomeVisitForm::reason
                value=start.value(HomeVisitForm::reason, None)
                max=LONG_TEXT_MAX
                error=error
            />
            {short(HomeVisitForm::desired_time)}
            <TextArea
                field=HomeVisitForm::comment
                value=start.value(HomeVisitForm::comment, None)
                max=LONG_TEXT_MAX
                error=error
            />
            <SubmitButton label=label(|l| td_string!(l, home_visit.send))/>
        </EnhancedForm>
    }
}
