//! «Активировать Личный кабинет»: the temporary login and password from
//! reception, then the registration form — the patient's own login,
//! password, recovery e-mail and how to address them. The temporary
//! credentials stop working at once.

use crate::error::AppError;
use crate::forms::{
    action_error, Field, FormError, FormField, NewPasswordFields, PostForm, SubmitButton, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::islands::FormEnhancer;
use crate::layout::AuthPage;
use crate::layout::LanguageSwitch;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the registration form starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivationStart {
    /// The agreement's e-mail, offered as the recovery e-mail.
    pub agreement_email: String,
}

/// Step one: are these temporary credentials good?
#[server(endpoint = "activation/check")]
pub async fn check_temporary_credentials(
    temporary_login: String,
    temporary_password: String,
) -> Result<ActivationStart, AppError> {
    crate::context::reply(server::check(temporary_login, temporary_password).await)
}

/// Step two: registers the patient's own credentials.
#[server(endpoint = "activation/register")]
pub async fn activate(
    temporary_login: String,
    temporary_password: String,
    login: String,
    password: String,
    password_repeat: String,
    recovery_email: String,
    address_as: String,
) -> Result<(), AppError> {
    crate::context::reply(
        server::activate(server::Registration {
            temporary_login,
            temporary_password,
            login,
            password,
            password_repeat,
            recovery_email,
            address_as,
        })
        .await,
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::{ActivationStart, AppError};
    use crate::account::rules::new_password_errors;
    use crate::auth::attempts::{check_password, Failure, OnMatch};
    use crate::context::{limit_by_ip, request_meta, server_context, RequestMeta, ServerContext};
    use crate::db::accounts::{self, NewPatientAccount, TemporaryCredentials};
    use crate::db::audit::{Action, Actor};
    use crate::db::failures::Form;
    use crate::db::patients;
    use crate::domain::{
        login_key, AddressAs, Email, FieldErrors, Login, PasswordContext, Problem,
        MAX_PASSWORD_BYTES,
    };
    use crate::mail;
    use crate::security::Secret;
    use crate::write_unit::WriteUnit;
    use leptos_i18n::Locale as _;

    pub struct Registration {
        pub temporary_login: String,
        pub temporary_password: String,
        pub login: String,
        pub password: String,
        pub password_repeat: String,
        pub recovery_email: String,
        pub address_as: String,
    }

    /// The temporary credentials, if they are usable and the password is
    /// right; every other case is one and the same answer.
    async fn verify_temporary(
        context: &ServerContext,
        meta: &RequestMeta,
        login: &str,
        password: &str,
    ) -> Result<TemporaryCredentials, AppError> {
        limit_by_ip(context, meta).await?;
        let now = context.clock.now();
        let key = login_key(login);
        let wrong = || AppError::form(Problem::TemporaryCredentialsWrong);
        if key.is_empty()
            || key.len() > 256
            || password.is_empty()
            || password.len() > MAX_PASSWORD_BYTES
        {
            return Err(wrong());
        }
        let mut tx = context.db.begin_write().await?;
        let credentials = accounts::usable_temporary_credentials(&mut tx, &key, now).await?;
        drop(tx);
        let verified = check_password(
            context,
            Form::Activation,
            &key,
            Actor::Anonymous,
            credentials.as_ref().map(|c| c.password_hash.clone()),
            password,
            Failure {
                failed: Action::ActivationFailed,
                locked: None,
                patient_id: credentials.as_ref().map(|c| c.patient_id),
                detail: "",
            },
            OnMatch::Forget,
        )
        .await?;
        credentials.filter(|_| verified.matched()).ok_or_else(wrong)
    }

    pub async fn check(login: String, password: String) -> Result<ActivationStart, AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let credentials = verify_temporary(&context, &meta, &login, &password).await?;
        let agreement_email = patients::agreement_contacts(&context.db, credentials.patient_id)
            .await?
            .map(|contacts| contacts.email)
            .unwrap_or_default();
        Ok(ActivationStart { agreement_email })
    }

    pub async fn activate(form: Registration) -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let credentials = verify_temporary(
            &context,
            &meta,
            &form.temporary_login,
            &form.temporary_password,
        )
        .await?;

        let mut errors = FieldErrors::new();
        let login = errors.check("login", Login::parse(&form.login));
        let password_context = PasswordContext {
            login: login.as_ref().map_or(form.login.as_str(), Login::as_str),
            clinic_name: &context.clinic.name,
            temporary_password: Some(&form.temporary_password),
        };
        errors.0.extend(
            new_password_errors(
                &form.password,
                &form.password_repeat,
                &password_context,
                "password",
                "password_repeat",
            )
            .0,
        );
        let email = errors.check("recovery_email", Email::parse(&form.recovery_email));
        let address_as = errors.check("address_as", AddressAs::parse(&form.address_as));
        let (Some(login), Some(email), Some(address_as)) = (login, email, address_as) else {
            return Err(errors.into());
        };
        errors.into_result()?;

        let password_hash = context.hasher.hash(Secret::new(form.password)).await?;
        let mut unit = WriteUnit::begin(&context, Actor::Patient(credentials.patient_id)).await?;
        let (tx, now) = (&mut unit.tx, unit.now);
        // Checked again inside the transaction: two tabs cannot both use them.
        let still_usable =
            accounts::usable_temporary_credentials(tx, &login_key(&form.temporary_login), now)
                .await?
                .is_some_and(|c| c.id == credentials.id);
        if !still_usable || accounts::exists_for(tx, credentials.patient_id).await? {
            return Err(AppError::form(Problem::TemporaryCredentialsWrong));
        }
        if accounts::login_taken(tx, login.as_str()).await? {
            return Err(AppError::field("login", Problem::LoginTaken));
        }
        accounts::use_temporary_credentials(tx, credentials.id, now).await?;
        accounts::insert_account(
            tx,
            &NewPatientAccount {
                patient_id: credentials.patient_id,
                login: login.as_str(),
                password_hash: &password_hash,
                address_as: address_as.as_str(),
                recovery_email: email.as_str(),
                locale: meta.locale.as_str(),
            },
            now,
        )
        .await?;
        unit.audit(Action::Activated, None, "").await?;
        let message = mail::cabinet_activated_message(
            meta.locale,
            address_as.as_str(),
            login.as_str(),
            &context.mail.public_url,
            &context.clinic,
        );
        unit.mail(email.as_str(), &message).await?;
        unit.commit().await
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <AuthPage title=|l| td_string!(l, activation.title)>
            <ActivationForms/>
            <p>
                <a href="/login">{td_string!(locale, login.back)}</a>
            </p>
            <LanguageSwitch/>
        </AuthPage>
    }
}

