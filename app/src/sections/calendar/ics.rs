//! Appointments as iCalendar (RFC 5545), built with the `icalendar` crate:
//! one appointment's «Добавить в календарь», and the patient's personal
//! feed, which carries only what the patient chose to share there.

use crate::db::appointments::Appointment;
use crate::i18n::{td_string, Locale};
use crate::texts::fill;
use icalendar::{Calendar, Component, EventLike, EventStatus};

/// How much of an appointment a calendar shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Who, what visit and where.
    Full,
    /// Only that there is a visit at the clinic, and when: for a feed the
    /// patient shares with a calendar they do not keep to themselves.
    TimeOnly,
}

/// An event of the appointment, its UID stable across feeds and downloads
/// (`<MIS id>@<host>`), so a calendar updates it instead of doubling it.
fn event(row: &Appointment, detail: Detail, locale: Locale, host: &str) -> icalendar::Event {
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@{host}", row.mis_id))
        .starts(row.starts_at)
        .ends(row.starts_at + chrono::Duration::minutes(i64::from(row.duration_minutes)))
        .status(if row.status == "cancelled" {
            EventStatus::Cancelled
        } else {
            EventStatus::Confirmed
        });
    match detail {
        Detail::Full => {
            let with = row
                .doctor_name
                .as_deref()
                .or(row.study_type.as_deref())
                .unwrap_or_default();
            event
                .summary(&fill(
                    td_string!(locale, calendar.ics_summary),
                    &[("visit", &row.visit_type), ("with", with)],
                ))
                .location(&format!("{}, {}", row.clinic_name, row.clinic_address));
            if let Some(memo) = &row.memo_text {
                event.description(memo);
            }
        }
        Detail::TimeOnly => {
            event.summary(td_string!(locale, calendar.ics_summary_private));
        }
    }
    event.done()
}

/// A calendar of `rows`, in the patient's language.
pub fn calendar_of(rows: &[Appointment], detail: Detail, locale: Locale, host: &str) -> String {
    let mut calendar = Calendar::new();
    calendar.name(td_string!(locale, calendar.ics_name));
    for row in rows {
        calendar.push(event(row, detail, locale, host));
    }
    calendar.done().to_string()
}
