//! What every request («заявка / запрос») shares, whatever its kind: its
//! status and the rules for moving between statuses, its human-readable
//! number, the limits of its texts, and the pages, filters and form keys of
//! its lists. Each kind's form and content live in `requests::kinds`.

use super::patient::date;
use super::Problem;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a request stands. A request starts as `Sent`; staff move it on;
/// the patient may cancel it until work on it has begun.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Sent,
    Accepted,
    InProgress,
    Done,
    Rejected,
    Cancelled,
}

impl RequestStatus {
    pub const ALL: [RequestStatus; 6] = [
        RequestStatus::Sent,
        RequestStatus::Accepted,
        RequestStatus::InProgress,
        RequestStatus::Done,
        RequestStatus::Rejected,
        RequestStatus::Cancelled,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Sent => "sent",
            RequestStatus::Accepted => "accepted",
            RequestStatus::InProgress => "in_progress",
            RequestStatus::Done => "done",
            RequestStatus::Rejected => "rejected",
            RequestStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(text: &str) -> Option<RequestStatus> {
        RequestStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Nothing happens to the request any more.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            RequestStatus::Done | RequestStatus::Rejected | RequestStatus::Cancelled
        )
    }

    /// Whether the patient may still cancel: not once work has begun.
    pub const fn patient_may_cancel(self) -> bool {
        matches!(self, RequestStatus::Sent | RequestStatus::Accepted)
    }

    /// The statuses staff may move a request in this status to, in the
    /// order a request usually goes. Staff never cancel for the patient:
    /// they reject, with a reason.
    pub fn staff_next(self) -> &'static [RequestStatus] {
        match self {
            RequestStatus::Sent => &[
                RequestStatus::Accepted,
                RequestStatus::InProgress,
                RequestStatus::Done,
                RequestStatus::Rejected,
            ],
            RequestStatus::Accepted => &[
                RequestStatus::InProgress,
                RequestStatus::Done,
                RequestStatus::Rejected,
            ],
            RequestStatus::InProgress => &[RequestStatus::Done, RequestStatus::Rejected],
            RequestStatus::Done | RequestStatus::Rejected | RequestStatus::Cancelled => &[],
        }
    }

    /// Checks a change asked for by staff.
    pub fn staff_may_set(self, to: RequestStatus) -> bool {
        self.staff_next().contains(&to)
    }
}

/// The human-readable number of a request, `З-2026-000123`: the year it
/// was sent and its place among that year's requests.
pub fn request_number(year: i32, sequence: i64) -> String {
    format!("З-{year}-{sequence:06}")
}

/// Whether `text` has the shape of a request number (a guess that does not
/// is answered like a number that does not exist).
pub fn is_request_number(text: &str) -> bool {
    let mut parts = text.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next(), parts.next()),
        (Some("З"), Some(year), Some(seq), None)
            if year.len() == 4
                && year.chars().all(|c| c.is_ascii_digit())
                && (6..=12).contains(&seq.len())
                && seq.chars().all(|c| c.is_ascii_digit())
    )
}

/// The most a long text field (reason, comment, message) may hold.
pub const LONG_TEXT_MAX: usize = 2_000;
/// The most a short field (street, specialist) may hold.
pub const LINE_MAX: usize = 200;
/// The most a tiny field (house, flat, floor) may hold.
pub const SHORT_MAX: usize = 20;

/// An optional line: empty is `None`, too long is a problem.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, Problem> {
    let text = input.trim();
    if text.is_empty() {
        Ok(None)
    } else if text.chars().count() > max {
        Err(Problem::TooLong)
    } else {
        Ok(Some(text.to_owned()))
    }
}

/// A day as the pages write it in `locale`: «03.12.2026»; «3 Dec 2026».
pub fn day_text(day: NaiveDate, locale: crate::i18n::Locale) -> String {
    match locale {
        crate::i18n::Locale::ru => day.format("%d.%m.%Y").to_string(),
        crate::i18n::Locale::en => day.format("%-d %b %Y").to_string(),
    }
}

/// A page of a list as the address gives it: empty is the first; at most a
/// million, so the offset it makes stays far from overflowing.
pub fn page_number(input: &str) -> Result<i64, Problem> {
    match input.trim() {
        "" => Ok(1),
        text => text
            .parse::<i64>()
            .ok()
            .filter(|page| (1..=1_000_000).contains(page))
            .ok_or(Problem::ChoiceInvalid),
    }
}

