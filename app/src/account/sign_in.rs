//! «Вход в Личный кабинет»: the sign-in page, its second step for an
//! account with an authenticator app or a passkey, sign-in with a passkey
//! alone, and sign-out.

use crate::clinic::{page_context, tel_href};
use crate::error::AppError;
use crate::forms::{
    action_error, CredentialsFields, EnhancedForm, FormError, SecondStepForm, SubmitButton, Then,
};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::layout::AuthPage;
use crate::layout::{InstallButton, LanguageSwitch};
use crate::sections::settings::passkeys::{
    PasskeyAnswerForm, PasskeyChallenge, PasskeyForm, PasskeyScript,
};
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

/// The challenge of a sign-in with a passkey alone.
#[server(endpoint = "sign_in/passkey/begin")]
pub async fn begin_passkey_sign_in() -> Result<PasskeyChallenge, AppError> {
    crate::context::reply(crate::auth::passkey::begin_sign_in().await)
}

/// The challenge of the second step, for one of the account's passkeys.
#[server(endpoint = "sign_in/code/passkey")]
pub async fn begin_passkey_step() -> Result<PasskeyChallenge, AppError> {
    crate::context::reply(crate::auth::passkey::begin_second_step().await)
}

/// The device's answer to either challenge; the answer is where to go next.
#[server(endpoint = "sign_in/passkey")]
pub async fn sign_in_passkey(ceremony: String, credential: String) -> Result<String, AppError> {
    crate::context::reply(crate::auth::passkey::sign_in(ceremony, credential).await)
}

/// How the sign-in waiting in this browser can be confirmed: with a code
/// from the app, with a passkey.
#[server(endpoint = "sign_in/code/means")]
pub async fn second_step_means() -> Result<(bool, bool), AppError> {
    crate::context::reply(crate::auth::passkey::second_step_means().await)
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
            <PasskeyButton
                begin={ServerAction::<BeginPasskeySignIn>::new()}
                label=td_string!(locale, login.with_passkey)
            />
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
    let means = Resource::new(|| (), |_| second_step_means());
    view! {
        <AuthPage title=|l| td_string!(l, second_step.title) brand=page.clinic.name>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    // A step that is over is named by the code's form.
                    let (code, key) = means.await.unwrap_or((true, false));
                    view! {
                        {key.then(|| view! {
                            <PasskeyButton
                                begin={ServerAction::<BeginPasskeyStep>::new()}
                                label=td_string!(locale, second_step.with_passkey)
                            />
                        })}
                        {(code || !key).then(|| view! {
                            <SecondStepForm action/>
                            <p class="field-hint">{td_string!(locale, second_step.lost)}</p>
                        })}
                        {(key && !code).then(|| view! {
                            <p class="field-hint">{td_string!(locale, second_step.lost_key)}</p>
                        })}
                    }
                })}
            </Suspense>
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

/// A sign-in with a passkey: its button, which fetches the challenge
/// `B` answers with, and the form that sends the device's answer. Shown
/// by the passkey script where the browser can use passkeys.
#[component]
fn PasskeyButton<B>(begin: ServerAction<B>, label: &'static str) -> impl IntoView
where
    B: leptos::server_fn::ServerFn<Output = PasskeyChallenge, Error = AppError>
        + Clone
        + Send
        + Sync
        + 'static,
{
    let finish = ServerAction::<SignInPasskey>::new();
    let error = action_error(begin);
    view! {
        <PasskeyScript/>
        <FormEnhancer>
            <PasskeyForm action=begin ceremony="get">
                <FormError error=error/>
                // Beside the password's «Войти», not above it.
                <button type="submit" class="button" data-sending=td_string!(use_locale(), form.sending)>
                    {label}
                </button>
            </PasskeyForm>
            <PasskeyAnswerForm action=finish then=Then::GoToAnswer/>
        </FormEnhancer>
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
