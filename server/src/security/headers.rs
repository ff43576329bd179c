//! Security headers on every response: no sniffing, no framing, a strict
//! referrer policy, HSTS over https, a locked-down default CSP (pages set
//! their own, with a nonce), and `Cache-Control: no-store` on everything but
//! the site's static files — pages and server function answers may hold
//! personal data.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Clone, Copy, Debug)]
pub struct HeaderPolicy {
    /// Served over https: send HSTS.
    pub https: bool,
}

/// Files that hold no personal data and may be cached.
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || [
            ".css",
            ".js",
            ".wasm",
            ".svg",
            ".png",
            ".ico",
            ".webmanifest",
            ".woff2",
            ".txt",
        ]
        .iter()
        .any(|extension| path.ends_with(extension))
}

/// CSP for anything that is not a page (pages send their own).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    request: Request,
    next: Next,
) -> Response {
    let static_file = is_static_file(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "same-origin");
    set(
        headers,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        set(headers, header::CONTENT_SECURITY_POLICY, DEFAULT_CSP);
    }
    if policy.https {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    if !static_file {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sites_files_count_as_static() {
        assert!(is_static_file("/pkg/cabinet.wasm"));
        assert!(is_static_file("/favicon.svg"));
        assert!(!is_static_file("/"));
        assert!(!is_static_file("/api/sign_in"));
        assert!(!is_static_file("/settings"));
    }
}
