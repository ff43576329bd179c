//! «Вход для сотрудников»: staff sign in at `/admin/login` with their own
//! cookie and session, never the patient's.

use crate::clinic::page_context;
use crate::error::AppError;
use crate::forms::{action_error, CredentialsFields, EnhancedForm, FormError, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::AuthPage;
use leptos::prelude::*;

/// Signs a staff member in, with their own cookie and session.
#[server(endpoint = "admin/sign_in")]
pub async fn staff_sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::auth::sign_in::{sign_in, AccountKind};
    crate::context::reply(sign_in(AccountKind::Staff, login, password).await)
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

/// The staff member's «Логин», «Пароль», «Войти»: on success the module's
/// start page.
#[component]
fn StaffSignInForm() -> impl IntoView {
    let action = ServerAction::<StaffSignIn>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::Go("/admin".to_owned()) class="form">
            <FormError error=error/>
            <CredentialsFields error=error/>
            <SubmitButton label=td_string!(use_locale(), login.submit)/>
        </EnhancedForm>
    }
}
