//! The 404 page: answers with status 404 and a way back.

use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let locale = use_locale();
    view! {
        <main id="content" class="auth">
            <div class="auth-card">
                <PageTitle text=Signal::derive(move || td_string!(locale, not_found.title))/>
                <p>{td_string!(locale, not_found.body)}</p>
                <p>
                    <A href="/" attr:class="button">{td_string!(locale, not_found.home)}</A>
                </p>
            </div>
        </main>
    }
}
