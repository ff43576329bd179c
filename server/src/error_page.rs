//! The last line of defence: a handler that panics still answers with the
//! error page — in the patient's words, with the request id to give the
//! help line — instead of a dropped connection.

use app::clinic::REQUEST_ID_HEADER;
use app::pages::static_error_page;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use std::panic::AssertUnwindSafe;

/// Middleware: runs the rest of the stack and turns a panic into a 500 page.
pub async fn catch_panic(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    match AssertUnwindSafe(next.run(request)).catch_unwind().await {
        Ok(response) => response,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            tracing::error!(request_id = %request_id, panic = %message, "a handler panicked");
            internal_error_page(&request_id)
        }
    }
}

/// The 500 page with the request id, as a response that cannot fail.
pub fn internal_error_page(request_id: &str) -> Response {
    let mut response = (
        StatusCode::INTERNAL_SERVER_ERROR,
        Body::from(static_error_page(request_id)),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_error_page_says_what_happened_in_russian_and_shows_the_request_id() {
        let response = internal_error_page("3f1c-<x>");
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        let html = String::from_utf8(bytes.to_vec()).unwrap();
        assert!(html.contains("Что-то пошло не так"));
        assert!(html.contains("Код запроса"));
        assert!(html.contains("3f1c-&lt;x&gt;"));
    }
}
