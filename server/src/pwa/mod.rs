//! The cabinet as an app a phone installs: its web app manifest, in the
//! language of the device, and its service worker (`service-worker.js`,
//! which says what it keeps and when it lets go), made for the build being
//! served.
//!
//! The icons are in `public/icons/`: the favicon's cross drawn at 192 and
//! 512 pixels, and a maskable one with the cross inside the safe circle on
//! a full-bleed background (drawn once by Chromium from SVG).

use crate::startup::AppState;
use app::auth::SignedIn;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};
use std::hash::{Hash, Hasher};
use std::sync::OnceLock;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker))
}

/// `GET /manifest.webmanifest`, in the language the pages would be.
async fn manifest(signed_in: Option<Extension<SignedIn>>, headers: HeaderMap) -> Response {
    let locale = app::context::locale_for(&headers, signed_in.as_ref().map(|e| &e.0));
    let [name, short_name, description, lang] = app::pages::manifest_texts(locale);
    let manifest = serde_json::json!({
        "id": "/",
        "name": name,
        "short_name": short_name,
        "description": description,
        "lang": lang,
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5c7a",
        "icons": [
            { "src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any" },
            { "src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any" },
            { "src": "/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable" },
        ],
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/manifest+json"),
            ),
            (
                header::VARY,
                HeaderValue::from_static("cookie, accept-language"),
            ),
        ],
        manifest.to_string(),
    )
        .into_response()
}

/// `GET /sw.js`: the service worker of this build. Its text changes with
/// every release (the file names it keeps, and the release's mark), so the
/// browser installs the new one, which drops the old release's files.
async fn service_worker(State(state): State<AppState>) -> Response {
    static SCRIPT: OnceLock<String> = OnceLock::new();
    let script = SCRIPT.get_or_init(|| {
        let assets = app::islands::site_assets(&state.leptos_options);
        let files = [
            "/offline",
            assets.stylesheet.as_str(),
            assets.script.as_str(),
            assets.wasm.as_str(),
            "/favicon.svg",
            "/icons/icon-192.png",
        ];
        service_worker_text(&files, &release_mark(&files))
    });
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            // The worker's own policy: it fetches from this origin only.
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("default-src 'none'; connect-src 'self'"),
            ),
        ],
        script.clone(),
    )
        .into_response()
}

/// The worker's text with this release's mark and files filled in.
fn service_worker_text(files: &[&str], release: &str) -> String {
    let files = serde_json::to_string(files).unwrap_or_else(|_| "[]".to_owned());
    include_str!("service-worker.js")
        .replacen("__RELEASE__", release, 1)
        .replacen("__SHELL_FILES__", &files, 1)
}

/// What tells this release from another: its file names (hashed by
/// content), the worker's own text and the server binary it runs in (the
/// «Нет соединения» page it keeps is rendered by that binary). Every
/// instance started from the same binary gives the same mark.
fn release_mark(files: &[&str]) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    files.hash(&mut hasher);
    include_str!("service-worker.js").hash(&mut hasher);
    if let Some(metadata) = std::env::current_exe()
        .ok()
        .and_then(|exe| std::fs::metadata(exe).ok())
    {
        metadata.len().hash(&mut hasher);
        metadata.modified().ok().hash(&mut hasher);
    }
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_names_its_release_and_files_and_nothing_is_left_to_fill() {
        let text = service_worker_text(&["/offline", "/pkg/cabinet.abc.css"], "0123456789abcdef");
        assert!(text.contains(r#"const RELEASE = "0123456789abcdef";"#));
        assert!(text.contains(r#"const SHELL_FILES = ["/offline","/pkg/cabinet.abc.css"];"#));
        assert!(!text.contains("__"), "a placeholder left in the worker");
    }

    #[test]
    fn another_file_name_is_another_release() {
        assert_ne!(
            release_mark(&["/pkg/cabinet.one.css"]),
            release_mark(&["/pkg/cabinet.two.css"])
        );
        assert_eq!(release_mark(&["/a"]), release_mark(&["/a"]));
    }
}
