//! «Записаться на прием/исследование»: what the patient asks for, when,
//! where and with whom.

use super::{ClinicChoice, Fact, Facts, KindContent, KindForm, ReferralSeen, TimeOfDay};
use crate::domain::patient::{date, required_text};
use crate::domain::request::{day_text, optional_text, LINE_MAX, LONG_TEXT_MAX};
use crate::domain::{all_checked, FieldErrors, Problem, FORM};
use crate::forms::{form_fields, FormField};
use crate::i18n::Locale;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// How far ahead a visit may be asked for.
pub const BOOKING_HORIZON_DAYS: u64 = 365;

form_fields! {
    /// The booking form as typed.
    pub struct BookingForm {
        reason: booking.reason [required],
        desired_date: booking.desired_date [required],
        specialist: booking.specialist,
        clinic: booking.clinic,
        time_of_day: booking.time_of_day,
        comment: request.comment,
        referrals: booking.referrals,
    }
}

/// A booking request as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingContent {
    pub reason: String,
    pub desired_date: NaiveDate,
    #[serde(default)]
    pub specialist: Option<String>,
    #[serde(default)]
    pub clinic: Option<ClinicChoice>,
    #[serde(default)]
    pub time_of_day: Option<TimeOfDay>,
    #[serde(default)]
    pub comment: Option<String>,
    /// The referrals the patient books by, ticked in «Действующие
    /// направления».
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub referrals: Vec<ReferralSeen>,
}

/// What the booking rules need: the clinic's date today, the clinics that
/// may be chosen, and the patient's referrals a visit may be booked by.
pub struct BookingGiven {
    pub today: NaiveDate,
    pub clinics: Vec<ClinicChoice>,
    pub referrals: Vec<ReferralSeen>,
}

/// The referrals a form names (MIS ids, comma-separated, a hidden field),
/// each one the patient may book by; none named is none.
fn referrals_named(ids: &str, bookable: &[ReferralSeen]) -> Result<Vec<ReferralSeen>, Problem> {
    let mut chosen: Vec<ReferralSeen> = Vec::new();
    for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
        let referral = bookable
            .iter()
            .find(|r| r.referral_id == id)
            .ok_or(Problem::ReferralNotBookable)?;
        if !chosen.contains(referral) {
            chosen.push(referral.clone());
        }
    }
    Ok(chosen)
}

impl KindForm for BookingForm {
    type Content = BookingContent;
    type Given = BookingGiven;
    const NAME: &'static str = "booking";
    const FIELDS: &'static [FormField] = BookingForm::FIELDS;

    fn parse(&self, given: &BookingGiven) -> Result<BookingContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = errors.check("reason", required_text(&self.reason, LONG_TEXT_MAX));
        let desired_date = errors.check(
            "desired_date",
            date(&self.desired_date).and_then(|d| desired_day(d, given.today)),
        );
        let specialist = errors.check("specialist", optional_text(&self.specialist, LINE_MAX));
        let clinic = errors.check("clinic", ClinicChoice::choose(&self.clinic, &given.clinics));
        let time_of_day = errors.check("time_of_day", TimeOfDay::parse(&self.time_of_day));
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        // A hidden field: what is wrong with it is said of the form.
        let referrals = errors.check(FORM, referrals_named(&self.referrals, &given.referrals));
        all_checked!(
            errors,
            BookingContent {
                reason,
                desired_date,
                specialist,
                clinic,
                time_of_day,
                comment,
                referrals
            }
        )
    }
}

/// A visit may be asked for from today to a year ahead.
pub(crate) fn desired_day(day: NaiveDate, today: NaiveDate) -> Result<NaiveDate, Problem> {
    let horizon = today
        .checked_add_days(Days::new(BOOKING_HORIZON_DAYS))
        .unwrap_or(NaiveDate::MAX);
    if day < today {
        Err(Problem::DateInPast)
    } else if day > horizon {
        Err(Problem::DateTooFar)
    } else {
        Ok(day)
    }
}

impl KindContent for BookingContent {
    fn summary_line(&self, _locale: Locale) -> String {
        self.reason.clone()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        let label = |field: FormField| (field.label)(locale);
        Facts::default()
            .add(label(BookingForm::reason), self.reason.clone())
            .add(
                label(BookingForm::desired_date),
                day_text(self.desired_date, locale),
            )
            .add(label(BookingForm::specialist), self.specialist.clone())
            .add(
                label(BookingForm::clinic),
                self.clinic.as_ref().map(|c| c.name.clone()),
            )
            .add(
                label(BookingForm::time_of_day),
                self.time_of_day.map(|t| t.label(locale).to_owned()),
            )
            .add(label(BookingForm::comment), self.comment.clone())
            .add(
                label(BookingForm::referrals),
                (!self.referrals.is_empty()).then(|| {
                    self.referrals
                        .iter()
                        .map(|r| r.line(locale))
                        .collect::<Vec<_>>()
                        .join("\n")
                }),
            )
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{checks, RequestContent, RequestKind};
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn given() -> BookingGiven {
        BookingGiven {
            today: day(2026, 11, 26),
            clinics: vec![ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }],
            referrals: vec![ReferralSeen {
                referral_id: "R-1".into(),
                service: "Консультация кардиолога".into(),
                doctor: "Иванова Мария Олеговна".into(),
                valid_until: day(2026, 12, 31),
            }],
        }
    }

