//! The HTTP-level security layers: who is signed in, same-origin writes,
//! and the security headers on every response.

mod client_ip;
mod headers;
mod origin;
mod session;

pub use client_ip::{client_ip, TrustedProxies};
pub use headers::{security_headers, HeaderPolicy};
pub use origin::{same_origin_writes, AllowedOrigins};
pub use session::resolve_sessions;
