//! «Забыли пароль?»: the login, then a six-digit code e-mailed to the
//! recovery address, then the code and a new password. The code is stored
//! hashed, works once for ten minutes, and dies after five wrong tries;
//! asking for another code does not give back the tries already spent.

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

/// Step one. The answer is the same whether or not the login exists.
#[server(endpoint = "recovery/request")]
pub async fn request_recovery_code(login: String) -> Result<(), AppError> {
    crate::context::reply(server::request_code(login).await)
}

/// Step two: the code and the new password.
#[server(endpoint = "recovery/reset")]
pub async fn reset_password(
    login: String,
    code: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    crate::context::reply(server::reset(login, code, password, password_repeat).await)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::AppError;
    use crate::account::password::set_new_password;
    use crate::account::rules::new_password_errors;
    use crate::context::{limit_by_ip, request_meta, server_context};
    use crate::db::accounts;
    use crate::db::audit::{Action, Actor};
    use crate::db::failures::{self, Form};
    use crate::db::recovery::{self, StoredCode};
    use crate::domain::{login_key, FieldErrors, PasswordContext, Problem, RecoveryCode};
    use crate::mail::{self, locale_of, PasswordChange};
    use crate::security::{new_recovery_code, Secret, Verified};
    use crate::write_unit::WriteUnit;
    use chrono::{DateTime, Duration, Utc};

    /// How long a code works.
    pub const CODE_VALIDITY: Duration = Duration::minutes(10);
    /// Wrong tries that kill a code.
    pub const MAX_WRONG_TRIES: i32 = 5;
    /// Wrong tries are counted over this window, across new codes.
    pub const TRIES_WINDOW: Duration = Duration::hours(1);
    /// No second code within this time, so nobody floods a mailbox.
    pub const RESEND_AFTER: Duration = Duration::minutes(1);

    /// The tries carried into a new code issued at `now`.
    pub fn carried_tries(
        previous: Option<&StoredCode>,
        now: DateTime<Utc>,
    ) -> (i32, DateTime<Utc>) {
        match previous {
            Some(code) if code.used_at.is_none() && now - code.tries_since < TRIES_WINDOW => {
                (code.wrong_tries, code.tries_since)
            }
            _ => (0, now),
        }
    }

    pub async fn request_code(login: String) -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let key = login_key(&login);
        if key.is_empty() {
            return Err(AppError::field("login", Problem::Required));
        }
        limit_by_ip(&context, &meta).await?;
        let now = context.clock.now();
        let account = if key.len() > 256 {
            None
        } else {
            accounts::by_login(&context.db, &key).await?
        };
        let code = new_recovery_code();
        // Hash even when there is nothing to send: the answer takes as long.
        let code_hash = context.hasher.hash(code.clone()).await?;
        let Some(account) = account else {
            return Ok(());
        };

        let mut unit = WriteUnit::begin(&context, Actor::Anonymous).await?;
        let previous = recovery::get(&mut unit.tx, account.patient_id).await?;
        if previous
            .as_ref()
            .is_some_and(|p| p.used_at.is_none() && now - p.issued_at < RESEND_AFTER)
        {
            return Ok(());
        }
        let (wrong_tries, tries_since) = carried_tries(previous.as_ref(), now);
        if wrong_tries >= MAX_WRONG_TRIES {
            // Too many wrong tries this hour: a new code would be dead on
            // arrival. The answer stays the same; the patient can call us.
            return Ok(());
        }
        recovery::put(
            &mut unit.tx,
            account.patient_id,
            &StoredCode {
                code_hash,
                issued_at: now,
                expires_at: now + CODE_VALIDITY,
                wrong_tries,
                tries_since,
                used_at: None,
            },
        )
        .await?;
        unit.audit(Action::RecoveryCodeSent, Some(account.patient_id), "")
            .await?;
        let message = mail::recovery_code_message(
            locale_of(&account.locale),
            &account.address_as,
            &code,
            CODE_VALIDITY.num_minutes(),
            &context.clinic,
        )
        .valid_until(now + CODE_VALIDITY);
        unit.mail(&account.recovery_email, &message).await?;
        unit.commit().await
    }

    pub async fn reset(
        login: String,
        code: String,
        password: String,
        password_repeat: String,
    ) -> Result<(), AppError> {
        let context = server_context()?;
        let meta = request_meta();
        let key = login_key(&login);
        let mut errors = FieldErrors::new();
        if key.is_empty() {
            errors.add("login", Problem::Required);
        }
        let code = errors.check("code", RecoveryCode::parse(&code));
        let password_context = PasswordContext {
            login: &key,
            clinic_name: &context.clinic.name,
            temporary_password: None,
        };
        errors.0.extend(
            new_password_errors(
                &password,
                &password_repeat,
                &password_context,
                "password",
                "password_repeat",
            )
            .0,
        );
        let Some(code) = code else {
            return Err(errors.into());
        };
        errors.into_result()?;
        limit_by_ip(&context, &meta).await?;

        let now = context.clock.now();
        let wrong = || AppError::field("code", Problem::CodeWrongOrExpired);
        let account = if key.len() > 256 {
            None
        } else {
            accounts::by_login(&context.db, &key).await?
        };
        // The try is spent before the (slow) check, in one statement, so
        // parallel guesses cannot all pass the count of wrong tries.
        let reserved_hash = match &account {
            Some(account) => {
                let mut tx = context.db.begin_write().await?;
                let hash = recovery::reserve_try(&mut tx, account.patient_id, MAX_WRONG_TRIES, now)
                    .await?;
                tx.commit().await?;
                hash
            }
            None => None,
        };
        let verified = context
            .hasher
            .verify(Secret::new(code.as_str()), reserved_hash.clone())
            .await?;
        let (Some(account), Some(code_hash), Verified::Yes { .. }) =
            (account.clone(), reserved_hash.clone(), verified)
        else {
            if let (Some(account), Some(_)) = (&account, &reserved_hash) {
                let mut unit = WriteUnit::begin(&context, Actor::Anonymous).await?;
                unit.audit(Action::RecoveryFailed, Some(account.patient_id), "")
                    .await?;
                unit.commit().await?;
            }
            return Err(wrong());
        };

        let password_hash = context.hasher.hash(Secret::new(password)).await?;
        let mut unit = WriteUnit::begin(&context, Actor::Patient(account.patient_id)).await?;
        // One use only: of two resets with the right code, one wins.
        if !recovery::use_code(&mut unit.tx, account.patient_id, &code_hash, unit.now).await? {
            return Err(wrong());
        }
        set_new_password(
            &context,
            &mut unit,
            &account,
            &password_hash,
            PasswordChange::Recovered,
            None,
        )
        .await?;
        failures::clear(&mut unit.tx, Form::SignIn, &key).await?;
        unit.commit().await
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn code(issued_minutes: i64, tries: i32) -> StoredCode {
            let issued = DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(issued_minutes);
            StoredCode {
                code_hash: String::new(),
                issued_at: issued,
                expires_at: issued + CODE_VALIDITY,
                wrong_tries: tries,
                tries_since: issued,
                used_at: None,
            }
        }

        fn at(minutes: i64) -> DateTime<Utc> {
            DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes)
        }

        #[test]
        fn asking_again_keeps_the_wrong_tries_of_the_last_hour() {
            assert_eq!(carried_tries(Some(&code(0, 4)), at(5)), (4, at(0)));
            assert_eq!(carried_tries(Some(&code(0, 4)), at(61)), (0, at(61)));
            assert_eq!(carried_tries(None, at(3)), (0, at(3)));
        }
    }
}

