//! Form pieces every form uses: a labelled field that shows its problem
//! next to it in the reader's language, and the message for the form as a
//! whole. Inputs are left to the browser, so what was typed stays on an error.

use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use leptos::prelude::*;

/// A field of a form, named once: the input's `name` (the server function's
/// field and the key of its mistakes), its label in either language, and
/// whether the form refuses it empty. Request forms declare theirs with
/// [`form_fields!`]; their pages, summaries of mistakes and request pages
/// all read them from there.
#[derive(Clone, Copy, Debug)]
pub struct FormField {
    pub name: &'static str,
    pub label: fn(Locale) -> &'static str,
    pub required: bool,
}

impl FormField {
    /// A field the form takes empty.
    pub const fn optional(name: &'static str, label: fn(Locale) -> &'static str) -> FormField {
        FormField {
            name,
            label,
            required: false,
        }
    }

    /// A field the form refuses empty.
    pub const fn required(name: &'static str, label: fn(Locale) -> &'static str) -> FormField {
        FormField {
            name,
            label,
            required: true,
        }
    }

    /// The label in the page's language.
    pub fn label_text(self) -> &'static str {
        (self.label)(use_locale())
    }
}

/// Declares a form as typed — every field a `String`, empty when not sent —
/// with its fields as [`FormField`]s: `Form::reason` for one,
/// `Form::FIELDS` for all, in the order the page shows them.
///
/// ```text
/// form_fields! {
///     /// The booking form as typed.
///     pub struct BookingForm {
///         reason: booking.reason [required],
///         comment: request.comment,
///     }
/// }
/// ```
macro_rules! form_fields {
    (
        $(#[$meta:meta])*
        pub struct $form:ident {
            $($field:ident: $group:ident.$key:ident $([$required:ident])?,)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        pub struct $form {
            $(#[serde(default)] pub $field: String,)*
        }

        #[allow(non_upper_case_globals)]
        impl $form {
            $(pub const $field: $crate::forms::FormField = $crate::forms::FormField {
                name: stringify!($field),
                label: |locale| $crate::i18n::td_string!(locale, $group.$key),
                required: $crate::forms::form_fields!(@required $($required)?),
            };)*

            /// Every field, in the order the page shows them.
            pub const FIELDS: &'static [$crate::forms::FormField] = &[$(Self::$field),*];
        }
    };
    (@required required) => { true };
    (@required) => { false };
}
pub(crate) use form_fields;

/// A labelled input with its error message, wired for screen readers
/// (`aria-invalid`, `aria-describedby`).
#[component]
pub fn Field(
    /// Its `name` (the server function's field) and `id`, label, and
    /// whether it is required.
    field: FormField,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional, into)] min: Option<String>,
    #[prop(optional, into)] max: Option<String>,
    /// In the second step of a flow: filled from this field of the first
    /// step's answer ([`Then::NextStep`]).
    #[prop(optional)]
    prefill_from: Option<&'static str>,
    /// A rule the form's island checks as soon as the field is left
    /// (`inn`), the same the server applies.
    #[prop(optional)]
    check: Option<&'static str>,
    /// The input's `id` where the page has another field of the same name
    /// (two forms asking the current password): each label must name its
    /// own input. The name by default.
    #[prop(optional)]
    id: Option<&'static str>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let FormField { name, required, .. } = field;
    let id = id.unwrap_or(name);
    let label = field.label_text();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described_by = described_by(id, hint.is_some(), move || problem().is_some());
    let plain_text = input_type == "text";
    view! {
        <div class="field" class:invalid=move || problem().is_some() data-field=name data-label=label>
            <label for=id>{label}<RequiredMark required/></label>
            {hint.map(|hint| view! { <p class="field-hint" id=hint_id.clone()>{hint}</p> })}
            <input
                id=id
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                autocapitalize=plain_text.then_some("none")
                spellcheck=plain_text.then_some("false")
                value=value
                min=min
                max=max
                data-from=prefill_from
                data-check=check
                aria-required=required.then_some("true")
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id aria-live="polite">
                {move || problem().map(|p| p.message(locale))}
            </p>
        </div>
    }
}

/// A checkbox the server may name a problem at (sent as `on` when ticked):
/// a box that must be ticked, or a setting that needs something first.
#[component]
pub fn CheckboxField(
    name: &'static str,
    label: &'static str,
    #[prop(optional)] checked: bool,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    let error_id = format!("{name}-error");
    view! {
        <div class="field" class:invalid=move || problem().is_some() data-field=name data-label=label>
            <label class="choice">
                <input
                    type="checkbox"
                    id=name
                    name=name
                    checked=checked
                    aria-invalid=move || problem().is_some().to_string()
                    aria-describedby=error_id.clone()
                />
                {label}
            </label>
            <p class="field-error" id=error_id aria-live="polite">
                {move || problem().map(|p| p.message(locale))}
            </p>
        </div>
    }
}

/// One choice of a [`RadioGroup`]: its value and label, and when it cannot
/// be chosen, why (shown beside it and read with it).
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub unavailable: Option<String>,
    /// A note read with the choice (the agreement's e-mail).
    pub note: Option<String>,
}

