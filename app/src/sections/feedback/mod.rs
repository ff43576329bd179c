//! «Ваши предложения»: a mistake found in the cabinet or an idea for it,
//! which goes to the portal team's queue. The form, its rules and its
//! content are the kind's (`requests::kinds::feedback`).

use super::request_form::RequestSection;
use crate::domain::request::LONG_TEXT_MAX;
use crate::error::AppError;
use crate::forms::{action_error, labeller, RequestFormHead, SelectField, SubmitButton, TextArea};
use crate::i18n::{td_string, use_i18n};
use crate::pages::LoadFailed;
use crate::requests::kinds::feedback::{FeedbackForm, FeedbackType};
use crate::requests::kinds::{KindForm, RequestKind};
use crate::requests::{form_start, show_sent_request};
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
            form=|| view! { <FeedbackFormView/> }.into_any()
        />
    }
}

#[component]
fn FeedbackFormView() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SendFeedback>::new();
    let error = action_error(action);
    show_sent_request(action);
    let start = form_start(FeedbackForm::NAME);
    let label = labeller();
    view! {
        <p class="lead">{move || td_string!(i18n.get_locale(), feedback.intro)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(i18n.get_locale(), settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let start = match start.await {
                    Ok(start) => start,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                let types = FeedbackType::ALL
                    .into_iter()
                    .map(|t| (t.as_str().to_owned(), t.label(i18n.get_locale()).to_owned()))
                    .collect();
                view! {
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <RequestFormHead error=error fields=FeedbackForm::FIELDS/>
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
                        <SubmitButton label=label(|l| td_string!(l, feedback.send)) pending=action.pending()/>
                    </ActionForm>
                }
                .into_any()
            })}
        </Suspense>
    }
}
