//! Cross-site request forgery guard: every state-changing request (anything
//! but GET, HEAD and OPTIONS) must come from our own pages. Server functions
//! have no CSRF protection of their own and the session cookie is sent with
//! same-site requests, so the browser's own word on the origin decides:
//! `Sec-Fetch-Site: same-origin`, or else an `Origin` equal to ours.

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Our own origin, from the public address.
#[derive(Clone, Debug)]
pub struct AllowedOrigins {
    pub public_origin: Arc<str>,
}

impl AllowedOrigins {
    pub fn new(public_url: &str) -> AllowedOrigins {
        AllowedOrigins {
            public_origin: public_url.trim_end_matches('/').into(),
        }
    }

    /// Whether the request's headers show it came from our own origin.
    pub fn allows(&self, headers: &HeaderMap) -> bool {
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        match text("sec-fetch-site") {
            Some("same-origin") => return true,
            Some(_) => return false,
            None => {}
        }
        let Some(origin) = text(header::ORIGIN.as_str()) else {
            return false;
        };
        if origin == &*self.public_origin {
            return true;
        }
        // Served under another name (a test on port 0, a second address):
        // the origin must name the very host the request was sent to.
        match (text(header::HOST.as_str()), origin.split_once("://")) {
            (Some(host), Some((scheme, origin_host))) => {
                matches!(scheme, "http" | "https") && origin_host == host
            }
            _ => false,
        }
    }
}

pub async fn same_origin_writes(
    State(allowed): State<AllowedOrigins>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if safe || allowed.allows(request.headers()) {
        return next.run(request).await;
    }
    tracing::warn!(
        method = %request.method(),
        path = %request.uri().path(),
        origin = ?request.headers().get(header::ORIGIN),
        sec_fetch_site = ?request.headers().get("sec-fetch-site"),
        "refused a state-changing request from another origin"
    );
    (
        StatusCode::FORBIDDEN,
        "Запрос отклонён: он пришёл не со страниц Личного кабинета. / Request refused: it did not come from the Patient Cabinet's pages.",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn the_browsers_fetch_metadata_decides_when_present() {
        let allowed = AllowedOrigins::new("https://lk.clinic.ru");
        assert!(allowed.allows(&headers(&[("sec-fetch-site", "same-origin")])));
        for site in ["same-site", "cross-site", "none"] {
            let h = headers(&[("sec-fetch-site", site), ("origin", "https://lk.clinic.ru")]);
            assert!(!allowed.allows(&h), "{site}");
        }
    }

    #[test]
    fn otherwise_the_origin_must_be_ours_or_the_host_the_request_went_to() {
        let allowed = AllowedOrigins::new("https://lk.clinic.ru/");
        assert!(allowed.allows(&headers(&[("origin", "https://lk.clinic.ru")])));
        assert!(allowed.allows(&headers(&[
            ("origin", "http://127.0.0.1:4000"),
            ("host", "127.0.0.1:4000")
        ])));
        assert!(!allowed.allows(&headers(&[
            ("origin", "https://evil.example"),
            ("host", "lk.clinic.ru")
        ])));
        assert!(!allowed.allows(&headers(&[("origin", "null"), ("host", "lk.clinic.ru")])));
        assert!(!allowed.allows(&headers(&[("host", "lk.clinic.ru")])));
    }
}
