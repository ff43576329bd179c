//! «Нет соединения»: what the service worker (served by
//! `server/src/pwa/`) shows for a page that could not be fetched and has
//! no copy on the device. Kept by the service worker when it installs, so
//! it holds nothing personal.

use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::{LanguageSwitch, PageTitle};
use crate::sections::Section;
use leptos::prelude::*;

#[component]
pub fn OfflinePage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <main id="content" class="auth">
            <div class="auth-card">
                <PageTitle text=Signal::derive(move || td_string!(locale, offline.title))/>
                <p>{td_string!(locale, offline.body)}</p>
                <p>{td_string!(locale, offline.readable)}</p>
                <ul class="plain-list">
                    {[Section::Calendar, Section::Results, Section::Requests]
                        .into_iter()
                        .map(|section| view! { <li><a href=section.path()>{section.label(locale)}</a></li> })
                        .collect_view()}
                </ul>
                <p><a class="button" href="/">{td_string!(locale, error.retry)}</a></p>
            </div>
        </main>
        <footer class="footer"><LanguageSwitch/></footer>
    }
}

/// The words of the web app manifest, in `locale`: name, short name,
/// description and the language's tag.
pub fn manifest_texts(locale: crate::i18n::Locale) -> [&'static str; 4] {
    use leptos_i18n::Locale as _;
    [
        td_string!(locale, app.title),
        td_string!(locale, offline.short_name),
        td_string!(locale, offline.description),
        locale.as_str(),
    ]
}
