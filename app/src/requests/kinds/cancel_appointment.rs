//! «Отменить запись» on an appointment of «Календарь событий». One open
//! request per appointment.

use super::{AppointmentGiven, AppointmentSeen, Fact, KindContent, KindForm};
use crate::domain::request::{optional_text, LONG_TEXT_MAX};
use crate::domain::{all_checked, FieldErrors, FORM};
use crate::forms::{form_fields, FormField};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

form_fields! {
    /// «Отменить запись» as typed: the appointment (a hidden field) and why.
    pub struct CancelAppointmentForm {
        appointment: appointment.appointment,
        reason: appointment.cancel_reason,
    }
}

impl KindForm for CancelAppointmentForm {
    type Content = CancelAppointmentContent;
    type Given = AppointmentGiven;
    const NAME: &'static str = "cancel_appointment";
    const FIELDS: &'static [FormField] = CancelAppointmentForm::FIELDS;

    fn parse(&self, given: &AppointmentGiven) -> Result<CancelAppointmentContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        // The appointment is a hidden field: what is wrong with it is said
        // of the form as a whole.
        let appointment = errors.check(FORM, given.open(&self.appointment));
        let reason = errors.check("reason", optional_text(&self.reason, LONG_TEXT_MAX));
        all_checked!(
            errors,
            CancelAppointmentContent {
                appointment,
                reason
            }
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelAppointmentContent {
    pub appointment: AppointmentSeen,
    /// Why, if the patient said.
    pub reason: Option<String>,
}

impl KindContent for CancelAppointmentContent {
    fn summary_line(&self, locale: Locale) -> String {
        self.appointment.line(locale)
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
