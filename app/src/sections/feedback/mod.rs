//! «Ваши предложения»: a mistake found in the cabinet or an idea for it,
//! which goes to the portal team's queue. The form, its rules and its
//! content are the kind's (`requests::kinds::feedback`).

use super::request_form::RequestSection;
use crate::domain::request::LONG_TEXT_MAX;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, EnhancedForm, RequestFormHead, SelectField, SubmitButton, TextArea,
    Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::kinds::feedback::{FeedbackForm, FeedbackType};
use crate::requests::kinds::{KindForm, RequestKind};
use crate::requests::{form_start, FormStart};
use crate::sections::Section;
use leptos::prelude::*;

/// «Отправить»: the new request's number.
#[server(endpoint = "feedback/send")]
pub async fn send_feedback(
    idempotency_key: String,
    #[server(flatten)] form: FeedbackForm,
) -> Result<String, AppError> {
    crate::context::reply(server::send_feedback(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::context::{current_patient, server_context};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::feedback::FeedbackForm;

    pub async fn send_feedback(
        idempotency_key: String,
        form: FeedbackForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        engine::send_form(&context, &patient, &form, &(), &idempotency_key).await
    }
}

#[component]
pub fn FeedbackPage() -> impl IntoView {
    view! {
        <RequestSection
            section=Section::Feedback
            kind=RequestKind::Feedback
            form=|| view! { <FeedbackFormLoader/> }.into_any()
        />
    }
}

/// Loads how the form starts.
#[component]
fn FeedbackFormLoader() -> impl IntoView {
    let locale = use_locale();
    let start = form_start(FeedbackForm::NAME);
    view! {
        <p class="lead">{move || td_string!(locale, feedback.intro)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match start.await {
                    Ok(start) => view! { <FeedbackFormView start/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FeedbackFormView(start: FormStart) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SendFeedback>::new();
    let error = action_error(action);
    let label = labeller();
    let types = FeedbackType::ALL
        .into_iter()
        .map(|t| (t.as_str().to_owned(), t.label(locale).to_owned()))
        .collect();
    view! {
        <EnhancedForm action=action then=Then::ShowRequest class="form">
            <RequestFormHead key=start.key.clone() error=error fields=FeedbackForm::FIELDS/>
            <SelectField
                field=FeedbackForm::feedback_type
                options=types
                value=start.value(FeedbackForm::feedback_type, None)
                error=error
            />
            <TextArea
                field=FeedbackForm::message
                value=start.value(FeedbackForm::message, None)
                max=LONG_TEXT_MAX
                error=error
            />
            <SubmitButton label=label(|l| td_string!(l, feedback.send))/>
        </EnhancedForm>
    }
}
