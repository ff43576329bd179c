//! Types that parse, not validate: built for the server and the browser alike,
//! so a form and its server function apply the same rule and show the same
//! message.

mod decimal;
mod device;
mod email;
mod inn;
mod login;
mod password;
pub mod patient;
mod problem;
pub mod request;
mod staff_role;
mod text;

pub use decimal::{Decimal, Money};
pub use device::device_label;
pub use email::Email;
pub use inn::Inn;
pub use login::{login_key, Login};
pub use password::{
    check_new_password, new_password_problem, PasswordContext, MAX_PASSWORD_BYTES,
    MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS,
};
pub(crate) use problem::all_checked;
pub use problem::{FieldError, FieldErrors, Problem, FORM};
pub use staff_role::StaffRole;
pub use text::{AddressAs, RecoveryCode};
