//! The one island every form shares. A form is HTML the server rendered
//! ([`crate::forms::PostForm`]): it posts to its server function and works
//! without any script. Once the wasm has loaded, this island sends it with
//! `fetch` instead — the page stays, nothing typed is lost — shows the
//! mistakes at their fields and in the summary, in the page's language,
//! keeps the button from being pressed twice meanwhile, and on success does
//! what the form says in `data-then` ([`Then`]). A field marked
//! `data-check="inn"` is checked as soon as the patient leaves it, by the
//! same rule the server applies (`domain::Inn`).

use leptos::prelude::*;

/// Enhances every form inside it (the forms are its children, rendered by
/// the server; none of their markup is code in the wasm).
#[island]
pub fn FormEnhancer(children: Children) -> impl IntoView {
    view! {
        <div class="enhanced" on:submit=browser::on_submit on:click=browser::on_click on:focusout=browser::on_leave>
            {children()}
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
pub(crate) mod browser {
    /// Islands run in the browser only.
    pub fn on_submit(_event: leptos::ev::SubmitEvent) {}
    pub fn on_click(_event: leptos::ev::MouseEvent) {}
    pub fn on_leave(_event: leptos::ev::FocusEvent) {}
}

#[cfg(feature = "hydrate")]
pub(crate) mod browser {
    use crate::domain::FORM;
    use crate::error::AppError;
    use crate::forms::Then;
    use crate::i18n::{td_string, Locale};
    use crate::islands::use_locale;
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::{
        Element, FormData, HtmlFormElement, RequestInit, Response, UrlSearchParams,
    };
    use wasm_bindgen_futures::JsFuture;

    /// Sends the submitted form with `fetch`, unless another island (an
    /// enclosing one) already did. A GET form (a filter) and a file upload
    /// are left to the browser.
    pub fn on_submit(event: leptos::ev::SubmitEvent) {
        if event.default_prevented() {
            return;
        }
        let Some(form) = event
            .target()
            .and_then(|target| target.dyn_into::<HtmlFormElement>().ok())
            .filter(|form| form.method().eq_ignore_ascii_case("post"))
            // A file upload goes as the browser sends it.
            .filter(|form| !form.enctype().eq_ignore_ascii_case("multipart/form-data"))
        else {
            return;
        };
        event.prevent_default();
        if form.get_attribute("aria-busy").as_deref() == Some("true") {
            return;
        }
        leptos::task::spawn_local(submit(form));
    }

    /// A `[data-print]` button prints the page (the slip of new
    /// credentials).
    pub fn on_click(event: leptos::ev::MouseEvent) {
        let printing = event
            .target()
            .and_then(|target| target.dyn_into::<Element>().ok())
            .and_then(|element| element.closest("[data-print]").ok().flatten())
            .is_some();
        if printing {
            let _ = window().print();
        }
    }

    /// Leaving a field marked `data-check="inn"` checks it: its message
    /// shows at once, or goes once it is right. Empty is left for the
    /// server to call required, when the form is sent.
    pub fn on_leave(event: leptos::ev::FocusEvent) {
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .filter(|input| input.get_attribute("data-check").as_deref() == Some("inn"))
        else {
            return;
        };
        let Some(form) = input.form() else {
            return;
        };
        let field = input.name();
        let value = input.value();
        match crate::domain::Inn::parse(&value) {
            Err(problem) if !value.trim().is_empty() => {
                show_at_field(&form, &field, problem.message(use_locale()));
            }
            _ => clear_field(&form, &field),
        }
    }

    async fn submit(form: HtmlFormElement) {
        let locale = use_locale();
        set_pending(&form, true);
        let answer = send(&form).await;
        set_pending(&form, false);
        match answer {
            Ok(output) => succeeded(&form, &output),
            Err(error) => show_error(&form, &error, locale),
        }
    }

    /// Posts the form as the browser would (urlencoded) and asks for JSON:
    /// the server function's output, or the [`AppError`].
    async fn send(form: &HtmlFormElement) -> Result<String, AppError> {
        let transport = |error: JsValue| AppError::Transport(format!("{error:?}"));
        let data = FormData::new_with_form(form).map_err(transport)?;
        let body = UrlSearchParams::new_with_str_sequence_sequence(&data).map_err(transport)?;
        let init = RequestInit::new();
        init.set_method("POST");
        init.set_body(&body);
        let headers = leptos::web_sys::Headers::new().map_err(transport)?;
        headers
            .set("Accept", "application/json")
            .map_err(transport)?;
        init.set_headers(&headers);
        let response: Response =
            JsFuture::from(window().fetch_with_str_and_init(&form.action(), &init))
                .await
                .map_err(transport)?
                .unchecked_into();
        let text = JsFuture::from(response.text().map_err(transport)?)
            .await
            .map_err(transport)?
            .as_string()
            .unwrap_or_default();
        if response.ok() {
            Ok(text)
        } else {
            Err(serde_json::from_str(&text)
                .unwrap_or_else(|_| AppError::Transport(format!("HTTP {}", response.status()))))
        }
    }

    /// The submit buttons say that the form is being sent, and cannot be
    /// pressed again meanwhile.
    fn set_pending(form: &HtmlFormElement, pending: bool) {
        let busy = if pending { "true" } else { "false" };
        let _ = form.set_attribute("aria-busy", busy);
        for button in all(form, "button[type=submit]") {
            let _ = button.set_attribute("aria-busy", busy);
            if pending {
                let _ = button.set_attribute("disabled", "");
            } else {
                let _ = button.remove_attribute("disabled");
            }
            if let Some(sending) = button.get_attribute("data-sending") {
                if pending {
                    let label = button.text_content().unwrap_or_default();
                    let _ = button.set_attribute("data-label", &label);
                    button.set_text_content(Some(&sending));
                } else if let Some(label) = button.get_attribute("data-label") {
                    button.set_text_content(Some(&label));
                }
            }
        }
    }

    fn succeeded(form: &HtmlFormElement, output: &str) {
        clear_errors(form);
        let location = window().location();
        let then = form
            .get_attribute("data-then")
            .and_then(|then| Then::parse(&then))
            .unwrap_or(Then::Reload);
        match then {
            Then::Reload => {
                // Not back to a plain post's mistakes (`?__err=`).
                let search = location.search().unwrap_or_default();
                if search.contains("__err") {
                    let _ = location.assign(&location.pathname().unwrap_or_default());
                } else {
                    let _ = location.reload();
                }
            }
            Then::Go(path) => {
                let _ = location.assign(&path);
            }
            Then::ShowRequest => {
                if let Ok(number) = serde_json::from_str::<String>(output) {
                    let path = format!("{}?sent=1", crate::requests::request_path(&number));
                    let _ = location.assign(&path);
                }
            }
            Then::Notice => {
                for notice in all(form, "[data-success]") {
                    let text = notice.get_attribute("data-success");
                    notice.set_text_content(text.as_deref());
                }
            }
            Then::GoToAnswer => {
                let path = serde_json::from_str::<String>(output).unwrap_or_default();
                if crate::forms::is_site_path(&path) {
                    let _ = location.assign(&path);
                }
            }
            Then::NextStep => next_step(form, output),
            Then::Passkey => {
                let init = leptos::web_sys::CustomEventInit::new();
                init.set_bubbles(true);
                init.set_detail(&JsValue::from_str(output));
                if let Ok(event) =
                    leptos::web_sys::CustomEvent::new_with_event_init_dict("passkey", &init)
                {
                    let _ = form.dispatch_event(&event);
                }
            }
            Then::ShowOutput => show_output(form, output),
        }
    }

    /// Hides this step of a flow and shows the next form of the island,
    /// carrying what this one was sent with into its hidden inputs of the
    /// same names, and filling its inputs marked `data-from="key"` with that
    /// field of the answer.
    fn next_step(form: &HtmlFormElement, output: &str) {
        let Some(next) = form
            .closest(".enhanced")
            .ok()
            .flatten()
            .map(|island| all(&island, "form"))
            .and_then(|forms| forms.into_iter().skip_while(|f| f != form.as_ref()).nth(1))
        else {
            return;
        };
        for hidden in all(&next, "input[type=hidden][name]") {
            let name = hidden.get_attribute("name").unwrap_or_default();
            let sent = form
                .query_selector(&format!("[name='{name}']"))
                .ok()
                .flatten()
                .and_then(|field| field.dyn_into::<leptos::web_sys::HtmlInputElement>().ok());
            if let (Some(sent), Ok(hidden)) =
                (sent, hidden.dyn_into::<leptos::web_sys::HtmlInputElement>())
            {
                hidden.set_value(&sent.value());
            }
        }
        let answer: serde_json::Value = serde_json::from_str(output).unwrap_or_default();
        for input in all(&next, "input[data-from]") {
            let key = input.get_attribute("data-from").unwrap_or_default();
            if let (Some(value), Ok(input)) = (
                answer.get(&key).and_then(|v| v.as_str()),
                input.dyn_into::<leptos::web_sys::HtmlInputElement>(),
            ) {
                input.set_value(value);
            }
        }
        let _ = form.set_attribute("hidden", "");
        let _ = next.remove_attribute("hidden");
        focus_first(&next);
    }

    /// Fills the island's `[data-output-field]` elements from the server
    /// function's answer (a JSON object, or nothing to fill) and shows them
    /// instead of the form.
    fn show_output(form: &HtmlFormElement, output: &str) {
        let fields = match serde_json::from_str(output) {
            Ok(serde_json::Value::Object(fields)) => fields,
            _ => serde_json::Map::new(),
        };
        let Some(island) = form.closest(".enhanced").ok().flatten() else {
            return;
        };
        for slot in all(&island, "[data-output-field]") {
            let name = slot.get_attribute("data-output-field").unwrap_or_default();
            if let Some(value) = fields.get(&name).and_then(|v| v.as_str()) {
                slot.set_text_content(Some(value));
            }
        }
        for shown in all(&island, "[data-output]") {
            let _ = shown.remove_attribute("hidden");
        }
        let _ = form.set_attribute("hidden", "");
        focus_first(&island);
    }

    fn show_error(form: &HtmlFormElement, error: &AppError, locale: Locale) {
        clear_errors(form);
        let mut listed = Vec::new();
        if let AppError::Validation(errors) = error {
            for problem in errors.0.iter().filter(|e| e.field != FORM) {
                let message = problem.problem.message(locale);
                let field = &problem.field;
                show_at_field(form, field, message);
                let label = within(form, &format!(".field[data-field='{field}']"))
                    .and_then(|wrapper| wrapper.get_attribute("data-label"));
                listed.push((field.clone(), label, message));
            }
        }
        if let Some(message) = error.form_message(locale) {
            if let Some(slot) = within(form, "[data-form-error]") {
                slot.set_text_content(Some(&message));
                let _ = slot.remove_attribute("hidden");
                let _ = slot.set_attribute("tabindex", "-1");
                let _ = slot.unchecked_ref::<leptos::web_sys::HtmlElement>().focus();
            }
        }
        if listed.is_empty() {
            return;
        }
        match within(form, "[data-error-summary]") {
            Some(summary) => {
                summary.set_inner_html("");
                let document = document();
                let (Ok(heading), Ok(list)) =
                    (document.create_element("p"), document.create_element("ul"))
                else {
                    return;
                };
                heading.set_inner_html("<strong></strong>");
                if let Some(strong) = heading.first_element_child() {
                    strong.set_text_content(Some(td_string!(locale, form.fix_these)));
                }
                for (field, label, message) in listed {
                    let (Ok(item), Ok(link)) =
                        (document.create_element("li"), document.create_element("a"))
                    else {
                        continue;
                    };
                    let id = within(form, &format!("[name='{field}']"))
                        .map_or_else(|| field.clone(), |input| input.id());
                    let _ = link.set_attribute("href", &format!("#{id}"));
                    let text = match label {
                        Some(label) => format!("{label}: {message}"),
                        None => message.to_owned(),
                    };
                    link.set_text_content(Some(&text));
                    let _ = item.append_child(&link);
                    let _ = list.append_child(&item);
                }
                let _ = summary.append_child(&heading);
                let _ = summary.append_child(&list);
                let _ = summary.remove_attribute("hidden");
                let _ = summary
                    .unchecked_ref::<leptos::web_sys::HtmlElement>()
                    .focus();
            }
            None => focus_first_invalid(form),
        }
    }

    /// The error slot of `field`: in its wrapper (its id may not be the
    /// field's name), or by the name's id.
    fn error_slot(form: &HtmlFormElement, field: &str) -> Option<Element> {
        within(form, &format!(".field[data-field='{field}'] .field-error"))
            .or_else(|| within(form, &format!("#{field}-error")))
    }

    /// Shows `message` at `field`: in its error slot, tied to its input
    /// (`aria-invalid`, `aria-describedby`), its wrapper marked.
    fn show_at_field(form: &HtmlFormElement, field: &str, message: &str) {
        let slot = error_slot(form, field);
        if let Some(slot) = &slot {
            slot.set_text_content(Some(message));
        }
        if let Some(input) = within(form, &format!("[name='{field}']")) {
            let _ = input.set_attribute("aria-invalid", "true");
            let described = input.get_attribute("aria-describedby").unwrap_or_default();
            let error_id = slot.map_or_else(|| format!("{field}-error"), |slot| slot.id());
            if !described.split(' ').any(|id| id == error_id) {
                let ids = format!("{described} {error_id}");
                let _ = input.set_attribute("aria-describedby", ids.trim());
            }
            if let Some(wrapper) = input.closest(".field").ok().flatten() {
                let _ = wrapper.class_list().add_1("invalid");
            }
        }
    }

    /// Takes the message of one field back.
    fn clear_field(form: &HtmlFormElement, field: &str) {
        if let Some(slot) = error_slot(form, field) {
            slot.set_text_content(None);
        }
        if let Some(input) = within(form, &format!("[name='{field}']")) {
            let _ = input.set_attribute("aria-invalid", "false");
            if let Some(wrapper) = input.closest(".field").ok().flatten() {
                let _ = wrapper.class_list().remove_1("invalid");
            }
        }
    }

    /// Takes back what the last answer showed.
    fn clear_errors(form: &HtmlFormElement) {
        for slot in all(form, ".field-error") {
            slot.set_text_content(None);
        }
        for wrapper in all(form, ".field.invalid") {
            let _ = wrapper.class_list().remove_1("invalid");
        }
        for input in all(form, "[aria-invalid=true]") {
            let _ = input.set_attribute("aria-invalid", "false");
        }
        for slot in all(form, "[data-form-error], [data-error-summary]") {
            slot.set_inner_html("");
            let _ = slot.set_attribute("hidden", "");
        }
        for notice in all(form, "[data-success]") {
            notice.set_text_content(None);
        }
    }

    fn focus_first_invalid(form: &HtmlFormElement) {
        if let Some(input) = within(form, "[aria-invalid=true]") {
            let _ = input
                .unchecked_ref::<leptos::web_sys::HtmlElement>()
                .focus();
        }
    }

    fn focus_first(root: &Element) {
        if let Some(input) = within(
            root,
            "input:not([type=hidden]), select, textarea, [data-output]",
        ) {
            let _ = input
                .unchecked_ref::<leptos::web_sys::HtmlElement>()
                .focus();
        }
    }

    fn within(root: &Element, selector: &str) -> Option<Element> {
        root.query_selector(selector).ok().flatten()
    }

    fn all(root: &Element, selector: &str) -> Vec<Element> {
        let Ok(found) = root.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..found.length())
            .filter_map(|i| found.item(i))
            .filter_map(|node| node.dyn_into::<Element>().ok())
            .collect()
    }
}
