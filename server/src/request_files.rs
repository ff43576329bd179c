//! Files attached to requests, over plain HTTP: staff upload the finished
//! document (PDF only, checked before it is kept) to a request of their
//! departments, and the patient — or staff of the request's department —
//! downloads it under a name the server makes. Every download is written
//! to the audit log; anyone else gets "not found".

use crate::startup::AppState;
use app::auth::SignedIn;
use app::context::ClientIp;
use app::db::audit::{self, Action, Actor, Entry, Origin};
use app::db::requests;
use app::domain::request::is_request_number;
use app::error::AppError;
use app::requests::attachments::{self, UploadedFile};
use app::requests::engine::scope_of;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

/// How many files one upload may carry.
const FILES_PER_UPLOAD: usize = 5;

/// The routes, with the upload's body sized to its files.
pub fn routes(attachment_max_bytes: usize) -> Router<AppState> {
    Router::new()
        .route(
            "/admin/requests/{number}/attachments",
            post(upload).layer(DefaultBodyLimit::max(
                attachment_max_bytes * FILES_PER_UPLOAD + 64 * 1024,
            )),
        )
        .route("/admin/requests/{number}/files/{id}", get(staff_download))
        .route("/requests/{number}/files/{id}", get(patient_download))
}

/// Where a download was asked from, for the audit log.
pub(crate) fn origin_of(headers: &HeaderMap, ip: Option<Extension<ClientIp>>) -> Origin {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    Origin::new(
        ip.map(|Extension(ip)| ip.0.to_string()).unwrap_or_default(),
        header(app::clinic::REQUEST_ID_HEADER).to_owned(),
        header(http::header::USER_AGENT.as_str()),
    )
}

fn staff_page(number: &str, query: &str) -> Response {
    let path = format!("{}?{query}", app::admin::staff_request_path(number));
    Redirect::to(&path).into_response()
}

/// `POST /admin/requests/{number}/attachments`: each `file` of the form,
/// PDF only; then back to the request's page, which says what happened.
async fn upload(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    Path(number): Path<String>,
    mut form: Multipart,
) -> Response {
    let Some(staff) = signed_in.staff else {
        return Redirect::to("/admin/login").into_response();
    };
    let origin = origin_of(&headers, ip);
    let mut attached = 0;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return staff_page(&number, unreadable(&error)),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) => return staff_page(&number, unreadable(&error)),
        };
        if name.is_empty() && bytes.is_empty() {
            continue; // the form sent with no file chosen
        }
        if attached == FILES_PER_UPLOAD {
            break;
        }
        let file = UploadedFile {
            name: &name,
            media_type: "application/pdf",
            bytes: &bytes,
        };
        match attachments::attach_from(
            &state.server,
            app::requests::engine::Mover::Staff(&staff),
            &number,
            file,
            origin.clone(),
        )
        .await
        {
            Ok(_) => attached += 1,
            Err(AppError::NotFound) => return StatusCode::NOT_FOUND.into_response(),
            Err(AppError::Validation(errors)) => {
                let problem = errors.0.first().map(|e| e.problem);
                let code = problem.map_or("file_type_not_allowed".to_owned(), |p| {
                    serde_json::to_value(p)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                });
                return staff_page(&number, &format!("attach_error={code}"));
            }
            Err(error) => {
                tracing::error!(%error, "an upload failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        }
    }
    if attached == 0 {
        return staff_page(&number, "attach_error=file_empty");
    }
    staff_page(&number, &format!("attached={attached}"))
}

/// What a form that could not be read is told: too large, or sent broken.
fn unreadable(error: &axum::extract::multipart::MultipartError) -> &'static str {
    tracing::info!(%error, "an upload could not be read");
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "attach_error=file_too_large"
    } else {
        "attach_error=upload_unreadable"
    }
}

/// Who asks for a file, and from where.
struct Reader {
    actor: Actor,
    origin: Origin,
}

/// Attachment `id` of the request `row` (as the reader may see it: none,
/// "not found"), written to the audit log, then served.
async fn serve(
    state: &AppState,
    reader: Reader,
    row: Result<Option<requests::RequestRow>, sqlx::Error>,
    number: &str,
    id: i64,
) -> Response {
    let row = match row {
        Ok(Some(row)) => row,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "a request could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let fetched = match attachments::fetch(&state.server, row.id, id).await {
        Ok(Some(fetched)) => fetched,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "an attachment could not be read");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let (info, bytes) = fetched;
    let detail = format!("{number}: {}", info.id);
    let entry = Entry {
        detail: &detail,
        ..Entry::new(
            Action::AttachmentDownloaded,
            reader.actor,
            Some(row.patient_id),
            &reader.origin,
        )
    };
    if let Err(error) = audit::record_alone(&state.db, &entry, state.server.clock.now()).await {
        tracing::error!(%error, "a download could not be audited: not served");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let name = attachments::download_name(number, info.id, &info.media_type);
    crate::downloads::attachment(&info.media_type, &name, bytes)
}

/// `GET /requests/{number}/files/{id}`: the patient's own request only.
async fn patient_download(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    Path((number, id)): Path<(String, i64)>,
) -> Response {
    let Some(patient) = signed_in.patient else {
        return Redirect::to("/login").into_response();
    };
    let row = if is_request_number(&number) {
        requests::of_patient_by_number(&state.db, patient.patient_id, &number).await
    } else {
        Ok(None)
    };
    let reader = Reader {
        actor: Actor::Patient(patient.patient_id),
        origin: origin_of(&headers, ip),
    };
    serve(&state, reader, row, &number, id).await
}

/// `GET /admin/requests/{number}/files/{id}`: staff of the request's
/// department (an administrator: any).
async fn staff_download(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    Path((number, id)): Path<(String, i64)>,
) -> Response {
    let Some(staff) = signed_in.staff else {
        return Redirect::to("/admin/login").into_response();
    };
    let row = requests::in_scope(&state.db, scope_of(&staff), &number).await;
    let reader = Reader {
        actor: Actor::Staff(staff.staff_id),
        origin: origin_of(&headers, ip),
    };
    serve(&state, reader, row, &number, id).await
}
