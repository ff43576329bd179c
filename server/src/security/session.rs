//! Resolves the request's session cookies once, before any page or server
//! function runs, into [`SignedIn`] in the request's extensions.

use crate::startup::AppState;
use app::auth::resolve;
use app::context::{locale_for, RETRY_AFTER_SECS};
use app::error::AppError;
use app::pages::static_unavailable_page;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn resolve_sessions(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // The site's static files and the health checks never need to know
    // (and the health checks must answer even when sessions cannot be read).
    let path = request.uri().path();
    if !(path.starts_with("/pkg/") || path == "/healthz" || path == "/readyz") {
        let now = state.server.clock.now();
        match resolve(&state.db, &state.server.sessions, request.headers(), now).await {
            Ok(signed_in) => {
                request.extensions_mut().insert(signed_in);
            }
            // The request carries a session that could not be checked: it is
            // answered neither as signed out (the patient would be sent to
            // sign in again) nor as signed in, but "try again shortly".
            Err(error) => {
                tracing::error!(%error, "cannot resolve the session: answering 503");
                return unavailable(&request);
            }
        }
    }
    next.run(request).await
}

/// 503 with `Retry-After`: the page for a browser, the error for a script.
fn unavailable(request: &Request) -> Response {
    let asks_for_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    let (content_type, body) = if request.uri().path().starts_with("/api/") && !asks_for_html {
        let error = AppError::Unavailable {
            retry_after_secs: RETRY_AFTER_SECS,
        };
        (
            "application/json",
            serde_json::to_string(&error).unwrap_or_default(),
        )
    } else {
        let locale = locale_for(request.headers(), None);
        (
            "text/html; charset=utf-8",
            static_unavailable_page(locale, RETRY_AFTER_SECS),
        )
    };
    let mut response = (StatusCode::SERVICE_UNAVAILABLE, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
    response
}