/// Radio buttons in a fieldset whose legend is the field's label, with
/// the field's error slot: the choices a patient sees all at once.
#[component]
pub fn RadioGroup(
    field: FormField,
    choices: Vec<Choice>,
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let FormField { name, required, .. } = field;
    let label = field.label_text();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    view! {
        <fieldset class="field choices" class:invalid=move || problem().is_some() data-field=name data-label=label>
            <legend>{label}<RequiredMark required/></legend>
            {choices
                .into_iter()
                .enumerate()
                .map(|(i, choice)| {
                    let id = format!("{name}-{i}");
                    let why = format!("{id}-why");
                    let input_id = id.clone();
                    let checked = choice.value == value && choice.unavailable.is_none();
                    let described = choice.unavailable.is_some() || choice.note.is_some();
                    view! {
                        <div class="choice-item">
                            <label class="choice" for=id.clone()>
                                <input
                                    type="radio"
                                    id=input_id
                                    name=name
                                    value=choice.value
                                    checked=checked
                                    disabled=choice.unavailable.is_some()
                                    aria-describedby=described.then(|| why.clone())
                                />
                                {choice.label}
                            </label>
                            {(described).then(|| view! {
                                <p class="field-hint" id=why>
                                    {choice.unavailable.or(choice.note)}
                                </p>
                            })}
                        </div>
                    }
                })
                .collect_view()}
            <p class="field-error" id=format!("{name}-error") aria-live="polite">
                {move || problem().map(|p| p.message(locale))}
            </p>
        </fieldset>
    }
}

/// `*` after a required field's label, and the word for screen readers.
#[component]
fn RequiredMark(required: bool) -> impl IntoView {
    let locale = use_locale();
    required.then(|| {
        view! {
            <span class="required" aria-hidden="true">" *"</span>
            <span class="visually-hidden">" " {move || td_string!(locale, form.required)}</span>
        }
    })
}

/// The ids a field's `aria-describedby` names: its hint, and its error
/// while it has one.
fn described_by(
    id: &'static str,
    has_hint: bool,
    problem: impl Fn() -> bool + Send + Sync + 'static,
) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if problem() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A labelled multi-line text with its error; `max` characters at most.
#[component]
pub fn TextArea(
    field: FormField,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(optional, into)] value: String,
    max: usize,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let FormField { name, required, .. } = field;
    let label = field.label_text();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    view! {
        <div class="field" class:invalid=move || problem().is_some() data-field=name data-label=label>
            <label for=name>{label}<RequiredMark required/></label>
            {hint.map(|hint| view! { <p class="field-hint" id=format!("{name}-hint")>{hint}</p> })}
            <textarea
                id=name
                name=name
                rows="4"
                maxlength=max
                aria-required=required.then_some("true")
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=described_by(name, hint.is_some(), move || problem().is_some())
            >
                {textarea_text(&value)}
            </textarea>
            <p class="field-error" id=format!("{name}-error") aria-live="polite">
                {move || problem().map(|p| p.message(locale))}
            </p>
        </div>
    }
}

