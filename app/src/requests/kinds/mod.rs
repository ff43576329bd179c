//! The kinds of request, one module each. A kind's module holds its form
//! as typed (each field named once, with its label), the rules that turn
//! the form into its stored content, the content, its one-line summary and
//! the facts its page shows. The engine, the lists, the request pages of
//! patient and staff, and the mail use every kind through [`KindContent`]
//! and [`KindForm`], never by name.
//!
//! Adding a kind: its module here, its line in [`kinds!`] below, its texts
//! in both locale files, and a migration that routes it to a department.

pub mod booking;
pub mod cancel_appointment;
pub mod change_appointment;
pub mod document;
pub mod feedback;
pub mod home_visit;
pub mod radiology_report;

use crate::domain::request::day_text;
use crate::domain::FieldErrors;
use crate::forms::FormField;
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

/// What every kind's stored content tells about itself.
pub trait KindContent {
    /// What the request is about, in the patient's words or the MIS's: the
    /// lists show its first line.
    fn summary_line(&self, locale: Locale) -> String;
    /// What the request's page shows, in the reader's language, in order;
    /// what the patient left empty is left out.
    fn facts(&self, locale: Locale) -> Vec<Fact>;
    /// The thing the request is about — an appointment, a referral, a
    /// study — when it is about one: at most one open request of a kind
    /// may be about the same thing.
    fn about(&self) -> Option<String> {
        None
    }
}

/// A kind's form as typed, and its rules.
pub trait KindForm:
    Serialize + serde::de::DeserializeOwned + Default + Clone + Send + Sync + 'static
{
    /// The content the form makes once its rules pass.
    type Content: KindContent + Into<RequestContent>;
    /// What the rules need besides the form (the clinic's date, the
    /// clinics on offer), which the server looks up.
    type Given;
    /// The form's name for its drafts.
    const NAME: &'static str;
    /// Every field, with its label: the page draws them, the summary of
    /// mistakes names them.
    const FIELDS: &'static [FormField];

    /// Checks every field at once.
    fn parse(&self, given: &Self::Given) -> Result<Self::Content, FieldErrors>;
}

/// One fact of a request's page: a label and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// Collects the facts of a content: `fact(label, Some(value))`; a `None`
/// (a field left empty) is left out.
#[derive(Default)]
pub struct Facts(Vec<Fact>);

impl Facts {
    pub fn add(mut self, label: &'static str, value: impl Into<Option<String>>) -> Facts {
        if let Some(value) = value.into() {
            self.0.push(Fact { label, value });
        }
        self
    }

    pub fn done(self) -> Vec<Fact> {
        self.0
    }
}

/// The registry: one line per kind — its name as stored, its content type,
/// its label's key. Makes [`RequestKind`], [`RequestContent`] (stored as
/// JSON tagged by `kind`) and the one `match` that hands a content to the
/// generic code.
macro_rules! kinds {
    ($($kind:ident = $stored:literal, $module:ident::$content:ident, $label:ident;)*) => {
        /// What a patient sends.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RequestKind {
            $($kind,)*
        }

        impl RequestKind {
            pub const ALL: &'static [RequestKind] = &[$(RequestKind::$kind),*];

            /// The name it is stored and routed by.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(RequestKind::$kind => $stored,)*
                }
            }

            pub fn parse(text: &str) -> Option<RequestKind> {
                RequestKind::ALL.iter().copied().find(|k| k.as_str() == text)
            }

            /// What lists and mails call it.
            pub fn label(self, locale: Locale) -> &'static str {
                match self {
                    $(RequestKind::$kind => td_string!(locale, request.$label),)*
                }
            }
        }

        /// What a request holds, by kind.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum RequestContent {
            $($kind($module::$content),)*
        }

        impl RequestContent {
            pub fn kind(&self) -> RequestKind {
                match self {
                    $(RequestContent::$kind(_) => RequestKind::$kind,)*
                }
            }

            /// The content as its kind tells about it.
            pub fn of_kind(&self) -> &dyn KindContent {
                match self {
                    $(RequestContent::$kind(content) => content,)*
                }
            }
        }

        $(impl From<$module::$content> for RequestContent {
            fn from(content: $module::$content) -> RequestContent {
                RequestContent::$kind(content)
            }
        })*
    };
}

