//! The request id every log line, error page and audit row carries. Ours
//! unless one of our own reverse proxies (`TRUSTED_PROXIES`) already gave
//! the request one: an id a client chose would be echoed, logged and stored
//! in the audit log as if we had made it — it could collide with a real
//! one on purpose, or smuggle text into the logs.

use super::TrustedProxies;
use app::clinic::REQUEST_ID_HEADER;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;

/// The longest request id we keep from a proxy (a UUID is 36).
const MAX_LEN: usize = 64;

/// Middleware, before the id is made: drops an incoming `x-request-id`
/// unless a trusted proxy sent it and it looks like an id.
pub async fn request_id_from_trusted_proxies_only(
    State(trusted): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    let from_proxy = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|info| trusted.trusts(info.0.ip()));
    let kept = from_proxy
        && request
            .headers()
            .get(REQUEST_ID_HEADER)
            .is_some_and(looks_like_an_id);
    if !kept {
        request.headers_mut().remove(REQUEST_ID_HEADER);
    }
    next.run(request).await
}

/// Letters, digits, `-`, `_` and `.`, at most [`MAX_LEN`] of them.
fn looks_like_an_id(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_short_plain_token_passes_for_an_id() {
        let ok = |text: &str| looks_like_an_id(&HeaderValue::from_str(text).unwrap());
        assert!(ok("3f1c2b7e-1a2b-4c3d-8e9f-0a1b2c3d4e5f"));
        assert!(ok("lb-01.req_42"));
        assert!(!ok(""));
        assert!(!ok("id with spaces"));
        assert!(!ok("<script>"));
        assert!(!ok(&"a".repeat(65)));
    }
}
