//! «ИНН» of a person (ИНН физического лица): 12 digits, the last two
//! check digits computed from the ten before them with the tax service's
//! weights. Each way a number can be wrong has its own message — too
//! short or long, not digits only, a check digit that does not add up — so
//! a patient retyping it from a document knows what to look at. Built for
//! the browser too: the form's island checks the field with this same rule.

use super::Problem;
use serde::{Deserialize, Serialize};

/// A person's INN whose check digits add up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inn(String);

/// The weights of the first check digit (over digits 1–10) and of the
/// second (over digits 1–11).
const FIRST: [u32; 10] = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const SECOND: [u32; 11] = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/// The check digit of `digits` under `weights`: the weighted sum modulo
/// 11, and 10 counted as 0.
fn check_digit(digits: &[u32], weights: &[u32]) -> u32 {
    let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
    sum % 11 % 10
}

impl Inn {
    pub const LEN: usize = 12;

    /// Spaces around and between the digits (as people group them) are
    /// dropped; anything else that is not a digit is a mistake.
    pub fn parse(input: &str) -> Result<Inn, Problem> {
        let text: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return Err(Problem::Required);
        }
        if !text.chars().all(|c| c.is_ascii_digit()) {
            return Err(Problem::InnNotDigits);
        }
        if text.len() != Inn::LEN {
            return Err(Problem::InnLength);
        }
        let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
        if check_digit(&digits[..10], &FIRST) != digits[10]
            || check_digit(&digits[..11], &SECOND) != digits[11]
        {
            return Err(Problem::InnChecksum);
        }
        Ok(Inn(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_numbers_parse_with_the_spaces_people_type_dropped() {
        assert_eq!(Inn::parse("500100732259").unwrap().as_str(), "500100732259");
        assert_eq!(
            Inn::parse(" 5001 0073 2259 ").unwrap().as_str(),
            "500100732259"
        );
        assert!(Inn::parse("773370857141").is_ok());
    }

    #[test]
    fn each_wrong_check_digit_is_a_checksum_mistake() {
        for (position, name) in [(10, "first"), (11, "second")] {
            for wrong in 0..10u8 {
                let mut bytes = b"500100732259".to_vec();
                if bytes[position] == b'0' + wrong {
                    continue;
                }
                bytes[position] = b'0' + wrong;
                let text = String::from_utf8(bytes).unwrap();
                assert_eq!(
                    Inn::parse(&text),
                    Err(Problem::InnChecksum),
                    "{name}: {text}"
                );
            }
        }
        // A wrong digit before them changes what they must be.
        assert_eq!(Inn::parse("500100732258"), Err(Problem::InnChecksum));
        assert_eq!(Inn::parse("600100732259"), Err(Problem::InnChecksum));
    }

    #[test]
    fn length_letters_and_emptiness_have_their_own_messages() {
        assert_eq!(Inn::parse(""), Err(Problem::Required));
        assert_eq!(Inn::parse("   "), Err(Problem::Required));
        assert_eq!(
            Inn::parse("7707083893"),
            Err(Problem::InnLength),
            "a company's 10 digits"
        );
        assert_eq!(Inn::parse("5001007322591"), Err(Problem::InnLength));
        assert_eq!(Inn::parse("50010073225"), Err(Problem::InnLength));
        assert_eq!(
            Inn::parse("50010073225O"),
            Err(Problem::InnNotDigits),
            "a letter O"
        );
        assert_eq!(Inn::parse("5001-0073-2259"), Err(Problem::InnNotDigits));
        assert_eq!(
            Inn::parse("５００１００７３２２５９"),
            Err(Problem::InnNotDigits),
            "full-width digits"
        );
    }
}
