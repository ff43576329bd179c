//! Who is signed in: the patient's and the staff member's sessions, their
//! cookies, and the guards every server function starts with.

use crate::domain::StaffRole;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod attempts;
#[cfg(feature = "ssr")]
mod devices;
#[cfg(feature = "ssr")]
mod session;
#[cfg(feature = "ssr")]
pub use session::*;
#[cfg(feature = "ssr")]
pub mod passkey;
#[cfg(feature = "ssr")]
pub mod sign_in;

/// What a page may show about the signed-in patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientBrief {
    pub address_as: String,
}

/// What a page may show about the signed-in staff member.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffBrief {
    pub full_name: String,
    pub roles: Vec<StaffRole>,
    /// Sent to set up a second step before anything else.
    pub needs_second_factor: bool,
}