    fn booking(reason: &str, desired_date: &str) -> BookingForm {
        BookingForm {
            reason: reason.into(),
            desired_date: desired_date.into(),
            ..BookingForm::default()
        }
    }

    #[test]
    fn every_field_has_a_label_and_every_mistake_names_a_field() {
        let garbage = BookingForm {
            reason: "я".repeat(LONG_TEXT_MAX + 1),
            desired_date: "вчера".into(),
            specialist: "я".repeat(LINE_MAX + 1),
            clinic: "nowhere".into(),
            time_of_day: "midnight".into(),
            comment: "я".repeat(LONG_TEXT_MAX + 1),
            referrals: "R-404".into(),
        };
        checks::fields_are_labelled_and_mistakes_name_them(&given(), garbage);
    }

    #[test]
    fn a_booking_records_the_referrals_it_is_made_by_and_only_bookable_ones() {
        let form = |referrals: &str| BookingForm {
            referrals: referrals.into(),
            ..booking("По направлению", "2026-12-01")
        };
        let content = form(" R-1, R-1 ").parse(&given()).unwrap();
        assert_eq!(content.referrals.len(), 1);
        assert_eq!(content.referrals[0].referral_id, "R-1");
        let facts = RequestContent::from(content).facts(Locale::ru);
        assert!(
            facts.iter().any(|f| f.label == "Направления"
                && f.value == "Консультация кардиолога (Иванова Мария Олеговна, до 31.12.2026)"),
            "{facts:?}"
        );
        assert!(form("").parse(&given()).unwrap().referrals.is_empty());
        let refused = form("R-1,R-2").parse(&given()).unwrap_err();
        assert_eq!(refused.of(FORM), Some(Problem::ReferralNotBookable));
    }

    #[test]
    fn a_booking_needs_a_reason_and_a_date_from_today_to_a_year_ahead() {
        let given = given();
        let ok = booking("  Болит колено  ", "2026-11-26").parse(&given);
        assert_eq!(ok.as_ref().map(|b| b.reason.as_str()), Ok("Болит колено"));
        assert!(booking("Осмотр", "26.11.2027").parse(&given).is_ok());

        let problems = |form: BookingForm| form.parse(&given).unwrap_err();
        let errors = problems(booking(" ", ""));
        assert_eq!(errors.of("reason"), Some(Problem::Required));
        assert_eq!(errors.of("desired_date"), Some(Problem::Required));
        assert_eq!(
            problems(booking("x", "2026-11-25")).of("desired_date"),
            Some(Problem::DateInPast)
        );
        assert_eq!(
            problems(booking("x", "2027-11-27")).of("desired_date"),
            Some(Problem::DateTooFar)
        );
        assert_eq!(
            problems(booking("x", "31.02.2027")).of("desired_date"),
            Some(Problem::DateInvalid)
        );
        assert_eq!(
            problems(booking(&"я".repeat(LONG_TEXT_MAX + 1), "2026-12-01")).of("reason"),
            Some(Problem::TooLong)
        );
        assert!(
            booking(&"я".repeat(LONG_TEXT_MAX), "2026-12-01")
                .parse(&given)
                .is_ok(),
            "the limit counts characters, not bytes"
        );
    }

    #[test]
    fn a_booking_takes_only_a_listed_clinic_and_a_known_time_of_day() {
        let form = BookingForm {
            clinic: "spir".into(),
            time_of_day: "morning".into(),
            specialist: " Кардиолог ".into(),
            ..booking("Осмотр", "2026-12-01")
        };
        let content = form.parse(&given()).unwrap();
        assert_eq!(content.clinic.unwrap().name, "Клиника на Спиридоньевском");
        assert_eq!(content.time_of_day, Some(TimeOfDay::Morning));
        assert_eq!(content.specialist.as_deref(), Some("Кардиолог"));

        let errors = BookingForm {
            clinic: "nowhere".into(),
            time_of_day: "midnight".into(),
            ..booking("Осмотр", "2026-12-01")
        }
        .parse(&given())
        .unwrap_err();
        assert_eq!(errors.of("clinic"), Some(Problem::ChoiceInvalid));
        assert_eq!(errors.of("time_of_day"), Some(Problem::ChoiceInvalid));
    }

    #[test]
    fn a_booking_stored_before_its_optional_fields_existed_still_reads() {
        let old = r#"{"kind":"booking","reason":"Осмотр","desired_date":"2026-12-01"}"#;
        let content: RequestContent = serde_json::from_str(old).unwrap();
        assert_eq!(content.kind(), RequestKind::Booking);
        assert_eq!(content.summary(Locale::ru), "Осмотр");
        let facts = content.facts(Locale::ru);
        assert_eq!(
            facts
                .iter()
                .map(|f| (f.label, f.value.as_str()))
                .collect::<Vec<_>>(),
            [
                ("Повод обращения", "Осмотр"),
                ("Желаемая дата", "01.12.2026")
            ]
        );
    }
}