/// A date of a filter: empty is none; a real date between 1900 and 9999.
pub fn filter_date(input: &str) -> Result<Option<NaiveDate>, Problem> {
    if input.trim().is_empty() {
        return Ok(None);
    }
    let day = date(input)?;
    let (first, last) = (
        NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN),
        NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or(NaiveDate::MAX),
    );
    if (first..=last).contains(&day) {
        Ok(Some(day))
    } else {
        Err(Problem::DateInvalid)
    }
}

/// A form's idempotency key: the page makes one per form it shows, so the
/// same form sent twice (a double click, a retried call) is one request.
pub fn idempotency_key(input: &str) -> Result<String, Problem> {
    let key = input.trim();
    if (16..=64).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        Ok(key.to_owned())
    } else {
        Err(Problem::FormExpired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn numbers_read_like_the_clinics_and_guesses_of_another_shape_are_told_apart() {
        assert_eq!(request_number(2026, 123), "З-2026-000123");
        assert_eq!(request_number(2027, 1_234_567), "З-2027-1234567");
        assert!(is_request_number("З-2026-000123"));
        assert!(!is_request_number("3-2026-000123"), "a Latin digit 3");
        assert!(!is_request_number("З-26-000123"));
        assert!(!is_request_number("З-2026-12"));
        assert!(!is_request_number("1 OR 1=1"));
    }

    #[test]
    fn the_patient_cancels_only_before_work_begins_and_nothing_leaves_a_final_status() {
        assert!(RequestStatus::Sent.patient_may_cancel());
        assert!(RequestStatus::Accepted.patient_may_cancel());
        for status in [
            RequestStatus::InProgress,
            RequestStatus::Done,
            RequestStatus::Rejected,
            RequestStatus::Cancelled,
        ] {
            assert!(!status.patient_may_cancel(), "{status:?}");
        }
        for status in RequestStatus::ALL.into_iter().filter(|s| s.is_final()) {
            assert!(status.staff_next().is_empty(), "{status:?}");
        }
    }

    #[test]
    fn staff_move_requests_forward_never_back_and_never_cancel_for_the_patient() {
        assert!(RequestStatus::Sent.staff_may_set(RequestStatus::Accepted));
        assert!(RequestStatus::Accepted.staff_may_set(RequestStatus::InProgress));
        assert!(RequestStatus::InProgress.staff_may_set(RequestStatus::Done));
        assert!(RequestStatus::InProgress.staff_may_set(RequestStatus::Rejected));
        assert!(!RequestStatus::InProgress.staff_may_set(RequestStatus::Accepted));
        assert!(!RequestStatus::Done.staff_may_set(RequestStatus::InProgress));
        for status in RequestStatus::ALL {
            assert!(!status.staff_may_set(RequestStatus::Cancelled));
            assert!(!status.staff_may_set(RequestStatus::Sent));
            assert!(!status.staff_may_set(status), "no change is not a change");
        }
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in RequestStatus::ALL {
            assert_eq!(RequestStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(RequestStatus::parse("Sent"), None);
    }

    #[test]
    fn pages_and_filter_dates_stay_in_range() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number(" 3 "), Ok(3));
        for bad in ["0", "-1", "x", "1000001", "9223372036854775807"] {
            assert_eq!(page_number(bad), Err(Problem::ChoiceInvalid), "{bad}");
        }
        assert_eq!(filter_date(""), Ok(None));
        assert_eq!(filter_date("2026-11-26"), Ok(Some(day(2026, 11, 26))));
        assert_eq!(filter_date("+262142-12-31"), Err(Problem::DateInvalid));
        assert_eq!(filter_date("1899-12-31"), Err(Problem::DateInvalid));
    }

    #[test]
    fn an_idempotency_key_is_a_token_the_page_made() {
        assert!(idempotency_key("0b7f6c1e-8a7d-4c55-9d9e-3f1a2b3c4d5e").is_ok());
        assert_eq!(idempotency_key(""), Err(Problem::FormExpired));
        assert_eq!(idempotency_key("short"), Err(Problem::FormExpired));
        assert_eq!(
            idempotency_key("'; DROP TABLE x; --aaaaaaaaaaaa"),
            Err(Problem::FormExpired)
        );
    }
}
