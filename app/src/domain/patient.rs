//! What reception types when it opens a cabinet: the patient's name, birth
//! date and MIS id, and the service agreement's number, date, e-mail and
//! phone for SMS.

use super::Problem;
use chrono::NaiveDate;

/// A required line of text of at most `max` characters, trimmed.
pub fn required_text(input: &str, max: usize) -> Result<String, Problem> {
    let text = input.trim();
    if text.is_empty() {
        Err(Problem::Required)
    } else if text.chars().count() > max {
        Err(Problem::TooLong)
    } else {
        Ok(text.to_owned())
    }
}

/// The patient's id in the clinic's MIS: letters, digits, `-`, `_`, `/`.
pub fn mis_patient_id(input: &str) -> Result<String, Problem> {
    let id = required_text(input, 64)?;
    if id
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '/'))
    {
        Ok(id)
    } else {
        Err(Problem::MisIdCharacters)
    }
}

/// A date as a date input sends it (`2026-01-15`) or as people write it
/// (`15.01.2026`).
pub fn date(input: &str) -> Result<NaiveDate, Problem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .map_err(|_| Problem::DateInvalid)
}

/// A birth date: a real date, not in the future, not before 1900.
pub fn birth_date(input: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let date = date(input)?;
    let earliest = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN);
    if date > today || date < earliest {
        Err(Problem::BirthDateOutOfRange)
    } else {
        Ok(date)
    }
}

/// A Russian mobile or landline number, normalised to `+7XXXXXXXXXX`
/// whichever way it was typed: `8 (916) 123-45-67`, `+7 916 1234567`,
/// `9161234567`.
pub fn phone(input: &str) -> Result<String, Problem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(Problem::Required);
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')'))
    {
        return Err(Problem::PhoneInvalid);
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let national = match (digits.len(), digits.chars().next()) {
        (11, Some('7' | '8')) => &digits[1..],
        (10, _) => digits.as_str(),
        _ => return Err(Problem::PhoneInvalid),
    };
    if text.starts_with('+') && !text.starts_with("+7") {
        return Err(Problem::PhoneInvalid);
    }
    Ok(format!("+7{national}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_however_they_were_typed() {
        for typed in [
            "8 (916) 123-45-67",
            "+7 916 123 45 67",
            "9161234567",
            "+79161234567",
        ] {
            assert_eq!(phone(typed).unwrap(), "+79161234567", "{typed}");
        }
        assert_eq!(phone(""), Err(Problem::Required));
        for bad in [
            "916 123",
            "+1 916 123 45 67",
            "8-916-123-45-67-89",
            "916abc4567",
        ] {
            assert_eq!(phone(bad), Err(Problem::PhoneInvalid), "{bad}");
        }
    }

    #[test]
    fn dates_come_from_date_inputs_or_as_people_write_them() {
        let expected = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        assert_eq!(date("2026-01-15").unwrap(), expected);
        assert_eq!(date("15.01.2026").unwrap(), expected);
        assert_eq!(date("31.02.2026"), Err(Problem::DateInvalid));
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        assert_eq!(
            birth_date("2026-11-27", today),
            Err(Problem::BirthDateOutOfRange)
        );
        assert_eq!(
            birth_date("1899-12-31", today),
            Err(Problem::BirthDateOutOfRange)
        );
        assert!(birth_date("1984-03-12", today).is_ok());
    }

    #[test]
    fn a_mis_id_is_required_and_plain() {
        assert_eq!(mis_patient_id(" MIS-100003 ").unwrap(), "MIS-100003");
        assert_eq!(mis_patient_id(""), Err(Problem::Required));
        assert_eq!(mis_patient_id("MIS 1"), Err(Problem::MisIdCharacters));
        assert_eq!(required_text(&"я".repeat(201), 200), Err(Problem::TooLong));
    }
}
