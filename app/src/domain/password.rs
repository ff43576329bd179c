//! The rules a new password must meet (NIST SP 800-63B): long rather than
//! complicated — at least 15 characters when it is the only factor, at most
//! 128, any characters at all, no composition rules — and not a password an
//! attacker tries first: the login, the clinic's name, the temporary password
//! from reception, or one of the 10,000 most common passwords (that list is
//! checked on the server only, to keep it out of the download).

use super::{FieldErrors, Problem};

/// What a new password must not be.
#[derive(Clone, Copy, Debug)]
pub struct PasswordContext<'a> {
    pub login: &'a str,
    pub clinic_name: &'a str,
    pub temporary_password: Option<&'a str>,
}

pub const MIN_PASSWORD_CHARS: usize = 15;
pub const MAX_PASSWORD_CHARS: usize = 128;

/// Anything longer is refused before it is counted or hashed.
pub const MAX_PASSWORD_BYTES: usize = MAX_PASSWORD_CHARS * 4;

/// Lower case without spaces, for comparing with the login and clinic name.
fn folded(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Checks a new password and its repetition; problems are reported under
/// `field` and `repeat_field`.
pub fn check_new_password(
    password: &str,
    repeat: &str,
    context: &PasswordContext<'_>,
    field: &str,
    repeat_field: &str,
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Err(problem) = new_password_problem(password, context) {
        errors.add(field, problem);
    } else if repeat.is_empty() {
        errors.add(repeat_field, Problem::Required);
    } else if repeat != password {
        errors.add(repeat_field, Problem::PasswordsDiffer);
    }
    errors
}

/// The first rule `password` breaks, checking the cheap rules first.
pub fn new_password_problem(password: &str, context: &PasswordContext<'_>) -> Result<(), Problem> {
    if password.is_empty() {
        return Err(Problem::Required);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(Problem::PasswordTooLong);
    }
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(Problem::PasswordTooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(Problem::PasswordTooLong);
    }
    let candidate = folded(password);
    let login = folded(context.login);
    if !login.is_empty() {
        // The login itself, or the login with only digits or signs added.
        if let Some(rest) = candidate.strip_prefix(&login) {
            if rest.chars().all(|c| !c.is_alphabetic()) {
                return Err(Problem::PasswordIsLogin);
            }
        }
    }
    let clinic = folded(context.clinic_name);
    if !clinic.is_empty() && candidate.contains(&clinic) {
        return Err(Problem::PasswordHasClinicName);
    }
    if context.temporary_password == Some(password) {
        return Err(Problem::PasswordIsTemporary);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTEXT: PasswordContext<'static> = PasswordContext {
        login: "anna.s",
        clinic_name: "Клиника Здоровье",
        temporary_password: Some("temp-pass-0001-2026"),
    };

    fn problem(password: &str) -> Result<(), Problem> {
        new_password_problem(password, &CONTEXT)
    }

    #[test]
    fn fifteen_characters_of_anything_make_a_password() {
        assert_eq!(problem("зелёный чай утром"), Ok(()));
        assert_eq!(problem("🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂🙂"), Ok(()));
        assert_eq!(problem("aaaaaaaaaaaaaaa"), Ok(()));
    }

    #[test]
    fn length_is_counted_in_characters_not_bytes() {
        assert_eq!(problem("ёёёёёёёёёёёёёё"), Err(Problem::PasswordTooShort));
        assert_eq!(problem(&"ё".repeat(128)), Ok(()));
        assert_eq!(problem(&"ё".repeat(129)), Err(Problem::PasswordTooLong));
    }

    #[test]
    fn an_enormous_input_is_refused_before_its_characters_are_counted() {
        assert_eq!(problem(&"a".repeat(10_000)), Err(Problem::PasswordTooLong));
    }

    #[test]
    fn the_login_the_clinic_name_and_the_temporary_password_are_refused() {
        assert_eq!(problem("Anna.S2026!!!!!!!!"), Err(Problem::PasswordIsLogin));
        assert_eq!(problem("anna.s likes long walks"), Ok(()));
        assert_eq!(
            problem("моя клиника здоровье 1"),
            Err(Problem::PasswordHasClinicName)
        );
        assert_eq!(
            problem("temp-pass-0001-2026"),
            Err(Problem::PasswordIsTemporary)
        );
    }

    #[test]
    fn the_repetition_must_match_and_is_reported_at_its_own_field() {
        let ok = check_new_password(
            "a long enough phrase",
            "a long enough phrase",
            &CONTEXT,
            "p",
            "r",
        );
        assert!(ok.is_empty());
        let differ = check_new_password(
            "a long enough phrase",
            "a long enough phrasE",
            &CONTEXT,
            "p",
            "r",
        );
        assert_eq!(differ.of("r"), Some(Problem::PasswordsDiffer));
        let short = check_new_password("short", "short", &CONTEXT, "p", "r");
        assert_eq!(short.of("p"), Some(Problem::PasswordTooShort));
        assert_eq!(short.of("r"), None);
    }
}