kinds! {
    Booking = "booking", booking::BookingContent, kind_booking;
    Document = "document", document::DocumentContent, kind_document;
    CancelAppointment = "cancel_appointment", cancel_appointment::CancelAppointmentContent, kind_cancel_appointment;
    ChangeAppointment = "change_appointment", change_appointment::ChangeAppointmentContent, kind_change_appointment;
    RadiologyReport = "radiology_report", radiology_report::RadiologyReportContent, kind_radiology_report;
    HomeVisit = "home_visit", home_visit::HomeVisitContent, kind_home_visit;
    Feedback = "feedback", feedback::FeedbackContent, kind_feedback;
}

impl RequestContent {
    /// One line for lists: the first line of what it is about, cut short.
    pub fn summary(&self, locale: Locale) -> String {
        let line = self.of_kind().summary_line(locale);
        let first: String = line
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        if first.chars().count() < line.chars().count() {
            format!("{first}…")
        } else {
            first
        }
    }

    pub fn facts(&self, locale: Locale) -> Vec<Fact> {
        self.of_kind().facts(locale)
    }

    pub fn about(&self) -> Option<String> {
        self.of_kind().about()
    }
}

/// A clinic as a request keeps it: its code and, for the record, the name
/// it had when the request was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicChoice {
    pub code: String,
    pub name: String,
}

impl ClinicChoice {
    /// The clinic `code` names among `clinics`; empty is none.
    pub fn choose(
        code: &str,
        clinics: &[ClinicChoice],
    ) -> Result<Option<ClinicChoice>, crate::domain::Problem> {
        match code.trim() {
            "" => Ok(None),
            code => clinics
                .iter()
                .find(|c| c.code == code)
                .cloned()
                .map(Some)
                .ok_or(crate::domain::Problem::ChoiceInvalid),
        }
    }
}

/// An appointment from the calendar as a request about it keeps it: the
/// MIS's id, and for the record what the patient saw when they sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentSeen {
    /// The appointment's id in the MIS.
    pub appointment_id: String,
    /// When it starts, in the clinic's time.
    pub starts_at: chrono::NaiveDateTime,
    /// The doctor's full name or the study.
    pub with: String,
    pub clinic: Option<ClinicChoice>,
}

impl AppointmentSeen {
    /// The appointment in one line: «05.12.2026 10:30, Кардиолог Петров П. П.».
    pub fn line(&self, locale: Locale) -> String {
        format!(
            "{} {}, {}",
            day_text(self.starts_at.date(), locale),
            self.starts_at.format("%H:%M"),
            self.with
        )
    }

    /// The facts a request about it starts with: the appointment, its clinic.
    pub fn facts(&self, locale: Locale) -> Facts {
        Facts::default()
            .add(
                td_string!(locale, appointment.appointment),
                self.line(locale),
            )
            .add(
                td_string!(locale, appointment.clinic),
                self.clinic.as_ref().map(|c| c.name.clone()),
            )
    }
}

/// A referral a booking is made by, as the request keeps it: the MIS's
/// id, and for the record what the patient saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralSeen {
    pub referral_id: String,
    pub service: String,
    /// Who issued it.
    pub doctor: String,
    pub valid_until: chrono::NaiveDate,
}

impl ReferralSeen {
    /// «Консультация кардиолога (Иванова Мария Олеговна, до 21.12.2026)».
    pub fn line(&self, locale: Locale) -> String {
        crate::texts::fill(
            td_string!(locale, referrals.line),
            &[
                ("service", &self.service),
                ("doctor", &self.doctor),
                (
                    "until",
                    &crate::domain::request::day_text(self.valid_until, locale),
                ),
            ],
        )
    }
}

/// What a request about an appointment is checked against: the
/// appointment the form names, as the server found it among the patient's
/// (`None`: not theirs, or no longer there), and the clinic's date.
pub struct AppointmentGiven {
    pub appointment: Option<(AppointmentSeen, AppointmentState)>,
    pub today: chrono::NaiveDate,
}

