//! Short texts a patient types: how to address them, and the recovery code.

use super::Problem;
use serde::{Deserialize, Serialize};

/// «Как к Вам обращаться»: free text, up to 100 characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAs(String);

impl AddressAs {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(input: &str) -> Result<AddressAs, Problem> {
        let text = input.trim();
        if text.is_empty() {
            Err(Problem::Required)
        } else if text.chars().count() > AddressAs::MAX_CHARS {
            Err(Problem::AddressAsTooLong)
        } else {
            Ok(AddressAs(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The six-digit code e-mailed for password recovery. Spaces and dashes a
/// patient copies along with it are ignored.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl RecoveryCode {
    pub const DIGITS: usize = 6;

    pub fn parse(input: &str) -> Result<RecoveryCode, Problem> {
        if input.len() > 64 {
            return Err(Problem::CodeFormat);
        }
        let code: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if code.is_empty() {
            Err(Problem::Required)
        } else if code.len() == RecoveryCode::DIGITS && code.chars().all(|c| c.is_ascii_digit()) {
            Ok(RecoveryCode(code))
        } else {
            Err(Problem::CodeFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn how_to_address_a_patient_is_required_and_at_most_a_hundred_characters() {
        assert_eq!(AddressAs::parse("  Анна  ").unwrap().as_str(), "Анна");
        assert_eq!(AddressAs::parse(" "), Err(Problem::Required));
        assert_eq!(
            AddressAs::parse(&"я".repeat(101)),
            Err(Problem::AddressAsTooLong)
        );
    }

    #[test]
    fn a_recovery_code_is_six_digits_however_it_was_pasted() {
        assert_eq!(RecoveryCode::parse(" 123 456 ").unwrap().as_str(), "123456");
        assert_eq!(RecoveryCode::parse("123-456").unwrap().as_str(), "123456");
        assert_eq!(RecoveryCode::parse(""), Err(Problem::Required));
        assert_eq!(RecoveryCode::parse("12345"), Err(Problem::CodeFormat));
        assert_eq!(RecoveryCode::parse("12345a"), Err(Problem::CodeFormat));
        assert_eq!(
            format!("{:?}", RecoveryCode::parse("123456").unwrap()),
            "RecoveryCode(***)"
        );
    }
}
