//! «Вход для сотрудников»: staff sign in at `/admin/login` with their own
//! cookie and session, never the patient's.

use crate::clinic::page_context;
use crate::error::AppError;
use crate::forms::{
    action_error, CredentialsFields, EnhancedForm, FormError, SecondStepForm, SubmitButton, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::AuthPage;
use leptos::prelude::*;

/// Signs a staff member in, with their own cookie and session — or, with
/// an authenticator app, the second step; the answer is where to go next.
#[server(endpoint = "admin/sign_in")]
pub async fn staff_sign_in(login: String, password: String) -> Result<String, AppError> {
    use crate::auth::sign_in::{sign_in, AccountKind};
    crate::context::reply(sign_in(AccountKind::Staff, login, password).await)
}

/// A staff member's second step.
#[server(endpoint = "admin/sign_in/code")]
pub async fn staff_sign_in_code(code: String) -> Result<String, AppError> {
    use crate::auth::sign_in::{sign_in_second_step, AccountKind};
    crate::context::reply(sign_in_second_step(AccountKind::Staff, code).await)
}

#[server(endpoint = "admin/sign_out")]
pub async fn staff_sign_out() -> Result<(), AppError> {
    use crate::auth::sign_in::{sign_out, AccountKind};
    crate::context::reply(sign_out(AccountKind::Staff).await)
}

#[component]
pub fn AdminLoginPage() -> impl IntoView {
    let page = page_context();
    #[cfg(feature = "ssr")]
    if page.staff.is_some() {
        leptos_axum::redirect("/admin");
    }
    view! {
        <AuthPage title=|l| td_string!(l, admin.sign_in_title) brand=page.clinic.name>
            <StaffSignInForm/>
        </AuthPage>
    }
}

/// A staff member's second step (`/admin/login/code`).
#[component]
pub fn AdminSecondStepPage() -> impl IntoView {
    let locale = use_locale();
    let page = page_context();
    #[cfg(feature = "ssr")]
    if page.staff.is_some() {
        leptos_axum::redirect("/admin");
    } else if !crate::auth::sign_in::second_step_begun(crate::auth::sign_in::AccountKind::Staff) {
        // Nothing to confirm: the password comes first.
        leptos_axum::redirect("/admin/login");
    }
    let action = ServerAction::<StaffSignInCode>::new();
    view! {
        <AuthPage title=|l| td_string!(l, second_step.title) brand=page.clinic.name>
            <SecondStepForm action/>
            <p class="auth-links">
                <a href="/admin/login">{td_string!(locale, login.back)}</a>
            </p>
        </AuthPage>
    }
}

/// The staff member's «Логин», «Пароль», «Войти»: on success the module's
/// start page, or the second step.
#[component]
fn StaffSignInForm() -> impl IntoView {
    let action = ServerAction::<StaffSignIn>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::GoToAnswer class="form">
            <FormError error=error/>
            <CredentialsFields error=error/>
            <SubmitButton label=td_string!(use_locale(), login.submit)/>
        </EnhancedForm>
    }
}
