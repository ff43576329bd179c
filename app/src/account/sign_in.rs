//! «Вход в Личный кабинет»: the sign-in page, sign-in and sign-out.

use crate::clinic::{page_context, tel_href};
use crate::error::AppError;
use crate::forms::{action_error, CredentialsFields, EnhancedForm, FormError, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::AuthPage;
use crate::layout::{InstallButton, LanguageSwitch};
use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

/// Signs a patient in: a new session, its token in a cookie. An unknown
/// login and a wrong password get the same answer in the same time.
#[server(endpoint = "sign_in")]
pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
    use crate::auth::sign_in::{sign_in, AccountKind};
    crate::context::reply(sign_in(AccountKind::Patient, login, password).await)
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

/// «Логин», «Пароль», «Войти»: on success the cabinet's start page.
#[component]
fn SignInForm() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::Go("/".to_owned()) class="form">
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
