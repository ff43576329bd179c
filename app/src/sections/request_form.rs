//! What the sections that send requests share: the two tabs — the form,
//! and the list of what was sent from this section — and that list, which
//! follows status changes live.

use crate::i18n::{t, use_i18n};
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
    let i18n = use_i18n();
    let query = leptos_router::hooks::use_query_map();
    let on_list = Memo::new(move |_| query.with(|q| q.get("tab").as_deref() == Some("list")));
    let current = move |list_tab: bool| (on_list.get() == list_tab).then_some("page");
    view! {
        <PageTitle text=Signal::derive(move || section.label(i18n.get_locale()))/>
        <nav class="tabs" aria-label=move || section.label(i18n.get_locale())>
            // Plain links: the router's own would mark both as current,
            // since they differ only in the query.
            <a href=section.path() class="tab" aria-current=move || current(false)>
                {t!(i18n, request.tab_form)}
            </a>
            <a href=format!("{}?tab=list", section.path()) class="tab" aria-current=move || current(true)>
                {t!(i18n, request.tab_list)}
            </a>
        </nav>
        {move || if on_list.get() { view! { <SectionRequests kind/> }.into_any() } else { form() }}
    }
}

/// The patient's requests of one kind, newest first, followed live.
#[component]
fn SectionRequests(kind: RequestKind) -> impl IntoView {
    let i18n = use_i18n();
    let requests = Resource::new(
        || (),
        move |_| my_requests(kind.as_str().to_owned(), String::new()),
    );
    view! {
        <LoadedRequestList requests kind=kind.as_str().to_owned() status=String::new()/>
        <p><A href=Section::Requests.path()>{t!(i18n, request.all_requests)}</A></p>
    }
}
