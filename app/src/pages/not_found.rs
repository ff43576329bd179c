//! The 404 page: answers with status 404 and a way back.

use crate::i18n::{t, td_string, use_i18n};
use crate::layout::PageTitle;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <main id="content" class="auth">
            <div class="auth-card">
                <PageTitle text=Signal::derive(move || td_string!(i18n.get_locale(), not_found.title))/>
                <p>{t!(i18n, not_found.body)}</p>
                <p>
                    <A href="/" attr:class="button">{t!(i18n, not_found.home)}</A>
                </p>
            </div>
        </main>
    }
}