/// Step one checks the temporary credentials; step two, shown after it
/// without a reload, carries them and registers the patient's own. Without
/// the wasm only step one shows: activation needs it.
#[component]
fn ActivationForms() -> impl IntoView {
    let locale = use_locale();
    let check = ServerAction::<CheckTemporaryCredentials>::new();
    let check_error = action_error(check);
    let register = ServerAction::<Activate>::new();
    let register_error = action_error(register);
    view! {
        <FormEnhancer>
            <PostForm action=check then=Then::NextStep class="form">
                <p>{td_string!(locale, activation.step_one)}</p>
                <FormError error=check_error/>
                <Field
                    field=FormField::optional("temporary_login", |l| td_string!(l, activation.temporary_login))
                    autocomplete="off"
                    error=check_error
                />
                <Field
                    field=FormField::optional("temporary_password", |l| td_string!(l, activation.temporary_password))
                    input_type="password"
                    autocomplete="off"
                    error=check_error
                />
                <SubmitButton label=td_string!(locale, activation.submit_step_one)/>
            </PostForm>
            <PostForm action=register then=Then::ShowOutput class="form" hidden=true>
                <p>{td_string!(locale, activation.step_two)}</p>
                <FormError error=register_error/>
                <input type="hidden" name="temporary_login"/>
                <input type="hidden" name="temporary_password"/>
                <Field
                    field=FormField::optional("login", |l| td_string!(l, activation.login))
                    hint=td_string!(locale, activation.login_hint)
                    autocomplete="username"
                    error=register_error
                />
                <NewPasswordFields
                    label=|l| td_string!(l, activation.password)
                    error=register_error
                />
                <Field
                    field=FormField::optional("recovery_email", |l| td_string!(l, activation.recovery_email))
                    hint=td_string!(locale, activation.recovery_email_hint)
                    input_type="email"
                    autocomplete="email"
                    prefill_from="agreement_email"
                    error=register_error
                />
                <Field
                    field=FormField::optional("address_as", |l| td_string!(l, activation.address_as))
                    autocomplete="name"
                    error=register_error
                />
                <SubmitButton label=td_string!(locale, activation.submit)/>
            </PostForm>
            <div data-output hidden tabindex="-1">
                <p class="notice success" role="status">{td_string!(locale, activation.done)}</p>
                <p><a class="button primary" href="/login">{td_string!(locale, activation.sign_in)}</a></p>
            </div>
        </FormEnhancer>
    }
}
