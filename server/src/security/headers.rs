//! Security headers on every response: no sniffing, no framing, a strict
//! referrer policy, HSTS over https, a locked-down default CSP (pages set
//! their own, with a nonce), and `Cache-Control`: `no-store` on everything
//! but the site's static files — pages and server function answers may
//! hold personal data; a file whose name carries its content's hash — the
//! site's own, and the pictures of news and promotions, addressed by their
//! SHA-256 — cached for a year, unchanged (`immutable`); any other site
//! file checked with the server before each use (`no-cache`).

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

#[derive(Clone, Copy, Debug)]
pub struct HeaderPolicy {
    /// Served over https: send HSTS.
    pub https: bool,
}

/// The pictures of news and promotions: `/content/pictures/<sha256>`.
const CONTENT_PICTURES: &str = "/content/pictures/";

/// Files that hold no personal data and may be cached.
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with(CONTENT_PICTURES)
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

/// Whether a file's name carries the hash of its content, as cargo-leptos
/// names them (`cabinet.<22 characters of URL-safe base64>.wasm`): such a
/// name is never reused for other content.
fn is_hashed_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let parts: Vec<&str> = name.split('.').collect();
    parts.len() >= 3
        && parts[1..parts.len() - 1].iter().any(|part| {
            part.len() == 22
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// CSP for anything that is not a page (pages send their own).
const DEFAULT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(
    State(policy): State<HeaderPolicy>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let cache = if !is_static_file(path) {
        "no-store"
    } else if (path.starts_with("/pkg/") && is_hashed_name(path))
        || path.starts_with(CONTENT_PICTURES)
    {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = next.run(request).await;
    let status = response.status();
    // A missing file's "not found" page is a page.
    let cache = if status.is_success() || status == StatusCode::NOT_MODIFIED {
        cache
    } else {
        "no-store"
    };
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
    set(headers, header::CACHE_CONTROL, cache);
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

    #[test]
    fn only_a_name_with_a_content_hash_is_cached_for_good() {
        assert!(is_hashed_name("/pkg/cabinet.Nk9vQ2xWb3JkX2hhc2gxMg.wasm"));
        assert!(is_hashed_name("/pkg/cabinet.Nk9vQ2xW-3JkX2hhc2g_Mg.css"));
        assert!(!is_hashed_name("/pkg/cabinet.wasm"));
        assert!(!is_hashed_name("/pkg/cabinet_bg.wasm"));
        assert!(
            !is_hashed_name("/pkg/Nk9vQ2xWb3JkX2hhc2gxMg.wasm"),
            "no name before"
        );
        assert!(!is_hashed_name("/pkg/cabinet.short.js"));
    }
}