/// A textarea's starting text, escaped by hand: the renderer writes a
/// textarea's children as they are (as it does a script's), so a value
/// holding `</textarea>` would end the element and its rest would be
/// markup. The browser decodes the references back into the text typed.
fn textarea_text(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A labelled choice from a list, with its error. The first option is
/// «не важно» unless the field is required.
#[component]
pub fn SelectField(
    field: FormField,
    /// `(value, label)` pairs.
    options: Vec<(String, String)>,
    #[prop(optional, into)] value: String,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let FormField { name, required, .. } = field;
    let label = field.label_text();
    let problem = move || error.get().and_then(|e| e.problem_of(name));
    let blank = move || {
        if required {
            td_string!(locale, form.choose)
        } else {
            td_string!(locale, form.any)
        }
    };
    view! {
        <div class="field" class:invalid=move || problem().is_some() data-field=name data-label=label>
            <label for=name>{label}<RequiredMark required/></label>
            <select
                id=name
                name=name
                aria-required=required.then_some("true")
                aria-invalid=move || problem().is_some().to_string()
                aria-describedby=described_by(name, false, move || problem().is_some())
            >
                <option value="" selected=value.is_empty()>{blank}</option>
                {options
                    .into_iter()
                    .map(|(option, text)| {
                        let selected = option == value;
                        view! { <option value=option selected=selected>{text}</option> }
                    })
                    .collect_view()}
            </select>
            <p class="field-error" id=format!("{name}-error") aria-live="polite">
                {move || problem().map(|p| p.message(locale))}
            </p>
        </div>
    }
}

/// The list of a form's mistakes at its top, each linking to its field:
/// rendered by the server after a plain post came back with mistakes, and
/// filled by the form's island ([`crate::islands::FormEnhancer`]) after a
/// sent one; empty and hidden otherwise.
#[component]
pub fn ErrorSummary(
    #[prop(into)] error: Signal<Option<AppError>>,
    /// The form's fields, whose labels name the mistakes.
    fields: &'static [FormField],
) -> impl IntoView {
    let locale = use_locale();
    let items: Vec<_> = match error.get_untracked() {
        Some(AppError::Validation(errors)) => errors
            .0
            .into_iter()
            .filter(|e| e.field != crate::domain::FORM)
            .collect(),
        _ => Vec::new(),
    };
    let hidden = items.is_empty();
    let content = (!hidden).then(|| {
        view! {
            <p><strong>{td_string!(locale, form.fix_these)}</strong></p>
            <ul>
                {items
                    .into_iter()
                    .map(|e| {
                        let href = format!("#{}", e.field);
                        let message = e.problem.message(locale);
                        // A test of every form proves each mistake
                        // names one of its fields.
                        let text = match fields.iter().find(|f| f.name == e.field) {
                            Some(field) => format!("{}: {message}", (field.label)(locale)),
                            None => message.to_owned(),
                        };
                        view! { <li><a href=href>{text}</a></li> }
                    })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <div class="error-summary" role="alert" tabindex="-1" data-error-summary hidden=hidden>
            {content}
        </div>
    }
}

/// The submit button: says what it does; while the form's island sends the
/// form it says so (`data-sending`) and cannot be pressed again.
#[component]
pub fn SubmitButton(label: &'static str) -> impl IntoView {
    let locale = use_locale();
    view! {
        <button type="submit" class="button primary" data-sending=td_string!(locale, form.sending)>
            {label}
        </button>
    }
}

/// A maker of labels in the page's language: `label(|l| td_string!(l,
/// booking.reason))`.
pub fn labeller() -> impl Fn(fn(Locale) -> &'static str) -> &'static str + Copy {
    let locale = use_locale();
    move |key| key(locale)
}

/// The top of every request form: its idempotency key, the message for the
/// form as a whole, and the summary of mistakes linking to their fields.
#[component]
pub fn RequestFormHead(
    /// The form's idempotency key ([`crate::requests::FormStart`]).
    key: String,
    #[prop(into)] error: Signal<Option<AppError>>,
    fields: &'static [FormField],
) -> impl IntoView {
    view! {
        <crate::requests::FormKey key/>
        <FormError error=error/>
        <ErrorSummary error=error fields=fields/>
    }
}

/// «Логин» and «Пароль», as both sign-in pages ask them.
#[component]
pub fn CredentialsFields(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <Field
            field=FormField::optional("login", |l| td_string!(l, login.login))
            autocomplete="username"
            error=error
        />
        <Field
            field=FormField::optional("password", |l| td_string!(l, login.password))
            input_type="password"
            autocomplete="current-password"
            error=error
        />
    }
}

/// The second step of a sign-in, patient's or staff member's: one field
/// for the code the authenticator app shows, or a recovery code; on
/// success the address the answer names.
#[component]
pub fn SecondStepForm<S>(action: ServerAction<S>) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Output = String, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let locale = use_locale();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::GoToAnswer class="form">
            <FormError error=error/>
            <Field
                field=FormField::optional("code", |l| td_string!(l, second_step.code))
                hint=td_string!(locale, second_step.code_hint)
                autocomplete="one-time-code"
                error=error
            />
            <SubmitButton label=td_string!(locale, second_step.submit)/>
        </EnhancedForm>
    }
}

/// A new password and its repetition, with the hint on how to choose one.
#[component]
pub fn NewPasswordFields(
    /// The label of the new password.
    label: fn(Locale) -> &'static str,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Field
            field=FormField::optional("password", label)
            hint=td_string!(locale, new_password.hint)
            input_type="password"
            autocomplete="new-password"
            error=error
        />
        <Field
            field=FormField::optional("password_repeat", |l| td_string!(l, new_password.repeat))
            input_type="password"
            autocomplete="new-password"
            error=error
        />
    }
}

/// The message for the whole form: wrong credentials, too many attempts, a
/// failure on our side (with its request id), no connection. Rendered by the
/// server after a plain post, filled by the form's island after a sent one.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let message = error
        .get_untracked()
        .and_then(|e| e.form_message(use_locale()));
    let hidden = message.is_none();
    view! { <p class="form-error" role="alert" data-form-error hidden=hidden>{message}</p> }
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

/// What the page does once a form's server function has succeeded, when
/// the form's island sent it (a plain post is answered by the server with
/// a redirect instead). Written into the form as `data-then`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    /// Load the page again, showing what changed.
    Reload,
    /// Go to this address.
    Go(String),
    /// Go to the page of the request the form sent (its number is the
    /// answer), with the notice that it was sent.
    ShowRequest,
    /// Show the form's [`SuccessNotice`].
    Notice,
    /// Show the next form of the island, carrying this one's values into
    /// its hidden inputs of the same names (a flow of steps).
    NextStep,
    /// Show the island's `[data-output]` part with the answer's fields in
    /// its `[data-output-field]` elements, instead of the form.
    ShowOutput,
    /// Go to the address the answer names (a sign-in: the cabinet, or its
    /// second step).
    GoToAnswer,
    /// Hand the answer — a passkey's challenge — to the page's passkey
    /// script, as the `passkey` event on the form: the script asks the
    /// device and sends the island's next form with the device's answer.
    Passkey,
}

