//! What the sections that send requests share: the two tabs — the form,
//! and the list of what was sent from this section — and that list, which
//! follows status changes live.

use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::requests::kinds::RequestKind;
use crate::requests::{my_requests, LoadedRequestList};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::components::A;

/// A section that sends requests of `kind`: its heading and two tabs,
/// «Новая заявка» (`form`) and «Список заявок», as links (`?tab=list`), so
/// both work before the wasm loads and the back button goes between them.
#[component]
pub fn RequestSection(section: Section, kind: RequestKind, form: fn() -> AnyView) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let on_list = Memo::new(move |_| query.with(|q| q.get("tab").as_deref() == Some("list")));
    let current = move |list_tab: bool| (on_list.get() == list_tab).then_some("page");
    view! {
        <PageTitle text=Signal::derive(move || section.label(locale))/>
        <nav class="tabs" aria-label=move || section.label(locale)>
            // Plain links: the router's own would mark both as current,
            // since they differ only in the query.
            <a href=section.path() class="tab" aria-current=move || current(false)>
                {tab_labels(section, locale).0}
            </a>
            <a href=format!("{}?tab=list", section.path()) class="tab" aria-current=move || current(true)>
                {tab_labels(section, locale).1}
            </a>
        </nav>
        {move || if on_list.get() { view! { <SectionRequests kind/> }.into_any() } else { form() }}
    }
}

/// The two tabs' names as the manual gives them: «Запросить документы»
/// sends a query («запрос»), the others a request («заявка»).
fn tab_labels(section: Section, locale: crate::i18n::Locale) -> (&'static str, &'static str) {
    match section {
        Section::Documents => (
            td_string!(locale, request.tab_form_documents),
            td_string!(locale, request.tab_list_documents),
        ),
        _ => (
            td_string!(locale, request.tab_form),
            td_string!(locale, request.tab_list),
        ),
    }
}

/// The patient's requests of one kind, newest first, followed live.
#[component]
fn SectionRequests(kind: RequestKind) -> impl IntoView {
    let locale = use_locale();
    let requests = Resource::new(
        || (),
        move |_| my_requests(kind.as_str().to_owned(), String::new()),
    );
    view! {
        <LoadedRequestList requests/>
        <p><A href=Section::Requests.path()>{td_string!(locale, request.all_requests)}</A></p>
    }
}
