//! The administrative module (`/admin`): its own sign-in, layout and guard.
//! Reception opens cabinets and finds patients; operators work through the
//! request queues of their departments; admins manage staff accounts.

mod layout;
mod patients;
mod queue;
mod reception;
mod routes;
mod sign_in;
mod staff;

pub use layout::{AdminHome, AdminLayout};
pub use patients::{DisableCabinet, FindPatients, PatientsPage};
pub use queue::{
    ChangeRequestStatus, QueuePageView, RequestQueue, StaffRequest, StaffRequestPage, TakeRequest,
};
pub use reception::{OpenCabinet, OpenCabinetPage};
pub use routes::{RequestRouting, SetRequestRoute};
pub use sign_in::{AdminLoginPage, StaffSignIn, StaffSignOut};
pub use staff::{CreateStaff, DisableStaff, StaffPage, UpdateStaff};
