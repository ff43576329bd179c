//! Pictures of news and promotions, over plain HTTP: an editor uploads one
//! for an item (a plain multipart form; PNG, JPEG or WebP, checked by its
//! bytes), and pages show it from `/content/pictures/<sha256>` — an
//! address that is the hash of the bytes, so it is served as a static file
//! is: cached for a year, never changing (`security/headers.rs`).

use crate::request_files::origin_of;
use crate::startup::AppState;
use app::admin::content_path;
use app::auth::SignedIn;
use app::context::ClientIp;
use app::error::AppError;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/content/{id}/picture",
            post(upload).layer(DefaultBodyLimit::max(
                app::admin::PICTURE_MAX_BYTES + 64 * 1024,
            )),
        )
        .route("/content/pictures/{sha256}", get(picture))
}

fn back(id: i64, query: &str) -> Response {
    Redirect::to(&format!("{}?{query}", content_path(id))).into_response()
}

/// `POST /admin/content/{id}/picture`: the form's `picture` becomes the
/// item's; then back to the item's page, which says what happened.
async fn upload(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    Path(id): Path<i64>,
    mut form: Multipart,
) -> Response {
    let Some(staff) = signed_in.staff else {
        return Redirect::to("/admin/login").into_response();
    };
    let mut bytes = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("picture") => match field.bytes().await {
                Ok(read) => bytes = Some(read),
                Err(_) => return back(id, "picture_error=file_too_large"),
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back(id, "picture_error=file_too_large"),
        }
    }
    let bytes = bytes.unwrap_or_default();
    match app::admin::content_server::set_picture(
        &state.server,
        &staff,
        id,
        &bytes,
        origin_of(&headers, ip),
    )
    .await
    {
        Ok(()) => back(id, "saved=1"),
        Err(AppError::Validation(errors)) => {
            let code = errors
                .0
                .first()
                .and_then(|e| serde_json::to_value(e.problem).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            back(id, &format!("picture_error={code}"))
        }
        Err(AppError::Forbidden) => StatusCode::FORBIDDEN.into_response(),
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "a picture upload failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// `GET /content/pictures/{sha256}`.
async fn picture(State(state): State<AppState>, Path(sha256): Path<String>) -> Response {
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match app::db::content::picture(&state.db, &sha256).await {
        Ok(Some((media_type, bytes))) => {
            let mut response = bytes.into_response();
            let headers = response.headers_mut();
            if let Ok(value) = HeaderValue::from_str(&media_type) {
                headers.insert(header::CONTENT_TYPE, value);
            }
            response
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "a picture could not be read");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
