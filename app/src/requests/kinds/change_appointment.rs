//! «Изменить запись» on an appointment of «Календарь событий»: when the
//! patient would rather come. One open request per appointment.

use super::{AppointmentSeen, Fact, KindContent, TimeOfDay};
use crate::domain::request::day_text;
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeAppointmentContent {
    pub appointment: AppointmentSeen,
    pub desired_date: Option<NaiveDate>,
    pub time_of_day: Option<TimeOfDay>,
    pub comment: Option<String>,
}

impl KindContent for ChangeAppointmentContent {
    fn summary_line(&self) -> String {
        self.appointment.line()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        self.appointment
            .facts(locale)
            .add(
                td_string!(locale, booking.desired_date),
                self.desired_date.map(day_text),
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

    #[test]
    fn requests_about_an_appointment_name_it_and_are_about_its_mis_id() {
        let appointment = AppointmentSeen {
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
        };
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
            assert_eq!(content.summary(), "05.12.2026 10:30, Петров Пётр Петрович");
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
}
