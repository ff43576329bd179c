//! The administrative module (`/admin`): its own sign-in, layout and guard.
//! Reception opens cabinets; admins manage staff accounts and roles.

mod layout;
mod patients;
mod reception;
mod sign_in;
mod staff;

pub use layout::{AdminHome, AdminLayout};
pub use patients::DisableCabinet;
pub use reception::{OpenCabinet, OpenCabinetPage};
pub use sign_in::{AdminLoginPage, StaffSignIn, StaffSignOut};
pub use staff::{CreateStaff, DisableStaff, StaffPage, UpdateStaff};
