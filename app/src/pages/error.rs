//! The error page: what happened in plain words and the request id to give
//! to the help line, which matches the server's log lines.

use crate::clinic::page_context;
use crate::error::AppError;
use crate::forms::FormError;
use crate::i18n::td_string;
#[cfg(feature = "ssr")]
use crate::i18n::Locale;
use crate::islands::use_locale;
use crate::layout::PageTitle;
#[cfg(feature = "ssr")]
use crate::texts::fill;
use leptos::prelude::*;

#[component]
pub fn ErrorPage() -> impl IntoView {
    let locale = use_locale();
    let request_id = page_context().request_id;
    view! {
        <main id="content" class="auth">
            <div class="auth-card">
                <PageTitle text=Signal::derive(move || td_string!(locale, error.title))/>
                <WhatWentWrong request_id/>
            </div>
        </main>
    }
}

/// What the error page and a failed load both say under their heading:
/// what happened, the request id to give the help line, and a retry.
#[component]
fn WhatWentWrong(request_id: Option<String>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <p>{td_string!(locale, error.body)}</p>
        {request_id
            .map(|id| {
                view! {
                    <p class="request-id">
                        {td_string!(locale, error.request_id)}
                        <code>{id}</code>
                    </p>
                }
            })}
        <p>
            <a href="" class="button">{td_string!(locale, error.retry)}</a>
        </p>
    }
}

/// What a page shows in place of data that failed to load. While the server
/// renders, it also sets the status the page answers with — 500 when we
/// failed (the database locked or gone), 404 for what is not there or not
/// the reader's — so a monitor or a load balancer sees what the patient
/// sees. Pages that load data render in full before answering
/// (`SsrMode::Async`), so the status is not sent before the data is read.
#[component]
pub fn LoadFailed(error: AppError) -> impl IntoView {
    let locale = use_locale();
    #[cfg(feature = "ssr")]
    if matches!(
        error,
        AppError::Internal { .. } | AppError::NotFound | AppError::Unavailable { .. }
    ) {
        crate::context::set_page_status(error.status());
    }
    match error {
        AppError::Internal { request_id } => view! {
            <section class="notice load-failed" role="alert" aria-labelledby="load-failed-title">
                <h2 id="load-failed-title">{td_string!(locale, error.title)}</h2>
                <WhatWentWrong request_id/>
            </section>
        }
        .into_any(),
        other => view! { <FormError error=Signal::stored(Some(other))/> }.into_any(),
    }
}

/// The same page as plain HTML for when the application itself cannot render
/// (a handler panicked): Russian, the default language, with the request id.
#[cfg(feature = "ssr")]
pub fn static_error_page(request_id: &str) -> String {
    let locale = Locale::ru;
    static_page(
        locale,
        td_string!(locale, error.title),
        td_string!(locale, error.body),
        Some(request_id),
    )
}

/// The page for when the server cannot reach its database, in the reader's
/// language: nothing is shown as if they were signed out, nor as if signed
/// in; they are asked to try again.
#[cfg(feature = "ssr")]
pub fn static_unavailable_page(locale: Locale, retry_after_secs: u64) -> String {
    static_page(
        locale,
        td_string!(locale, error.unavailable_title),
        &fill(
            td_string!(locale, error.unavailable_body),
            &[("seconds", &retry_after_secs.to_string())],
        ),
        None,
    )
}

#[cfg(feature = "ssr")]
fn static_page(locale: Locale, title: &str, body: &str, request_id: Option<&str>) -> String {
    use leptos_i18n::Locale as _;
    let request_id = request_id
        .map(|id| {
            format!(
                "<p class=\"request-id\">{label} <code>{id}</code></p>",
                label = td_string!(locale, error.request_id),
                id = escape_html(id),
            )
        })
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/cabinet.css\"></head>\
         <body><main id=\"content\" class=\"auth\"><div class=\"auth-card\">\
         <h1 class=\"page-title\">{title}</h1><p>{body}</p>{request_id}\
         <p><a class=\"button\" href=\"\">{retry}</a></p></div></main></body></html>",
        lang = locale.as_str(),
        title = escape_html(title),
        body = escape_html(body),
        retry = td_string!(locale, error.retry),
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
