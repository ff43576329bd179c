//! The administrative module's own frame: who is signed in, what their roles
//! open, and «Выйти». Without a staff session it sends the browser to
//! `/admin/login` — for the eye only: every staff server function checks
//! the role again.

use super::sign_in::StaffSignOut;
use crate::clinic::page_context;
use crate::domain::StaffRole;
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::DocumentTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::{Outlet, A};

#[component]
pub fn AdminLayout() -> impl IntoView {
    let i18n = use_i18n();
    let page = page_context();
    #[cfg(feature = "ssr")]
    if page.staff.is_none() {
        leptos_axum::redirect("/admin/login");
    }
    let staff = page.staff.clone();
    let may = move |role: StaffRole| {
        staff
            .as_ref()
            .is_some_and(|s| s.roles.contains(&role) || s.roles.contains(&StaffRole::Admin))
    };
    view! {
        <DocumentTitle text=move || td_string!(i18n.get_locale(), admin.title).to_owned()/>
        <header class="topbar admin">
            <A href="/admin" attr:class="brand">
                <span class="brand-clinic">{page.clinic.name.clone()}</span>
                <span class="brand-product">{t!(i18n, admin.title)}</span>
            </A>
            <div class="account">
                <span class="account-name">{page.staff.as_ref().map(|s| s.full_name.clone())}</span>
                // A plain form: the server ends the session and sends the
                // browser to the sign-in page.
                <form method="post" action=StaffSignOut::url() class="sign-out">
                    <button type="submit" class="button link">{t!(i18n, login.sign_out)}</button>
                </form>
            </div>
        </header>
        <nav class="admin-nav" aria-label=move || td_string!(i18n.get_locale(), admin.nav)>
            <ul>
                {may(StaffRole::Operator).then(|| view! {
                    <li><A href="/admin/requests">{t!(i18n, admin.queue)}</A></li>
                })}
                {may(StaffRole::Reception).then(|| view! {
                    <li><A href="/admin/cabinets/new">{t!(i18n, admin.open_cabinet)}</A></li>
                    <li><A href="/admin/patients">{t!(i18n, admin.patients)}</A></li>
                })}
                {may(StaffRole::Admin).then(|| view! {
                    <li><A href="/admin/staff">{t!(i18n, admin.staff)}</A></li>
                })}
            </ul>
        </nav>
        <main id="content" class="content" tabindex="-1">
            <Outlet/>
        </main>
    }
}

/// `/admin`: where to go from here.
#[component]
pub fn AdminHome() -> impl IntoView {
    let i18n = use_i18n();
    let is_admin = page_context()
        .staff
        .is_some_and(|staff| staff.roles.contains(&StaffRole::Admin));
    view! {
        <h1 class="page-title">{t!(i18n, admin.title)}</h1>
        <p class="lead">{t!(i18n, admin.home_intro)}</p>
        {is_admin.then(|| view! { <super::patients::DisableCabinetForm/> })}
    }
}