/// Whether an appointment may still be cancelled or changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AppointmentState {
    /// Booked, and not begun yet.
    Open,
    /// Past, cancelled or done.
    Closed,
}

impl AppointmentGiven {
    /// The appointment the form's hidden field names, if it may still be
    /// cancelled or changed.
    pub fn open(&self, id: &str) -> Result<AppointmentSeen, crate::domain::Problem> {
        use crate::domain::Problem;
        match &self.appointment {
            Some((seen, state)) if seen.appointment_id == id.trim() => match state {
                AppointmentState::Open => Ok(seen.clone()),
                AppointmentState::Closed => Err(Problem::AppointmentClosed),
            },
            _ => Err(Problem::ChoiceInvalid),
        }
    }
}

/// When in the day the patient would rather come.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeOfDay {
    Morning,
    Afternoon,
    Evening,
}

impl TimeOfDay {
    pub const ALL: [TimeOfDay; 3] = [TimeOfDay::Morning, TimeOfDay::Afternoon, TimeOfDay::Evening];

    pub const fn as_str(self) -> &'static str {
        match self {
            TimeOfDay::Morning => "morning",
            TimeOfDay::Afternoon => "afternoon",
            TimeOfDay::Evening => "evening",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            TimeOfDay::Morning => td_string!(locale, booking.morning),
            TimeOfDay::Afternoon => td_string!(locale, booking.afternoon),
            TimeOfDay::Evening => td_string!(locale, booking.evening),
        }
    }

    /// Empty (or «не важно») is none.
    pub fn parse(input: &str) -> Result<Option<TimeOfDay>, crate::domain::Problem> {
        match input.trim() {
            "" | "any" => Ok(None),
            text => TimeOfDay::ALL
                .into_iter()
                .find(|t| t.as_str() == text)
                .map(Some)
                .ok_or(crate::domain::Problem::ChoiceInvalid),
        }
    }
}

/// Test helpers every kind's module uses.
#[cfg(test)]
pub(crate) mod checks {
    use super::KindForm;
    use crate::domain::{Problem, FORM};
    use crate::i18n::Locale;

    /// Every mistake an empty and a garbage form get names a field of the
    /// form, every field has a label in both languages, and the fields
    /// marked required are exactly those an empty form is refused for.
    pub fn fields_are_labelled_and_mistakes_name_them<F: KindForm>(given: &F::Given, garbage: F) {
        for field in F::FIELDS {
            for locale in [Locale::ru, Locale::en] {
                assert!(
                    !(field.label)(locale).is_empty(),
                    "{} {locale:?}",
                    field.name
                );
            }
        }
        let empty = F::default().parse(given).err().unwrap_or_default();
        for field in F::FIELDS {
            assert_eq!(
                empty.of(field.name) == Some(Problem::Required),
                field.required,
                "{} is marked required: {}",
                field.name,
                field.required
            );
        }
        let garbage = garbage.parse(given).err().unwrap_or_default();
        for error in empty.0.iter().chain(&garbage.0) {
            assert!(
                error.field == FORM || F::FIELDS.iter().any(|f| f.name == error.field),
                "{} has a mistake under {}, which is none of its fields",
                F::NAME,
                error.field
            );
        }
        assert!(
            !garbage.is_empty(),
            "the garbage form of {} was accepted",
            F::NAME
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_stored_names_which_are_their_content_tags() {
        for &kind in RequestKind::ALL {
            assert_eq!(RequestKind::parse(kind.as_str()), Some(kind));
            assert_eq!(
                serde_json::to_string(&kind).unwrap(),
                format!("\"{}\"", kind.as_str())
            );
            for locale in [Locale::ru, Locale::en] {
                assert!(!kind.label(locale).is_empty());
            }
        }
        assert_eq!(RequestKind::parse("Booking"), None);
    }

    #[test]
    fn a_summary_is_the_first_line_cut_short() {
        let content = RequestContent::Feedback(feedback::FeedbackContent {
            feedback_type: feedback::FeedbackType::Error,
            message: format!("{}\nвторая строка", "а".repeat(130)),
        });
        let summary = content.summary(Locale::ru);
        assert_eq!(summary.chars().count(), 121);
        assert!(summary.ends_with('…'));
    }
}
