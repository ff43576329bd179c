//! «Отменить запись» on an appointment of «Календарь событий». One open
//! request per appointment.

use super::{AppointmentSeen, Fact, KindContent};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAppointmentContent {
    pub appointment: AppointmentSeen,
    /// Why, if the patient said.
    pub reason: Option<String>,
}

impl KindContent for CancelAppointmentContent {
    fn summary_line(&self) -> String {
        self.appointment.line()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        self.appointment
            .facts(locale)
            .add(
                td_string!(locale, appointment.cancel_reason),
                self.reason.clone(),
            )
            .done()
    }

    fn about(&self) -> Option<String> {
        Some(self.appointment.appointment_id.clone())
    }
}
