//! Secrets, password hashing, tokens, lockouts and rate limits: the security
//! core every server function relies on.

mod common;
pub mod limits;
pub mod lockout;
pub mod passkey;
mod password;
pub mod second_factor;
mod token;

pub use common::{common_password_count, is_common_password};
pub use limits::{IpRateLimiter, RateLimit};
pub use password::{
    hash_password, needs_rehash, prepare_dummy_hash, verify_password, Hasher, PasswordHashError,
    Secret, Verified,
};
pub use token::{
    new_recovery_code, new_session_token, new_temporary_login, new_temporary_password, sha256_hex,
    token_hash,
};
