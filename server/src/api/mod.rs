//! The integration API the clinic's MIS calls: plain axum and JSON, with
//! its own errors and its own bearer-token authentication. It shares the
//! database and the request engine with the pages, nothing else — no
//! cookie, no session, no CORS.

pub mod v1;
