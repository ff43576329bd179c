//! Server functions read no more than their largest legitimate form needs.
//! Anything longer is answered 413 before a byte of it is parsed: a
//! megabyte "password" is never decoded, never hashed, never held twice.

use app::domain::request::LONG_TEXT_MAX;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// One free-text field at its longest: `LONG_TEXT_MAX` characters of up to
/// four UTF-8 bytes, each percent-encoded as three characters.
const LONG_TEXT: usize = LONG_TEXT_MAX * 4 * 3;

/// Everything else a form holds — names, dates, choices, a login, three
/// passwords of 128 characters (percent-encoded: 1.5 KB each) — with room.
const FIELDS: usize = 8 * 1024;

/// The most a call of `/api/{endpoint}` may send.
pub fn limit_for(endpoint: &str) -> usize {
    match endpoint {
        // A reason and a comment.
        "booking/send" | "home-visit/send" => FIELDS + 2 * LONG_TEXT,
        // One message or comment.
        "feedback/send" | "admin/requests/status" => FIELDS + LONG_TEXT,
        _ => FIELDS,
    }
}

/// Middleware: a server function's body over its limit is a 413, whether
/// its `Content-Length` says so or it turns out longer while being read.
pub async fn bodies_sized_to_their_forms(request: Request, next: Next) -> Response {
    let Some(endpoint) = request.uri().path().strip_prefix("/api/") else {
        return next.run(request).await;
    };
    let limit = limit_for(endpoint);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return too_large();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => too_large(),
    }
}

fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        "The form sent is larger than any form of ours.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_with_free_text_may_send_it_at_its_longest_and_others_little() {
        // A reason and a comment of 2,000 four-byte characters each fit.
        assert!(limit_for("booking/send") >= 2 * 2_000 * 4 * 3);
        assert!(limit_for("feedback/send") >= 2_000 * 4 * 3);
        // Three 128-character passwords, percent-encoded, fit; a megabyte does not.
        assert!(limit_for("settings/password") >= 3 * 128 * 4 * 3);
        assert!(limit_for("sign_in") < 1 << 20);
        assert_eq!(limit_for("no/such/function"), FIELDS);
    }
}
