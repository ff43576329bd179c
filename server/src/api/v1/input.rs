//! The rules every pushed value passes before anything is written: each
//! takes the path of the field it checks, so a refusal names it.

use super::error::ApiError;
use chrono::{DateTime, NaiveDate, Utc};

/// The most records one call takes: more is several calls.
pub const BATCH_MAX: usize = 1000;

/// The records of a batch with their positions, in the order of their ids:
/// two calls writing overlapping records (an MIS resending a batch while
/// the first send is still being written) then lock them in one order, so
/// neither waits for the other in a circle — which PostgreSQL would end by
/// failing one of them as a deadlock.
pub fn in_id_order<T>(items: &[T], id: impl Fn(&T) -> &str) -> Vec<(usize, &T)> {
    let mut ordered: Vec<(usize, &T)> = items.iter().enumerate().collect();
    ordered.sort_by(|(_, a), (_, b)| id(a).cmp(id(b)));
    ordered
}

/// A batch is at least one record and at most [`BATCH_MAX`], with no id
/// twice (which of two would be meant?).
pub fn batch<'a, T>(
    path: &str,
    items: &'a [T],
    id: impl Fn(&T) -> &str,
) -> Result<&'a [T], ApiError> {
    if items.is_empty() || items.len() > BATCH_MAX {
        return Err(ApiError::invalid(
            path,
            format!("a batch holds 1 to {BATCH_MAX} records"),
        ));
    }
    let mut seen = std::collections::HashMap::new();
    for (index, item) in items.iter().enumerate() {
        if let Some(first) = seen.insert(id(item), index) {
            return Err(ApiError::invalid(
                format!("{path}[{index}].id"),
                format!("repeats the id of {path}[{first}]"),
            ));
        }
    }
    Ok(items)
}

/// An id of the MIS: 1 to 64 visible ASCII characters.
pub fn mis_id<'a>(path: &str, value: &'a str) -> Result<&'a str, ApiError> {
    if value.is_empty() || value.len() > 64 || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid(
            path,
            "an id is 1 to 64 visible ASCII characters",
        ));
    }
    Ok(value)
}

/// Text a person reads: not blank, at most `max` characters, no control
/// characters but line breaks where `lines` allows them. Kept as sent
/// but for the spaces around it.
pub fn text<'a>(path: &str, value: &'a str, max: usize, lines: bool) -> Result<&'a str, ApiError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ApiError::invalid(path, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid(path, format!("at most {max} characters")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && !(lines && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(ApiError::invalid(path, "must not hold control characters"));
    }
    Ok(value)
}

/// A calendar date, `yyyy-mm-dd`, from 1900 to 2200.
pub fn date(path: &str, value: &str) -> Result<NaiveDate, ApiError> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|d| value.len() == 10 && (1900..=2200).contains(&chrono::Datelike::year(d)))
        .ok_or_else(|| ApiError::invalid(path, "a date is yyyy-mm-dd, from 1900 to 2200"))
}

/// An instant with its offset (RFC 3339: `2026-12-05T10:30:00+03:00`),
/// from 1900 to 2200.
pub fn instant(path: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|at| at.to_utc())
        .filter(|at| (1900..=2200).contains(&chrono::Datelike::year(at)))
        .ok_or_else(|| {
            ApiError::invalid(
                path,
                "an instant is RFC 3339 with its offset, e.g. 2026-12-05T10:30:00+03:00",
            )
        })
}

/// A whole number in `range`.
pub fn number_in(
    path: &str,
    value: i64,
    range: std::ops::RangeInclusive<i64>,
) -> Result<i64, ApiError> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(ApiError::invalid(
            path,
            format!("from {} to {}", range.start(), range.end()),
        ))
    }
}

/// The largest PDF the MIS may send: a memo, a result.
pub const PDF_MAX: usize = 4 * 1024 * 1024;

/// A PDF in base64: decoded, at most [`PDF_MAX`] bytes, and passive (no
/// script, launch action or embedded file: it opens on a patient's
/// device). With its hex SHA-256, which every download checks again.
pub fn pdf_base64(path: &str, encoded: &str) -> Result<(Vec<u8>, String), ApiError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| ApiError::invalid(path, "not base64"))?;
    if !bytes.starts_with(b"%PDF-") {
        return Err(ApiError::invalid(path, "not a PDF"));
    }
    if bytes.len() > PDF_MAX {
        return Err(ApiError::invalid(
            path,
            format!("a PDF is at most {PDF_MAX} bytes"),
        ));
    }
    app::requests::attachments::pdf_is_passive(&bytes)
        .map_err(|_| ApiError::invalid(path, "not a readable PDF, or one with active content"))?;
    let sha = app::security::sha256_hex(&bytes);
    Ok((bytes, sha))
}

/// A decimal number as text ("5.40"): exact, never a JSON number.
pub fn decimal(path: &str, value: &str) -> Result<app::domain::Decimal, ApiError> {
    app::domain::Decimal::parse(value)
        .filter(|_| !value.contains(','))
        .ok_or_else(|| {
            ApiError::invalid(
                path,
                "a decimal is written with a point, at most 15 digits and 6 after the point",
            )
        })
}

/// Roubles as text ("1234.50"): exact, never a JSON number.
pub fn money(path: &str, value: &str) -> Result<app::domain::Money, ApiError> {
    app::domain::Money::parse(value).ok_or_else(|| {
        ApiError::invalid(
            path,
            "an amount is roubles as text, not negative, at most 2 digits after the point",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_refused_with_the_path_of_their_field() {
        let error = date("referrals[1].issued_on", "2026-13-01").unwrap_err();
        assert_eq!(error.body.field.as_deref(), Some("referrals[1].issued_on"));
        assert!(date("x", "2026-12-01").is_ok());
        assert!(date("x", "2026-2-1").is_err());
        assert!(instant("x", "2026-12-05T10:30:00").is_err(), "no offset");
        assert_eq!(
            instant("x", "2026-12-05T10:30:00+03:00")
                .unwrap()
                .to_rfc3339(),
            "2026-12-05T07:30:00+00:00"
        );
        assert!(text("x", "  ", 10, false).is_err());
        assert!(text("x", "a\nb", 10, false).is_err());
        assert_eq!(text("x", " a\nb ", 10, true).unwrap(), "a\nb");
        assert!(text("x", &"я".repeat(11), 10, false).is_err());
        assert!(mis_id("x", "A-1/2").is_ok());
        assert!(mis_id("x", "A 1").is_err());
        assert!(mis_id("x", "").is_err());
    }

    #[test]
    fn a_batch_is_refused_when_empty_too_long_or_naming_an_id_twice() {
        let ids = |n: usize| (0..n).map(|i| i.to_string()).collect::<Vec<_>>();
        assert!(batch("a", &ids(0), |s| s).is_err());
        assert!(batch("a", &ids(BATCH_MAX), |s| s).is_ok());
        assert!(batch("a", &ids(BATCH_MAX + 1), |s| s).is_err());
        let twice = ["x".to_owned(), "y".to_owned(), "x".to_owned()];
        let error = batch("appointments", &twice, |s| s).unwrap_err();
        assert_eq!(error.body.field.as_deref(), Some("appointments[2].id"));
        assert_eq!(error.body.message, "repeats the id of appointments[0]");
    }
}
