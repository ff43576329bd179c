//! «Ваши предложения»: a mistake found in the cabinet or an idea for it,
//! which goes to the portal team's queue.

use super::request_form::RequestSection;
use crate::domain::request::{FeedbackType, RequestKind, LONG_TEXT_MAX};
use crate::error::AppError;
use crate::forms::{action_error, labeller, RequestFormHead, SelectField, SubmitButton, TextArea};
use crate::i18n::{td_string, use_i18n, Locale};
use crate::pages::LoadFailed;
use crate::requests::{feedback_type_label, form_start, show_sent_request};
use crate::sections::Section;
use leptos::prelude::*;

const FORM: &str = "feedback";

/// «Отправить»: the new request's number.
#[server(endpoint = "feedback/send")]
pub async fn send_feedback(
    idempotency_key: String,
    #[server(default)] feedback_type: String,
    message: String,
) -> Result<String, AppError> {
    let form = crate::domain::request::FeedbackForm {
        feedback_type,
        message,
    };
    crate::context::reply(server::send_feedback(idempotency_key, form).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::FORM;
    use crate::context::{current_patient, server_context};
    use crate::domain::request::{FeedbackForm, RequestContent};
    use crate::error::AppError;
    use crate::requests::engine;

    pub async fn send_feedback(
        idempotency_key: String,
        form: FeedbackForm,
    ) -> Result<String, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let parsed = form.parse().map(RequestContent::Feedback);
        engine::send_form(&context, &patient, FORM, &form, &idempotency_key, parsed).await
    }
}

fn label_of(field: &str, locale: Locale) -> &'static str {
    match field {
        "feedback_type" => td_string!(locale, feedback.type_label),
        _ => td_string!(locale, feedback.message),
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
    let start = form_start(FORM);
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
                    .map(|t| (t.as_str().to_owned(), feedback_type_label(t, i18n.get_locale()).to_owned()))
                    .collect();
                view! {
                    <ActionForm action=action attr:class="form" attr:novalidate=true>
                        <RequestFormHead error=error label_of=label_of/>
                        <SelectField
                            label=label(|l| td_string!(l, feedback.type_label))
                            name="feedback_type"
                            options=types
                            value=start.value("feedback_type", None)
                            required=true
                            error=error
                        />
                        <TextArea
                            label=label(|l| td_string!(l, feedback.message))
                            name="message"
                            value=start.value("message", None)
                            required=true
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