#[component]
pub fn RecoverPage() -> impl IntoView {
    let locale = use_locale();
    view! {
        <AuthPage title=|l| td_string!(l, recovery.title)>
            <RecoveryForms/>
            <p>
                <a href="/login">{td_string!(locale, login.back)}</a>
            </p>
            <LanguageSwitch/>
        </AuthPage>
    }
}

/// Step one asks for the code; step two, shown after it without a reload,
/// takes the code and the new password.
#[component]
fn RecoveryForms() -> impl IntoView {
    let locale = use_locale();
    let request = ServerAction::<RequestRecoveryCode>::new();
    let request_error = action_error(request);
    let reset = ServerAction::<ResetPassword>::new();
    let reset_error = action_error(reset);
    view! {
        <FormEnhancer>
            <PostForm action=request then=Then::NextStep class="form">
                <p>{td_string!(locale, recovery.step_one)}</p>
                <FormError error=request_error/>
                <Field
                    field=FormField::optional("login", |l| td_string!(l, login.login))
                    autocomplete="username"
                    error=request_error
                />
                <SubmitButton label=td_string!(locale, recovery.submit_step_one)/>
            </PostForm>
            <PostForm action=reset then=Then::ShowOutput class="form" hidden=true>
                <p class="notice" role="status">{td_string!(locale, recovery.code_sent)}</p>
                <FormError error=reset_error/>
                <input type="hidden" name="login"/>
                <Field
                    field=FormField::optional("code", |l| td_string!(l, recovery.code))
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    error=reset_error
                />
                <NewPasswordFields
                    label=|l| td_string!(l, recovery.password)
                    error=reset_error
                />
                <SubmitButton label=td_string!(locale, recovery.submit)/>
            </PostForm>
            <div data-output hidden tabindex="-1">
                <p class="notice success" role="status">{td_string!(locale, recovery.done)}</p>
                <p><a class="button primary" href="/login">{td_string!(locale, recovery.sign_in)}</a></p>
            </div>
        </FormEnhancer>
    }
}