/// Whether `path` is an address on this site (not another host's:
/// browsers read `//host` and `/\host` alike as one).
pub fn is_site_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\")
}

impl Then {
    pub fn attribute(&self) -> String {
        match self {
            Then::Reload => "reload".to_owned(),
            Then::Go(path) => format!("go:{path}"),
            Then::ShowRequest => "request".to_owned(),
            Then::Notice => "notice".to_owned(),
            Then::NextStep => "next".to_owned(),
            Then::ShowOutput => "output".to_owned(),
            Then::GoToAnswer => "answer".to_owned(),
            Then::Passkey => "passkey".to_owned(),
        }
    }

    /// Reads the attribute back; `Go` keeps only an address of this site.
    pub fn parse(attribute: &str) -> Option<Then> {
        Some(match attribute {
            "reload" => Then::Reload,
            "request" => Then::ShowRequest,
            "notice" => Then::Notice,
            "next" => Then::NextStep,
            "output" => Then::ShowOutput,
            "answer" => Then::GoToAnswer,
            "passkey" => Then::Passkey,
            _ => {
                let path = attribute.strip_prefix("go:")?;
                if !is_site_path(path) {
                    return None;
                }
                Then::Go(path.to_owned())
            }
        })
    }
}

/// A form that posts to the server function `S`: plain HTML that works
/// without the wasm. Inside a [`crate::islands::FormEnhancer`] it is sent
/// without leaving the page, and `then` says what follows its success.
#[component]
pub fn PostForm<S>(
    /// The server function; the type is what matters.
    #[allow(unused_variables)]
    action: ServerAction<S>,
    then: Then,
    #[prop(optional)] class: &'static str,
    /// Hidden until the step before it succeeded.
    #[prop(optional)]
    hidden: bool,
    children: Children,
) -> impl IntoView
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    view! {
        <form method="post" action=S::url() class=class novalidate=true hidden=hidden data-then=then.attribute()>
            {children()}
        </form>
    }
}

/// A [`PostForm`] in its own [`crate::islands::FormEnhancer`].
#[component]
pub fn EnhancedForm<S>(
    action: ServerAction<S>,
    then: Then,
    #[prop(optional)] class: &'static str,
    children: Children,
) -> impl IntoView
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    view! {
        <crate::islands::FormEnhancer>
            <PostForm action then class>{children()}</PostForm>
        </crate::islands::FormEnhancer>
    }
}

/// «Сохранено.» (or `text`) once the form's island has sent the form:
/// empty until then.
#[component]
pub fn SuccessNotice(text: &'static str) -> impl IntoView {
    view! { <p class="notice success" role="status" data-success=text></p> }
}

#[cfg(test)]
mod tests {
    use super::{is_site_path, Then};

    #[test]
    fn a_form_goes_only_to_addresses_on_this_site() {
        for ours in ["/", "/login/code", "/settings#second-factor-title"] {
            assert!(is_site_path(ours), "{ours}");
        }
        for theirs in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "login",
        ] {
            assert!(!is_site_path(theirs), "{theirs}");
        }
        assert_eq!(Then::parse("go://evil.example"), None);
        assert_eq!(Then::parse("answer"), Some(Then::GoToAnswer));
    }

    #[test]
    fn what_follows_a_form_reads_back_as_it_was_written() {
        for then in [
            Then::Reload,
            Then::Go("/settings".to_owned()),
            Then::ShowRequest,
            Then::Notice,
            Then::NextStep,
            Then::ShowOutput,
            Then::GoToAnswer,
            Then::Passkey,
        ] {
            assert_eq!(Then::parse(&then.attribute()), Some(then.clone()));
        }
    }
}
