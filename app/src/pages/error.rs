//! The error page: what happened in plain words and the request id to give
//! to the help line, which matches the server's log lines.

use crate::clinic::page_context;
#[cfg(feature = "ssr")]
use crate::i18n::Locale;
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::PageTitle;
use leptos::prelude::*;

#[component]
pub fn ErrorPage() -> impl IntoView {
    let i18n = use_i18n();
    let request_id = page_context().request_id;
    view! {
        <main id="content" class="auth">
            <div class="auth-card">
                <PageTitle text=Signal::derive(move || td_string!(i18n.get_locale(), error.title))/>
                <p>{t!(i18n, error.body)}</p>
                {request_id
                    .map(|id| {
                        view! {
                            <p class="request-id">
                                {t!(i18n, error.request_id)}
                                <code>{id}</code>
                            </p>
                        }
                    })}
                <p>
                    <a href="" class="button">{t!(i18n, error.retry)}</a>
                </p>
            </div>
        </main>
    }
}

/// The same page as plain HTML for when the application itself cannot render
/// (a handler panicked): Russian, the default language, with the request id.
#[cfg(feature = "ssr")]
pub fn static_error_page(request_id: &str) -> String {
    let locale = Locale::ru;
    format!(
        "<!DOCTYPE html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/cabinet.css\"></head>\
         <body><main id=\"content\" class=\"auth\"><div class=\"auth-card\">\
         <h1 class=\"page-title\">{title}</h1><p>{body}</p>\
         <p class=\"request-id\">{label} <code>{id}</code></p>\
         <p><a class=\"button\" href=\"\">{retry}</a></p></div></main></body></html>",
        title = td_string!(locale, error.title),
        body = td_string!(locale, error.body),
        label = td_string!(locale, error.request_id),
        retry = td_string!(locale, error.retry),
        id = escape_html(request_id),
    )
}

/// Escapes text for HTML built by hand (this page, the mail).
#[cfg(feature = "ssr")]
pub(crate) fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}
