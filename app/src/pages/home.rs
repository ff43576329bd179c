//! «Главная»: the start page. Its summary cards arrive with the sections they
//! summarise; until then it says what will appear here.

use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, menu.home))/>
        <p class="lead">{td_string!(locale, section.home_intro)}</p>
    }
}
