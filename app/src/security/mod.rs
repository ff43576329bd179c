//! Secrets and password hashing, shared by every server function that needs them.

mod password;

pub use password::{hash_password, verify_password, PasswordHashError, Secret};
