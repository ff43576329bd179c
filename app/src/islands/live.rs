//! The part of a page that follows the patient's requests while it is open:
//! «Все запросы», a section's «Список заявок», a request's own page. When
//! the server says one of the patient's requests changed, the island reads
//! the same page again and puts its new content in place — the page is
//! not reloaded, and what the server renders stays the one rendering — and
//! says which request changed, for screen readers and the eye alike.

use leptos::prelude::*;

#[island]
pub fn LiveRequests(children: Children) -> impl IntoView {
    let news = crate::requests::request_news();
    let notice = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(news) = news.get() {
            browser::refresh(news, notice);
        }
    });
    view! {
        // Forms inside (a request's «Отменить заявку») stay enhanced after
        // their markup was put in again.
        <div class="live" on:submit=super::form::browser::on_submit>
            <p class="live-news" role="status" aria-live="polite">{move || notice.get()}</p>
            <div data-live-content>{children()}</div>
        </div>
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    use crate::requests::RequestNews;
    use leptos::prelude::*;

    /// Islands run in the browser only.
    pub fn refresh(_news: RequestNews, _notice: RwSignal<String>) {}
}

#[cfg(feature = "hydrate")]
mod browser {
    use crate::i18n::td_string;
    use crate::islands::use_locale;
    use crate::requests::{status_label, RequestNews};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use leptos::web_sys::{DomParser, Response, SupportedType};
    use wasm_bindgen_futures::JsFuture;

    /// Reads the page again and puts its live part in place of ours; then
    /// says what changed.
    pub fn refresh(news: RequestNews, notice: RwSignal<String>) {
        let locale = use_locale();
        leptos::task::spawn_local(async move {
            if let Some(fresh) = fresh_content().await {
                if let Some(ours) = document()
                    .query_selector(".live [data-live-content]")
                    .ok()
                    .flatten()
                {
                    ours.set_inner_html(&fresh);
                }
            }
            if news.results {
                notice.set(td_string!(locale, results.news).to_owned());
            } else if let Some(status) = news.status {
                notice.set(format!(
                    "{} {}: {}",
                    td_string!(locale, request.changed),
                    news.number,
                    status_label(status, locale),
                ));
            }
        });
    }

    async fn fresh_content() -> Option<String> {
        let href = window().location().href().ok()?;
        let response: Response = JsFuture::from(window().fetch_with_str(&href))
            .await
            .ok()?
            .dyn_into()
            .ok()?;
        if !response.ok() {
            return None;
        }
        let html = JsFuture::from(response.text().ok()?)
            .await
            .ok()?
            .as_string()?;
        let page = DomParser::new()
            .ok()?
            .parse_from_string(&html, SupportedType::TextHtml)
            .ok()?;
        let content = page.query_selector(".live [data-live-content]").ok()??;
        Some(content.inner_html())
    }
}
