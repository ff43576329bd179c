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
    //! The per-login lockout around a credential check. Every attempt is
    //! counted as a failure *before* the (slow) check and forgotten on
    //! success, so requests sent in parallel cannot all slip in under the
    //! limit while the first ones are still being hashed.

    use crate::context::ServerContext;
    use crate::db::audit::{self, Action, Actor, Entry, Origin};
    use crate::db::failures::{self, Form};
    use crate::error::AppError;
    use crate::security::lockout;
    use chrono::{DateTime, Utc};

    /// An attempt that has been counted.
    #[derive(Clone, Copy, Debug)]
    pub struct Attempt {
        /// This attempt, if it fails, locks the login.
        pub locks: bool,
    }

    /// Counts an attempt at `login_key` in `form`, or answers
    /// `RateLimited` while the login is locked.
    ///
    /// A refusal during a lockout is recorded in the audit log (as `actor`,
    /// from `origin`): a stranger still trying a locked login is visible.
    pub async fn begin_attempt(
        context: &ServerContext,
        form: Form,
        login_key: &str,
        actor: Actor,
        origin: &Origin,
        now: DateTime<Utc>,
    ) -> Result<Attempt, AppError> {
        let mut tx = context.db.begin_write().await?;
        let previous = failures::get_for_update(&mut tx, form, login_key, now).await?;
        if let Some(until) = lockout::locked_until(previous.as_ref(), now) {
            let patient_id = match actor {
                Actor::Patient(id) => Some(id),
                Actor::Anonymous | Actor::Staff(_) => None,
            };
            let entry = Entry {
                detail: form.as_str(),
                ..Entry::new(Action::AttemptRefusedLocked, actor, patient_id, origin)
            };
            audit::record(&mut tx, &entry, now).await?;
            tx.commit().await?;
            return Err(AppError::RateLimited {
                retry_after_secs: (until - now).num_seconds().max(1) as u64,
            });
        }
        let next = lockout::after_failure(previous.as_ref(), now);
        failures::put(&mut tx, form, login_key, &next).await?;
        tx.commit().await?;
        Ok(Attempt {
            locks: next.locked_until.is_some(),
        })
    }

    /// Forgets the failures of `login_key` after a success.
    pub async fn attempt_succeeded(
        context: &ServerContext,
        form: Form,
        login_key: &str,
    ) -> Result<(), AppError> {
        let mut tx = context.db.begin_write().await?;
        failures::clear(&mut tx, form, login_key).await?;
        tx.commit().await?;
        Ok(())
    }
}
