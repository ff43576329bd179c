//! The administrative module's own frame: who is signed in, what their roles
//! open, and «Выйти». Without a staff session it sends the browser to
//! `/admin/login` — for the eye only: every staff server function checks
//! the role again.

use super::sign_in::StaffSignOut;
use crate::clinic::page_context;
use crate::domain::StaffRole;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::DocumentTitle;
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_router::components::{Outlet, A};

#[component]
pub fn AdminLayout() -> impl IntoView {
    let locale = use_locale();
    let page = page_context();
    #[cfg(feature = "ssr")]
    match &page.staff {
        None => leptos_axum::redirect("/admin/login"),
        // The clinic requires a second step they have not set up: that
        // first, before anything else.
        Some(staff)
            if staff.needs_second_factor
                && leptos_router::hooks::use_location()
                    .pathname
                    .get_untracked()
                    != super::SECOND_FACTOR_PATH =>
        {
            leptos_axum::redirect(super::SECOND_FACTOR_PATH)
        }
        Some(_) => {}
    }
    let staff = page.staff.clone();
    let may = move |role: StaffRole| {
        staff
            .as_ref()
            .is_some_and(|s| s.roles.contains(&role) || s.roles.contains(&StaffRole::Admin))
    };
    view! {
        <DocumentTitle text=move || td_string!(locale, admin.title).to_owned()/>
        <header class="topbar admin">
            <A href="/admin" attr:class="brand">
                <span class="brand-clinic">{page.clinic.name.clone()}</span>
                <span class="brand-product">{td_string!(locale, admin.title)}</span>
            </A>
            <div class="account">
                <span class="account-name">{page.staff.as_ref().map(|s| s.full_name.clone())}</span>
                // A plain form: the server ends the session and sends the
                // browser to the sign-in page.
                <form method="post" action=StaffSignOut::url() class="sign-out">
                    <button type="submit" class="button link">{td_string!(locale, login.sign_out)}</button>
                </form>
            </div>
        </header>
        <nav class="admin-nav" aria-label=move || td_string!(locale, admin.nav)>
            <ul>
                {may(StaffRole::Operator).then(|| view! {
                    <li><A href="/admin/requests">{td_string!(locale, admin.queue)}</A></li>
                })}
                {may(StaffRole::Reception).then(|| view! {
                    <li><A href="/admin/cabinets/new">{td_string!(locale, admin.open_cabinet)}</A></li>
                    <li><A href="/admin/patients">{td_string!(locale, admin.patients)}</A></li>
                })}
                {may(StaffRole::Editor).then(|| view! {
                    <li><A href="/admin/content">{td_string!(locale, admin.content)}</A></li>
                })}
                {may(StaffRole::Admin).then(|| view! {
                    <li><A href="/admin/staff">{td_string!(locale, admin.staff)}</A></li>
                    <li><A href="/admin/integration">{td_string!(locale, admin.integration)}</A></li>
                })}
                <li><A href=super::SECOND_FACTOR_PATH>{td_string!(locale, second_factor.nav)}</A></li>
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
    let locale = use_locale();
    let staff = page_context().staff;
    let is_admin = staff
        .as_ref()
        .is_some_and(|staff| staff.roles.contains(&StaffRole::Admin));
    let is_reception = is_admin
        || staff
            .as_ref()
            .is_some_and(|staff| staff.roles.contains(&StaffRole::Reception));
    view! {
        <h1 class="page-title">{td_string!(locale, admin.title)}</h1>
        <p class="lead">{td_string!(locale, admin.home_intro)}</p>
        {is_reception.then(|| view! { <super::patients::ResetSecondFactorForm/> })}
        {is_admin.then(|| view! { <super::patients::DisableCabinetForm/> })}
    }
}
