//! «Главная»: the start page. Its summary cards arrive with the sections they
//! summarise; until then it says what will appear here.

use crate::i18n::{t, td_string, use_i18n};
use crate::layout::PageTitle;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle text=Signal::derive(move || td_string!(i18n.get_locale(), menu.home))/>
        <p class="lead">{t!(i18n, section.home_intro)}</p>
    }
}
