//! Getting into the cabinet: sign-in and sign-out, activation with the
//! temporary credentials from reception, and password recovery by an
//! e-mailed code.

mod activation;
mod recovery;
mod sign_in;

pub use activation::{Activate, ActivatePage, ActivationStart, CheckTemporaryCredentials};
pub use recovery::{RecoverPage, RequestRecoveryCode, ResetPassword};
pub use sign_in::{LoginPage, SignIn, SignOut, SignOutButton};

#[cfg(feature = "ssr")]
pub(crate) mod rules {
    use crate::domain::{check_new_password, FieldErrors, PasswordContext, Problem};
    use crate::security::is_common_password;

    /// The new-password rules, with the common-password list the browser
    /// does not have.
    pub fn new_password_errors(
        password: &str,
        repeat: &str,
        context: &PasswordContext<'_>,
        field: &str,
        repeat_field: &str,
    ) -> FieldErrors {
        let mut errors = check_new_password(password, repeat, context, field, repeat_field);
        if errors.of(field).is_none() && is_common_password(password) {
            errors = FieldErrors::one(field, Problem::PasswordCommon);
        }
        errors
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod attempts {
    //! The per-login lockout around a credential check.

    use crate::context::ServerContext;
    use crate::db::failures::{self, Form};
    use crate::error::AppError;
    use crate::security::lockout;
    use chrono::{DateTime, Utc};

    /// `RateLimited` while `login_key` is locked in `form`.
    pub async fn refuse_if_locked(
        context: &ServerContext,
        form: Form,
        login_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let current = failures::get(&context.db, form, login_key).await?;
        match lockout::locked_until(current.as_ref(), now) {
            Some(until) => Err(AppError::RateLimited {
                retry_after_secs: (until - now).num_seconds().max(1) as u64,
            }),
            None => Ok(()),
        }
    }

    /// Counts one more failure; whether the login is now locked.
    pub async fn count_failure(
        context: &ServerContext,
        form: Form,
        login_key: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, AppError> {
        let mut tx = context.db.begin_write().await?;
        let previous = failures::get_in(&mut tx, form, login_key).await?;
        let next = lockout::after_failure(previous.as_ref(), now);
        failures::put(&mut tx, form, login_key, &next).await?;
        tx.commit().await?;
        Ok(next.locked_until.is_some())
    }
}
