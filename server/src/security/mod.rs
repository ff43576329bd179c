//! The HTTP-level security layers: who is signed in, same-origin writes,
//! and the security headers on every response.

mod body_limit;
mod client_ip;
mod headers;
mod origin;
mod request_id;
mod session;

pub use body_limit::bodies_sized_to_their_forms;
pub use client_ip::{client_ip, TrustedProxies};
pub use headers::{security_headers, HeaderPolicy};
pub use origin::{same_origin_writes, AllowedOrigins};
pub use request_id::request_id_from_trusted_proxies_only;
pub use session::resolve_sessions;
