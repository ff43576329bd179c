//! Getting into the cabinet: sign-in and sign-out, activation with the
//! temporary credentials from reception, and password recovery by an
//! e-mailed code.

mod activation;
#[cfg(feature = "ssr")]
mod language;
mod recovery;
mod sign_in;

pub use activation::{Activate, ActivatePage, ActivationStart, CheckTemporaryCredentials};
#[cfg(feature = "ssr")]
pub use language::{choose_language, language_asked_for, LOCALE_COOKIE};
pub use recovery::{RecoverPage, RequestRecoveryCode, ResetPassword};
pub use sign_in::{LoginPage, SecondStepPage, SignIn, SignInCode, SignOut, SignOutButton};

#[cfg(feature = "ssr")]
pub(crate) mod password;

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
