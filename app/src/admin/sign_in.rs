//! «Вход для сотрудников»: staff sign in at `/admin/login` with their own
//! cookie and session, never the patient's.

use crate::clinic::page_context;
use crate::error::AppError;
use crate::forms::{action_error, reload_at, Field, FormError};
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::DocumentTitle;
use leptos::prelude::*;

#[server(endpoint = "admin/sign_in")]
pub async fn staff_sign_in(login: String, password: String) -> Result<(), AppError> {
    crate::context::reply(server::sign_in(login, password).await)
}

#[server(endpoint = "admin/sign_out")]
pub async fn staff_sign_out() -> Result<(), AppError> {
    crate::context::reply(server::sign_out().await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::account::attempts::begin_attempt;
    use crate::auth::Kind;
    use crate::context::{
        limit_by_ip, redirect_plain_form, request_meta, server_context, set_response_header,
        signed_in,
    };
    use crate::db::audit::{self, Action, Actor, Entry};
    use crate::db::failures::{self, Form};
    use crate::db::sessions::{self, EndReason, Subject};
    use crate::db::staff;
    use crate::domain::{login_key, Problem, MAX_PASSWORD_BYTES};
    use crate::security::{Secret, Verified};

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
        let attempt = begin_attempt(
            &context,
            Form::StaffSignIn,
            &key,
            Actor::Anonymous,
            &origin,
            now,
        )
        .await?;
        let credentials = staff::credentials(&context.db, &key).await?;
        let verified = context
            .hasher
            .verify(
                Secret::new(password.clone()),
                credentials.as_ref().map(|c| c.password_hash.clone()),
            )
            .await?;
        let Some(credentials) = credentials.filter(|_| verified.matched()) else {
            // The failure, and the lockout it starts, as on the patient side.
            let mut tx = context.db.begin_write().await?;
            for action in std::iter::once(Action::StaffSignInFailed)
                .chain(attempt.locks.then_some(Action::StaffSignInLocked))
            {
                let entry = Entry::new(action, Actor::Anonymous, None, &origin);
                audit::record(&mut tx, &entry, now).await?;
            }
            tx.commit().await?;
            return Err(wrong());
        };
        if let Verified::Yes { needs_rehash: true } = verified {
            let new_hash = context.hasher.hash(Secret::new(password)).await?;
            staff::upgrade_password_hash(
                &context.db,
                credentials.id,
                &credentials.password_hash,
                &new_hash,
            )
            .await?;
        }
        let mut tx = context.db.begin_write().await?;
        failures::clear(&mut tx, Form::StaffSignIn, &key).await?;
        if let Some(previous) = signed_in().staff {
            sessions::end(&mut tx, previous.session_id, EndReason::SignedOut, now).await?;
        }
        let token = crate::auth::start(
            &mut tx,
            &context.sessions,
            Subject::Staff(credentials.id),
            &meta.user_agent,
            &origin.ip,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &Entry::by_staff(Action::StaffSignedIn, credentials.id, None, &origin),
            now,
        )
        .await?;
        tx.commit().await?;
        set_response_header(
            http::header::SET_COOKIE,
            &context.sessions.set_cookie(Kind::Staff, &token),
        );
        redirect_plain_form(&meta, "/admin");
        Ok(())
    }

    pub async fn sign_out() -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let now = context.clock.now();
        if let Some(member) = signed_in().staff {
            let mut tx = context.db.begin_write().await?;
            sessions::end(&mut tx, member.session_id, EndReason::SignedOut, now).await?;
            audit::record(
                &mut tx,
                &Entry::by_staff(
                    Action::StaffSignedOut,
                    member.staff_id,
                    None,
                    &meta.origin(),
                ),
                now,
            )
            .await?;
            tx.commit().await?;
        }
        set_response_header(
            http::header::SET_COOKIE,
            &context.sessions.clear_cookie(Kind::Staff),
        );
        redirect_plain_form(&meta, "/admin/login");
        Ok(())
    }
}

#[component]
pub fn AdminLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = page_context();
    #[cfg(feature = "ssr")]
    if page.staff.is_some() {
        leptos_axum::redirect("/admin");
    }
    let action = ServerAction::<StaffSignIn>::new();
    let error = action_error(action);
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            reload_at("/admin");
        }
    });
    let title = move || td_string!(i18n.get_locale(), admin.sign_in_title);
    view! {
        <DocumentTitle text=move || title().to_owned()/>
        <main id="content" class="auth">
            <div class="auth-card">
                <p class="brand-clinic">{page.clinic.name}</p>
                <h1 class="page-title">{title}</h1>
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
            </div>
        </main>
    }
}
