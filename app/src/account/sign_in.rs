//! «Вход в Личный кабинет»: the sign-in page, sign-in and sign-out.

use crate::clinic::{page_context, tel_href};
use crate::error::AppError;
use crate::forms::{action_error, reload_at, Field, FormError};
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::DocumentTitle;
use crate::layout::LanguageSwitch;
use leptos::prelude::*;

/// Signs a patient in: a new session, its token in a cookie. An unknown
/// login and a wrong password get the same answer in the same time.
#[server(endpoint = "sign_in")]
pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
    crate::context::reply(server::sign_in(login, password).await)
}

/// Ends the patient's session on the server and clears the cookie.
#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::context::reply(server::sign_out().await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::account::attempts::begin_attempt;
    use crate::auth::Kind;
    use crate::context::{
        current_patient, limit_by_ip, redirect_plain_form, request_meta, server_context,
        set_response_header,
    };
    use crate::db::accounts;
    use crate::db::audit::{self, Action, Actor, Entry};
    use crate::db::failures::{self, Form};
    use crate::db::sessions::{self, EndReason, Subject};
    use crate::domain::{login_key, Problem, MAX_PASSWORD_BYTES};
    use crate::security::{Secret, Verified};
    use leptos_i18n::Locale as _;

    pub async fn sign_in(login: String, password: String) -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        limit_by_ip(&context, &meta)?;
        let now = context.clock.now();
        let key = login_key(&login);
        let wrong = || AppError::form(Problem::CredentialsWrong);
        if key.is_empty()
            || key.len() > 256
            || password.is_empty()
            || password.len() > MAX_PASSWORD_BYTES
        {
            return Err(wrong());
        }
        let origin = meta.origin();
        let attempt =
            begin_attempt(&context, Form::SignIn, &key, Actor::Anonymous, &origin, now).await?;

        let account = accounts::by_login(&context.db, &key).await?;
        let verified = context
            .hasher
            .verify(
                Secret::new(password.clone()),
                account.as_ref().map(|a| a.password_hash.clone()),
            )
            .await?;
        let (account, needs_rehash) = match (account, verified) {
            (Some(account), Verified::Yes { needs_rehash }) => (account, needs_rehash),
            (account, _) => {
                let locked = attempt.locks;
                let patient_id = account.map(|a| a.patient_id);
                for action in std::iter::once(Action::SignInFailed)
                    .chain(locked.then_some(Action::SignInLocked))
                {
                    audit::record_alone(
                        &context.db,
                        &Entry::new(action, Actor::Anonymous, patient_id, &origin),
                        now,
                    )
                    .await?;
                }
                return Err(wrong());
            }
        };

        if needs_rehash {
            let new_hash = context.hasher.hash(Secret::new(password)).await?;
            accounts::upgrade_password_hash(
                &context.db,
                account.patient_id,
                &account.password_hash,
                &new_hash,
            )
            .await?;
        }
        let mut tx = context.db.begin_write().await?;
        failures::clear(&mut tx, Form::SignIn, &key).await?;
        // A browser signing in again leaves its earlier session behind.
        if let Ok(previous) = current_patient() {
            sessions::end(&mut tx, previous.session_id, EndReason::SignedOut, now).await?;
        }
        let token = crate::auth::start(
            &mut tx,
            &context.sessions,
            Subject::Patient(account.patient_id),
            &meta.user_agent,
            &origin.ip,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &Entry::by_patient(Action::SignedIn, account.patient_id, &origin),
            now,
        )
        .await?;
        tx.commit().await?;
        accounts::set_locale(&context.db, account.patient_id, meta.locale.as_str()).await?;
        set_response_header(
            http::header::SET_COOKIE,
            &context.sessions.set_cookie(Kind::Patient, &token),
        );
        redirect_plain_form(&meta, "/");
        Ok(())
    }

    pub async fn sign_out() -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let now = context.clock.now();
        if let Ok(patient) = current_patient() {
            let mut tx = context.db.begin_write().await?;
            sessions::end(&mut tx, patient.session_id, EndReason::SignedOut, now).await?;
            audit::record(
                &mut tx,
                &Entry::by_patient(Action::SignedOut, patient.patient_id, &meta.origin()),
                now,
            )
            .await?;
            tx.commit().await?;
        }
        set_response_header(
            http::header::SET_COOKIE,
            &context.sessions.clear_cookie(Kind::Patient),
        );
        redirect_plain_form(&meta, "/login");
        Ok(())
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = page_context();
    // Already signed in: straight to «Главная».
    #[cfg(feature = "ssr")]
    if page.patient.is_some() {
        leptos_axum::redirect("/");
    }
    let clinic = page.clinic;
    let phone_href = tel_href(&clinic.help_phone);
    let action = ServerAction::<SignIn>::new();
    let error = action_error(action);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            reload_at("/");
        }
    });
    view! {
        <DocumentTitle text=move || td_string!(i18n.get_locale(), login.title).to_owned()/>
        <main id="content" class="auth">
            <div class="auth-card">
                <p class="brand-clinic">{clinic.name}</p>
                <h1 class="page-title">{t!(i18n, login.title)}</h1>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    <FormError error=error/>
                    <Field
                        label=Signal::derive(move || td_string!(i18n.get_locale(), login.login))
                        name="login"
                        autocomplete="username"
                        error=error
                    />
                    <Field
                        label=Signal::derive(move || td_string!(i18n.get_locale(), login.password))
                        name="password"
                        input_type="password"
                        autocomplete="current-password"
                        error=error
                    />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        {t!(i18n, login.submit)}
                    </button>
                </ActionForm>
                <p class="auth-links">
                    <a href="/recover">{t!(i18n, login.forgot)}</a>
                    <a href="/activate">{t!(i18n, login.activate)}</a>
                </p>
                <p class="help">
                    {t!(i18n, login.help)}
                    <a class="help-phone" href=phone_href>{clinic.help_phone}</a>
                </p>
                <LanguageSwitch/>
            </div>
        </main>
    }
}

/// «Выход»: a form, so it works before the wasm loads too.
#[component]
pub fn SignOutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            reload_at("/login");
        }
    });
    view! {
        <ActionForm action=action attr:class="sign-out">
            <button type="submit" class="button link">{t!(i18n, login.sign_out)}</button>
        </ActionForm>
    }
}
