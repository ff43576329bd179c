//! The site's files: served straight from the site folder, precompressed
//! when the browser takes it, cached for a year under a name that carries
//! their content's hash and checked before each use otherwise; a path that
//! is no file is the app's "not found" page, never cached.

use crate::helpers::{spawn_app_with, TestApp};
use reqwest::StatusCode;

/// A stylesheet named as cargo-leptos names hashed files.
const HASHED_CSS: &str = "cabinet.Nk9vQ2xWb3JkX2hhc2gxMg.css";

async fn site() -> (tempfile::TempDir, TestApp) {
    let root = tempfile::tempdir().unwrap();
    let pkg = root.path().join("pkg");
    std::fs::create_dir(&pkg).unwrap();
    std::fs::write(pkg.join(HASHED_CSS), "body{color:red}").unwrap();
    std::fs::write(pkg.join(format!("{HASHED_CSS}.br")), "brotli bytes").unwrap();
    std::fs::write(root.path().join("favicon.svg"), "<svg/>").unwrap();
    let path = root.path().to_str().unwrap().to_owned();
    let app = spawn_app_with(|config| config.site_root = path).await;
    (root, app)
}

async fn fetch(app: &TestApp, path: &str, encodings: &str) -> reqwest::Response {
    app.client
        .get(format!("{}{path}", app.address))
        .header("accept-encoding", encodings)
        .send()
        .await
        .unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn a_hashed_file_is_sent_as_the_build_compressed_it_and_cached_for_a_year() {
    let (_root, app) = site().await;
    let path = format!("/pkg/{HASHED_CSS}");

    let compressed = fetch(&app, &path, "gzip, br").await;
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(header(&compressed, "content-encoding"), "br");
    assert!(header(&compressed, "content-type").starts_with("text/css"));
    assert_eq!(
        header(&compressed, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(compressed.text().await.unwrap(), "brotli bytes");

    let plain = fetch(&app, &path, "identity").await;
    assert_eq!(header(&plain, "content-encoding"), "");
    assert_eq!(plain.text().await.unwrap(), "body{color:red}");
}

#[tokio::test]
async fn a_file_without_a_hash_is_checked_before_use_and_no_file_is_the_uncached_not_found_page() {
    let (_root, app) = site().await;
    let icon = fetch(&app, "/favicon.svg", "identity").await;
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(header(&icon, "cache-control"), "no-cache");
    assert!(header(&icon, "content-type").starts_with("image/svg+xml"));

    let missing = fetch(&app, "/pkg/cabinet.Nk9vQ2xWb3JkX2hhc2gxMg.wasm", "identity").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&missing, "cache-control"), "no-store");
    assert!(header(&missing, "content-type").starts_with("text/html"));
}

#[tokio::test]
async fn the_files_are_read_once_at_start_and_a_browser_that_has_one_gets_a_304() {
    let (root, app) = site().await;
    let first = fetch(&app, "/favicon.svg", "identity").await;
    let etag = header(&first, "etag").to_owned();
    assert!(etag.starts_with('"'), "{etag}");
    assert_eq!(header(&first, "vary"), "accept-encoding");

    let again = app
        .client
        .get(format!("{}/favicon.svg", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.text().await.unwrap(), "");

    // What the build wrote is what this process serves until it restarts.
    std::fs::write(root.path().join("favicon.svg"), "<svg>changed</svg>").unwrap();
    let later = fetch(&app, "/favicon.svg", "identity").await;
    assert_eq!(later.text().await.unwrap(), "<svg/>");
}
