//! «Вход в Личный кабинет»: the sign-in page, its second step for an
//! account with an authenticator app, sign-in and sign-out.

use crate::clinic::{page_context, tel_href};
use crate::error::AppError;
use crate::forms::{
    action_error, CredentialsFields, EnhancedForm, FormError, SecondStepForm, SubmitButton, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::AuthPage;
use crate::layout::{InstallButton, LanguageSwitch};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

/// Signs a patient in: a new session, its token in a cookie — or, with an
/// authenticator app, the second step. An unknown login and a wrong
/// password get the same answer in the same time. The answer is where to
/// go next.
#[server(endpoint = "sign_in")]
pub async fn sign_in(login: String, password: String) -> Result<String, AppError> {
    use crate::auth::sign_in::{sign_in, AccountKind};
    crate::context::reply(sign_in(AccountKind::Patient, login, password).await)
}

/// The second step: the code from the app, or a recovery code.
#[server(endpoint = "sign_in/code")]
pub async fn sign_in_code(code: String) -> Result<String, AppError> {
    use crate::auth::sign_in::{sign_in_second_step, AccountKind};
    crate::context::reply(sign_in_second_step(AccountKind::Patient, code).await)
}

/// Ends the patient's session on the server and clears the cookie.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::auth::sign_in::{sign_out, AccountKind};
    crate::context::reply(sign_out(AccountKind::Patient).await)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let locale = use_locale();
    let page = page_context();
    // Already signed in: straight to «Главная».
    #[cfg(feature = "ssr")]
    if page.patient.is_some() {
        leptos_axum::redirect("/");
    }
    let clinic = page.clinic;
    let phone_href = tel_href(&clinic.help_phone);
    view! {
        <AuthPage title=|l| td_string!(l, login.title) brand=clinic.name>
            <SignInForm/>
            <p class="auth-links">
                <a href="/recover">{td_string!(locale, login.forgot)}</a>
                <a href="/activate">{td_string!(locale, login.activate)}</a>
            </p>
            <p class="help">
                {td_string!(locale, login.help)}
                <a class="help-phone" href=phone_href>{clinic.help_phone}</a>
            </p>
            <LanguageSwitch/>
            <InstallButton/>
        </AuthPage>
    }
}

/// «Подтверждение входа» (`/login/code`): after the right password of an
/// account with an authenticator app.
#[component]
pub fn SecondStepPage() -> impl IntoView {
    let locale = use_locale();
    let page = page_context();
    #[cfg(feature = "ssr")]
    if page.patient.is_some() {
        leptos_axum::redirect("/");
    } else if !crate::auth::sign_in::second_step_begun(crate::auth::sign_in::AccountKind::Patient) {
        // Nothing to confirm: the password comes first.
        leptos_axum::redirect("/login");
    }
    let action = ServerAction::<SignInCode>::new();
    view! {
        <AuthPage title=|l| td_string!(l, second_step.title) brand=page.clinic.name>
            <SecondStepForm action/>
            <p class="field-hint">{td_string!(locale, second_step.lost)}</p>
            <p class="auth-links">
                <a href="/login">{td_string!(locale, login.back)}</a>
            </p>
        </AuthPage>
    }
}

/// «Логин», «Пароль», «Войти»: on success the cabinet's start page, or the
/// second step.
#[component]
fn SignInForm() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::GoToAnswer class="form">
            <FormError error=error/>
            <CredentialsFields error=error/>
            <SubmitButton label=td_string!(use_locale(), login.submit)/>
        </EnhancedForm>
    }
}

/// «Выход»: a plain form; the server ends the session and sends the browser
/// to «Вход».
#[component]
pub fn SignOutButton() -> impl IntoView {
    let locale = use_locale();
    view! {
        <form method="post" action=SignOut::url() class="sign-out">
            <button type="submit" class="button link">{td_string!(locale, login.sign_out)}</button>
        </form>
    }
}
