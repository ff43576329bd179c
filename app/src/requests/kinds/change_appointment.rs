//! «Изменить запись» on an appointment of «Календарь событий»: when the
//! patient would rather come. One open request per appointment.

use super::{AppointmentGiven, AppointmentSeen, Fact, KindContent, KindForm, TimeOfDay};
use crate::domain::patient::date;
use crate::domain::request::{day_text, optional_text, LONG_TEXT_MAX};
use crate::domain::{all_checked, FieldErrors, FORM};
use crate::forms::{form_fields, FormField};
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

form_fields! {
    /// «Изменить запись» as typed: the appointment (a hidden field), when
    /// the patient would rather come, and a comment.
    pub struct ChangeAppointmentForm {
        appointment: appointment.appointment,
        desired_date: booking.desired_date [required],
        time_of_day: booking.time_of_day,
        comment: request.comment,
    }
}

impl KindForm for ChangeAppointmentForm {
    type Content = ChangeAppointmentContent;
    type Given = AppointmentGiven;
    const NAME: &'static str = "change_appointment";
    const FIELDS: &'static [FormField] = ChangeAppointmentForm::FIELDS;

    fn parse(&self, given: &AppointmentGiven) -> Result<ChangeAppointmentContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        // The appointment is a hidden field: what is wrong with it is said
        // of the form as a whole.
        let appointment = errors.check(FORM, given.open(&self.appointment));
        let desired_date = errors
            .check(
                "desired_date",
                date(&self.desired_date).and_then(|d| super::booking::desired_day(d, given.today)),
            )
            // Stored as optional: requests sent before the form asked for it.
            .map(Some);
        let time_of_day = errors.check("time_of_day", TimeOfDay::parse(&self.time_of_day));
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        all_checked!(
            errors,
            ChangeAppointmentContent {
                appointment,
                desired_date,
                time_of_day,
                comment
            }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAppointmentContent {
    pub appointment: AppointmentSeen,
    pub desired_date: Option<NaiveDate>,
    pub time_of_day: Option<TimeOfDay>,
    pub comment: Option<String>,
}

impl KindContent for ChangeAppointmentContent {
    fn summary_line(&self, locale: Locale) -> String {
        self.appointment.line(locale)
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        self.appointment
            .facts(locale)
            .add(
                td_string!(locale, booking.desired_date),
                self.desired_date.map(|day| day_text(day, locale)),
            )
            .add(
                td_string!(locale, booking.time_of_day),
                self.time_of_day.map(|t| t.label(locale).to_owned()),
            )
            .add(td_string!(locale, request.comment), self.comment.clone())
            .done()
    }

    fn about(&self) -> Option<String> {
        Some(self.appointment.appointment_id.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ClinicChoice, RequestContent, RequestKind};
    use super::*;

    /// Appointment A-77 on 05.12.2026 at 10:30.
    fn seen() -> AppointmentSeen {
        AppointmentSeen {
            appointment_id: "A-77".into(),
            starts_at: NaiveDate::from_ymd_opt(2026, 12, 5)
                .unwrap()
                .and_hms_opt(10, 30, 0)
                .unwrap(),
            with: "Петров Пётр Петрович".into(),
            clinic: Some(ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }),
        }
    }

    #[test]
    fn requests_about_an_appointment_name_it_and_are_about_its_mis_id() {
        let appointment = seen();
        let change = RequestContent::from(ChangeAppointmentContent {
            appointment: appointment.clone(),
            desired_date: None,
            time_of_day: Some(TimeOfDay::Evening),
            comment: None,
        });
        let cancel =
            RequestContent::from(super::super::cancel_appointment::CancelAppointmentContent {
                appointment,
                reason: None,
            });
        for (content, kind) in [
            (&change, RequestKind::ChangeAppointment),
            (&cancel, RequestKind::CancelAppointment),
        ] {
            assert_eq!(content.kind(), kind);
            assert_eq!(content.about().as_deref(), Some("A-77"));
            assert_eq!(
                content.summary(Locale::ru),
                "05.12.2026 10:30, Петров Пётр Петрович"
            );
            assert_eq!(
                content.summary(Locale::en),
                "5 Dec 2026 10:30, Петров Пётр Петрович"
            );
            let stored = serde_json::to_string(content).unwrap();
            assert!(stored.contains(&format!(r#""kind":"{}""#, kind.as_str())));
            assert_eq!(
                &serde_json::from_str::<RequestContent>(&stored).unwrap(),
                content
            );
        }
        let facts = change.facts(Locale::en);
        assert!(
            facts.iter().any(|f| f.value == "Evening (17:00–21:00)"),
            "{facts:?}"
        );
    }

    fn given(state: super::super::AppointmentState) -> AppointmentGiven {
        AppointmentGiven {
            appointment: Some((seen(), state)),
            today: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
        }
    }

    #[test]
    fn the_appointment_forms_label_every_field_and_name_it_in_every_mistake() {
        use super::super::cancel_appointment::CancelAppointmentForm;
        use super::super::{checks, AppointmentState};
        let open = given(AppointmentState::Open);
        checks::fields_are_labelled_and_mistakes_name_them(
            &open,
            ChangeAppointmentForm {
                appointment: "A-1".into(),
                desired_date: "вчера".into(),
                time_of_day: "полночь".into(),
                comment: "я".repeat(LONG_TEXT_MAX + 1),
            },
        );
        checks::fields_are_labelled_and_mistakes_name_them(
            &open,
            CancelAppointmentForm {
                appointment: "A-1".into(),
                reason: "я".repeat(LONG_TEXT_MAX + 1),
            },
        );
    }

    #[test]
    fn only_the_patients_own_open_appointment_may_be_cancelled_or_changed() {
        use super::super::cancel_appointment::CancelAppointmentForm;
        use super::super::AppointmentState;
        use crate::domain::{Problem, FORM};
        let cancel = |id: &str| CancelAppointmentForm {
            appointment: id.into(),
            reason: " Заболел ".into(),
        };
        let content = cancel("A-77")
            .parse(&given(AppointmentState::Open))
            .unwrap();
        assert_eq!(content.appointment.appointment_id, "A-77");
        assert_eq!(content.reason.as_deref(), Some("Заболел"));
        let refused =
            |form: CancelAppointmentForm, state| form.parse(&given(state)).unwrap_err().of(FORM);
        assert_eq!(
            refused(cancel("A-78"), AppointmentState::Open),
            Some(Problem::ChoiceInvalid)
        );
        assert_eq!(
            refused(cancel(""), AppointmentState::Open),
            Some(Problem::ChoiceInvalid)
        );
        assert_eq!(
            refused(cancel("A-77"), AppointmentState::Closed),
            Some(Problem::AppointmentClosed)
        );

        let change = ChangeAppointmentForm {
            appointment: "A-77".into(),
            desired_date: "2026-11-25".into(),
            ..ChangeAppointmentForm::default()
        };
        let errors = change.parse(&given(AppointmentState::Open)).unwrap_err();
        assert_eq!(errors.of("desired_date"), Some(Problem::DateInPast));
    }
}
