//! A file answered as a download: its media type, the name it is saved
//! under, never cached. (`nosniff` comes with every answer, from the
//! security headers.)

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// `bytes` as a download named `file_name` (a name the server made).
pub fn attachment(media_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(media_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
