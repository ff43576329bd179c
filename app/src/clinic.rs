//! What the page knows about the clinic and the request that rendered it.
//!
//! The server fills [`PageContext`] from its configuration and the request.
//! Pages are rendered on the server only; an island that needs part of it
//! is given that part as a prop.

use crate::auth::{PatientBrief, StaffBrief};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The medical centre as patients see it: name, help line and address.
/// Comes from the server's configuration, never from the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClinicInfo {
    pub name: String,
    pub help_phone: String,
    pub address: String,
    /// The clinic's offset from UTC in minutes: times are shown in the
    /// clinic's local time (Moscow: 180).
    pub utc_offset_minutes: i32,
}

impl ClinicInfo {
    fn offset(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.utc_offset_minutes))
    }

    /// The clinic's calendar date at `at`.
    pub fn local_date(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDate {
        self.local_naive(at).date()
    }

    /// `at` on the clinic's wall clock.
    pub fn local_naive(&self, at: chrono::DateTime<chrono::Utc>) -> chrono::NaiveDateTime {
        (at + self.offset()).naive_utc()
    }

    /// The instant the clinic's wall clock shows `local`.
    pub fn instant_of(&self, local: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
        local.and_utc() - self.offset()
    }

    /// The instant the clinic's calendar day `day` begins.
    pub fn day_starts(&self, day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
        self.instant_of(day.and_time(chrono::NaiveTime::MIN))
    }

    /// `at` on the clinic's wall clock as `locale` writes it:
    /// «03.12.2026 15:40»; «3 Dec 2026, 15:40».
    pub fn local_time(
        &self,
        at: chrono::DateTime<chrono::Utc>,
        locale: crate::i18n::Locale,
    ) -> String {
        let local = self.local_naive(at);
        let day = crate::domain::request::day_text(local.date(), locale);
        let between = match locale {
            crate::i18n::Locale::ru => " ",
            crate::i18n::Locale::en => ", ",
        };
        format!("{day}{between}{}", local.format("%H:%M"))
    }
}

/// Header the server stamps on every request and response.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// What the server knows while it renders a page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageContext {
    pub clinic: ClinicInfo,
    /// The id of the request that rendered this page, shown on error pages so
    /// support can find the matching log lines.
    pub request_id: Option<String>,
    /// The signed-in patient, if any.
    pub patient: Option<PatientBrief>,
    /// The signed-in staff member, if any.
    pub staff: Option<StaffBrief>,
}

impl PageContext {
    /// Provides the page context, computed from the server's context.
    pub fn provide() -> PageContext {
        let page = Self::from_server();
        provide_context(page.clone());
        page
    }

    #[cfg(feature = "ssr")]
    fn from_server() -> PageContext {
        let clinic = use_context::<ClinicInfo>().unwrap_or_else(|| {
            tracing::error!("ClinicInfo missing from the render context");
            ClinicInfo::default()
        });
        let request_id = use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get(REQUEST_ID_HEADER)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        });
        let signed_in = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::auth::SignedIn>().cloned())
            .unwrap_or_default();
        PageContext {
            clinic,
            request_id,
            patient: signed_in.patient.map(|patient| PatientBrief {
                address_as: patient.address_as,
            }),
            staff: signed_in.staff.map(|staff| StaffBrief {
                full_name: staff.full_name,
                roles: staff.roles,
                needs_second_factor: staff.needs_second_factor,
            }),
        }
    }

    /// Pages never render in the browser: only islands run there.
    #[cfg(not(feature = "ssr"))]
    fn from_server() -> PageContext {
        PageContext::default()
    }
}

/// The page context provided by [`PageContext::provide`] at the root.
pub fn page_context() -> PageContext {
    use_context::<PageContext>().unwrap_or_default()
}

/// `tel:` link target for a phone number as written for people.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    format!("tel:{digits}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_the_clinics_local_time() {
        let clinic = ClinicInfo {
            utc_offset_minutes: 180,
            ..ClinicInfo::default()
        };
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T22:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(
            clinic.local_time(at, crate::i18n::Locale::ru),
            "27.11.2026 01:30"
        );
        assert_eq!(
            clinic.local_time(at, crate::i18n::Locale::en),
            "27 Nov 2026, 01:30"
        );
    }

    #[test]
    fn a_phone_written_for_people_becomes_a_dialable_link() {
        assert_eq!(tel_href("+7 (495) 933 66 55"), "tel:+74959336655");
    }
}
