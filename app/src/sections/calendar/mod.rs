//! «Календарь событий»: the patient's appointments as the MIS booked them —
//! a month view, the upcoming ones as a list (the past ones a link away),
//! and each appointment's page with its preparation memo, «Добавить в
//! календарь», and «Отменить запись» / «Изменить запись», which send a
//! request about it. The appointment itself changes only when the MIS
//! says so.

mod appointment;
#[cfg(feature = "ssr")]
pub mod ics;
mod month;

pub use appointment::{AppointmentPage, SendCancelAppointment, SendChangeAppointment};
pub use month::CalendarPage;

use serde::{Deserialize, Serialize};

/// An appointment's state as the MIS last said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
    Done,
}

impl AppointmentStatus {
    pub fn parse(text: &str) -> Option<AppointmentStatus> {
        match text {
            "booked" => Some(AppointmentStatus::Booked),
            "cancelled" => Some(AppointmentStatus::Cancelled),
            "done" => Some(AppointmentStatus::Done),
            _ => None,
        }
    }

    pub fn label(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            AppointmentStatus::Booked => td_string!(locale, calendar.status_booked),
            AppointmentStatus::Cancelled => td_string!(locale, calendar.status_cancelled),
            AppointmentStatus::Done => td_string!(locale, calendar.status_done),
        }
    }
}

/// An appointment as the calendar shows it, its times in the clinic's.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppointmentView {
    /// The MIS's id.
    pub id: String,
    /// The doctor's full name, or the study.
    pub with: String,
    pub specialty: Option<String>,
    pub visit_type: String,
    pub day: chrono::NaiveDate,
    /// `hh:mm`.
    pub time: String,
    pub duration_minutes: i32,
    pub clinic_name: String,
    pub clinic_address: String,
    pub status: AppointmentStatus,
    /// Booked and not begun: may be cancelled or changed.
    pub open: bool,
    pub memo_text: Option<String>,
    pub memo_pdf: bool,
}

impl AppointmentView {
    /// The appointment's page.
    pub fn path(&self) -> String {
        appointment_path(&self.id)
    }
}

/// The page of the appointment with this MIS id: the id as one path
/// segment, its unreserved characters as they are (`/calendar/A-1001`).
pub fn appointment_path(id: &str) -> String {
    let mut segment = String::with_capacity(id.len());
    for byte in id.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            segment.push(char::from(byte));
        } else {
            segment.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{}/{segment}", crate::sections::Section::Calendar.path())
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_appointments_id_is_one_path_segment() {
        assert_eq!(super::appointment_path("A-1001"), "/calendar/A-1001");
        assert_eq!(super::appointment_path("A/1 б"), "/calendar/A%2F1%20%D0%B1");
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::{AppointmentStatus, AppointmentView};
    use crate::context::{internal, ServerContext};
    use crate::db::appointments::Appointment;
    use crate::error::AppError;

    /// A stored appointment as the calendar shows it at `now`.
    pub fn view_of(context: &ServerContext, row: Appointment) -> Result<AppointmentView, AppError> {
        let status = AppointmentStatus::parse(&row.status).ok_or_else(|| {
            internal(format_args!(
                "appointment {} has status {}",
                row.mis_id, row.status
            ))
        })?;
        let with = match (row.doctor_name, row.study_type) {
            (Some(doctor), _) => doctor,
            (None, Some(study)) => study,
            (None, None) => String::new(),
        };
        Ok(AppointmentView {
            id: row.mis_id,
            with,
            specialty: row.specialty,
            visit_type: row.visit_type,
            day: context.clinic.local_date(row.starts_at),
            time: context
                .clinic
                .local_naive(row.starts_at)
                .format("%H:%M")
                .to_string(),
            duration_minutes: row.duration_minutes,
            clinic_name: row.clinic_name,
            clinic_address: row.clinic_address,
            status,
            open: status == AppointmentStatus::Booked && row.starts_at > context.clock.now(),
            memo_text: row.memo_text,
            memo_pdf: row.has_memo_pdf,
        })
    }
}
