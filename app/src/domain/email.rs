//! An e-mail address as a person types it: one `@`, something before it, a
//! dotted domain after it, no spaces. Whether it receives mail only a sent
//! message can tell.

use super::Problem;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Email(String);

impl Email {
    /// RFC 5321's limit for a whole address.
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Email, Problem> {
        let email = input.trim();
        if email.is_empty() {
            return Err(Problem::Required);
        }
        if email.len() > Email::MAX_LEN {
            return Err(Problem::EmailInvalid);
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(Problem::EmailInvalid);
        };
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'))
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| {
                c.is_whitespace()
                    || c.is_control()
                    || matches!(
                        c,
                        '<' | '>' | '(' | ')' | ',' | ';' | ':' | '\\' | '"' | '[' | ']'
                    )
            });
        if domain_ok && local_ok {
            Ok(Email(email.to_owned()))
        } else {
            Err(Problem::EmailInvalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ordinary_address_parses_and_loses_its_surrounding_spaces() {
        assert_eq!(
            Email::parse(" anna.smirnova+cabinet@example.ru ")
                .unwrap()
                .as_str(),
            "anna.smirnova+cabinet@example.ru"
        );
        assert!(Email::parse("анна@почта.рф").is_ok());
    }

    #[test]
    fn addresses_a_mail_server_cannot_deliver_to_are_refused() {
        assert_eq!(Email::parse(""), Err(Problem::Required));
        for bad in [
            "anna",
            "anna@",
            "@example.ru",
            "anna@example",
            "anna@@example.ru",
            "anna smirnova@example.ru",
            "anna@example..ru",
            "anna@-example.ru",
            "<anna@example.ru>",
        ] {
            assert_eq!(Email::parse(bad), Err(Problem::EmailInvalid), "{bad}");
        }
        let long = format!("{}@example.ru", "a".repeat(250));
        assert_eq!(Email::parse(&long), Err(Problem::EmailInvalid));
    }
}
