//! The administrative module (`/admin`): its own sign-in, layout and guard.
//! Reception opens cabinets and finds patients; operators work through the
//! request queues of their departments; admins manage staff accounts and
//! the MIS's access to the integration API; editors write the news and
//! promotions.

mod content;
mod integration;
mod layout;
mod patients;
mod reception;
mod requests;
mod routing;
mod second_factor;
mod sign_in;
mod staff;

#[cfg(feature = "ssr")]
pub use content::server as content_server;
pub use content::{
    content_path, ContentListPage, EditContentPage, NewContentPage, PublishContent, SaveContent,
    PICTURE_MAX_BYTES,
};
#[cfg(feature = "ssr")]
pub use integration::server as integration_server;
pub use integration::{CreateMisClient, IntegrationPage, RevokeMisClient};
pub use layout::{AdminHome, AdminLayout};
pub use patients::{DisableCabinet, FindPatients, PatientsPage, ResetSecondFactor};
pub use reception::{OpenCabinet, OpenCabinetPage};
pub use requests::{
    staff_request_path, ChangeRequestStatus, QueuePageView, RequestQueue, StaffRequest,
    StaffRequestPage, TakeRequest,
};
pub use routing::{RequestRouting, SetKindDepartment};
pub use second_factor::{AdminSecondFactorPage, SECOND_FACTOR_PATH};
pub use sign_in::{
    AdminLoginPage, AdminSecondStepPage, StaffSignIn, StaffSignInCode, StaffSignOut,
};
pub use staff::{role_label, CreateStaff, DisableStaff, StaffPage, UpdateStaff};
