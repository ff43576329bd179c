//! Types that parse, not validate: built for the server and the browser alike,
//! so a form and its server function apply the same rule.

mod staff_role;

pub use staff_role::StaffRole;
