//! A patient's or staff member's own login: 3–64 letters, digits, `.`, `-`
//! or `_`, unique whatever the case of its letters.

use super::Problem;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Login(String);

impl Login {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 64;

    /// Parses what was typed; surrounding spaces are dropped.
    pub fn parse(input: &str) -> Result<Login, Problem> {
        let login = input.trim();
        let chars = login.chars().count();
        if chars == 0 {
            Err(Problem::Required)
        } else if chars < Login::MIN_CHARS {
            Err(Problem::LoginTooShort)
        } else if chars > Login::MAX_CHARS {
            Err(Problem::LoginTooLong)
        } else if !login
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        {
            Err(Problem::LoginCharacters)
        } else {
            Ok(Login(login.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The key the login is unique under.
    pub fn key(&self) -> String {
        login_key(&self.0)
    }
}

/// The case-insensitive key of a login as typed (trimmed, lower case).
pub fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_login_is_three_to_sixty_four_letters_digits_dots_dashes_or_underscores() {
        assert_eq!(Login::parse("  anna.s-1_  ").unwrap().as_str(), "anna.s-1_");
        assert_eq!(Login::parse("Анна").unwrap().key(), "анна");
        assert_eq!(Login::parse(""), Err(Problem::Required));
        assert_eq!(Login::parse("ab"), Err(Problem::LoginTooShort));
        assert!(Login::parse(&"a".repeat(64)).is_ok());
        assert_eq!(Login::parse(&"a".repeat(65)), Err(Problem::LoginTooLong));
        assert_eq!(Login::parse("anna smirnova"), Err(Problem::LoginCharacters));
        assert_eq!(Login::parse("anna@mail"), Err(Problem::LoginCharacters));
    }

    #[test]
    fn logins_differing_only_in_case_share_a_key() {
        assert_eq!(
            Login::parse("Anna.S").unwrap().key(),
            Login::parse("anna.s").unwrap().key()
        );
    }
}
