//! Form pieces every form uses: a labelled field that shows its problem
//! next to it in the reader's language, and the message for the form as a
//! whole. Inputs are left to the browser, so what was typed stays on an error.

use crate::error::AppError;
use crate::i18n::{td_string, use_i18n};
use leptos::prelude::*;

/// A labelled input with its error message, wired for screen readers
/// (`aria-invalid`, `aria-describedby`).
#[component]
pub fn Field(
    #[prop(into)] label: Signal<&'static str>,
    /// The input's `name` (the server function argument) and `id`.
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    let error_id = format!("{name}-error");
    let hint_id = format!("{name}-hint");
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.is_some() {
                ids.push(hint_id.clone());
            }
            if problem().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let plain_text = input_type == "text";
    view! {
        <div class="field" class:invalid=move || problem().is_some()>
            <label for=name>{move || label.get()}</label>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{move || hint.get()}</p> })}
            <input
                id=name
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autocapitalize=plain_text.then_some("none")
                spellcheck=plain_text.then_some("false")
                value=value
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || problem().map(|p| p.message(i18n.get_locale()))}
            </p>
        </div>
    }
}

/// A new password and its repetition, with the hint on how to choose one.
#[component]
pub fn NewPasswordFields(
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Field
            label=label
            hint=Signal::derive(move || td_string!(i18n.get_locale(), new_password.hint))
            name="password"
            input_type="password"
            autocomplete="new-password"
            error=error
        />
        <Field
            label=Signal::derive(move || td_string!(i18n.get_locale(), new_password.repeat))
            name="password_repeat"
            input_type="password"
            autocomplete="new-password"
            error=error
        />
    }
}

/// The message for the whole form: wrong credentials, too many attempts, a
/// failure on our side (with its request id), no connection.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        error
            .get()
            .and_then(|e| e.form_message(i18n.get_locale()))
            .map(|message| view! { <p class="form-error" role="alert">{message}</p> })
    }
}

/// The error of the latest call of a server action, as a signal.
pub fn action_error<S>(action: ServerAction<S>) -> Signal<Option<AppError>>
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let value = action.value();
    Signal::derive(move || value.get().and_then(|result| result.err()))
}

/// Loads `path` afresh, so the whole page (and who is signed in) is rendered
/// by the server again.
pub fn reload_at(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        let _ = window().location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}
