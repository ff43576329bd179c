//! What stands before every call: browsers are refused, the body is
//! limited before it is read, and the bearer token names a client. Input
//! is read strictly: an unknown field, a wrong type or trailing bytes are
//! refused with the path of the field at fault.

use super::error::ApiError;
use crate::startup::AppState;
use app::db::audit::Origin;
use app::db::mis_clients;
use app::security::token_hash;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// The largest body any call takes: a batch of appointments with PDF
/// memos, base64-encoded.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Middleware: refuses what a browser sends (a page's `fetch`, a form) —
/// the API is for the MIS's servers — and bodies over [`BODY_LIMIT`],
/// by `Content-Length` before reading, or while reading.
pub async fn servers_only(request: Request, next: Next) -> Response {
    if sent_by_a_browser(request.headers()) {
        return ApiError::browser_refused().into_response();
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT as u64) {
        return ApiError::too_large(BODY_LIMIT).into_response();
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(_) => ApiError::too_large(BODY_LIMIT).into_response(),
    }
}

/// Browsers say where a request comes from (`Sec-Fetch-Site`, on every
/// request since 2023 in all of them; `Origin` on cross-origin ones); a
/// server calling the API says neither. (`Sec-Fetch-Mode` is no sign:
/// Node's own `fetch` sends it.) A cookie is never a credential here, so
/// one is refused outright rather than ignored.
fn sent_by_a_browser(headers: &HeaderMap) -> bool {
    headers.contains_key(header::ORIGIN)
        || headers.contains_key(header::COOKIE)
        || headers.contains_key("sec-fetch-site")
}

/// The MIS client a call is made by, and from where.
#[derive(Clone, Debug)]
pub struct MisClient {
    pub id: i64,
    pub name: String,
    pub origin: Origin,
}

impl FromRequestParts<AppState> for MisClient {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|token| !token.is_empty() && token.len() <= 200)
            .ok_or_else(ApiError::unauthorized)?;
        let now = state.server.clock.now();
        let (id, name) = mis_clients::authenticate(&state.db, &token_hash(token), now)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        // Where the call came from, as every download's audit row has it.
        let ip = parts
            .extensions
            .get::<app::context::ClientIp>()
            .cloned()
            .map(axum::Extension);
        let origin = crate::request_files::origin_of(&parts.headers, ip);
        Ok(MisClient { id, name, origin })
    }
}

/// A JSON body read strictly into `T`.
pub struct StrictJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for StrictJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|_| ApiError::too_large(BODY_LIMIT))?;
        read_strictly(&bytes).map(StrictJson)
    }
}

/// `bytes` as `T`, or the path of the first field at fault.
pub fn read_strictly<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut reader)
        .map_err(|error| ApiError::invalid(error.path().to_string(), error.inner().to_string()))?;
    reader
        .end()
        .map_err(|error| ApiError::invalid("", error.to_string()))?;
    Ok(value)
}
