//! The requests patients send, as the MIS follows them: new and changed
//! ones in the order of their changes, read with a cursor; and moving one
//! on, as an operator would.

use super::error::{ApiError, ErrorBody};
use super::guard::{MisClient, StrictJson};
use crate::startup::AppState;
use app::db::audit::{Action, Actor};
use app::db::requests;
use app::requests::engine::{self, Mover};
use app::write_unit::WriteUnit;
use axum::extract::{Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use utoipa::{IntoParams, ToSchema};

/// A request as the MIS sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestOut {
    /// Where this change is in the order of changes: pass the last one
    /// read as `after` to read on.
    pub change: i64,
    #[schema(example = "2026-000042")]
    pub number: String,
    /// `booking`, `document`, `cancel_appointment`, `change_appointment`,
    /// `radiology_report`, `home_visit`, `feedback`.
    pub kind: String,
    /// `sent`, `accepted`, `in_progress`, `done`, `rejected`, `cancelled`.
    pub status: String,
    /// The MIS id of what the request is about (an appointment, a study).
    pub about: Option<String>,
    /// The patient's id in the MIS.
    pub patient_id: String,
    /// What the patient asked, by kind (tagged by `kind`).
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
    #[schema(format = DateTime)]
    pub sent_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
}

/// A page of changes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestsPage {
    pub requests: Vec<RequestOut>,
    /// The cursor to read on from: the last change on this page, or
    /// `after` as given when there was none.
    pub next_after: i64,
}

/// Where to read from.
#[derive(Clone, Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// The last change already read (0, or absent: from the start).
    #[param(minimum = 0)]
    pub after: Option<i64>,
    /// How many at most (1–500, 100 if absent).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
}

/// Reads `name` of the query as a whole number in `range`.
fn whole(
    query: &HashMap<String, String>,
    name: &str,
    range: std::ops::RangeInclusive<i64>,
) -> Result<Option<i64>, ApiError> {
    query
        .get(name)
        .map(|text| {
            text.parse::<i64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| {
                    ApiError::invalid(
                        name,
                        format!("a whole number from {} to {}", range.start(), range.end()),
                    )
                })
        })
        .transpose()
}

/// New and changed requests, oldest change first. A request changed twice
/// since `after` is listed once, at its latest change; a consumer that
/// reads on from `next_after` never misses a change nor reads one twice,
/// however the writes interleave (see `db::requests::add_history`).
#[utoipa::path(get, path = "/api/v1/requests", params(FeedParams),
    responses(
        (status = 200, description = "A page of changes", body = RequestsPage),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Sent by a browser", body = ErrorBody),
        (status = 422, description = "Invalid parameters", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn list_requests(
    State(state): State<AppState>,
    client: MisClient,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<RequestsPage>, ApiError> {
    if let Some(unknown) = query
        .keys()
        .find(|k| !matches!(k.as_str(), "after" | "limit"))
    {
        return Err(ApiError::invalid(unknown.clone(), "unknown parameter"));
    }
    let after = whole(&query, "after", 0..=i64::MAX)?.unwrap_or(0);
    let limit = whole(&query, "limit", 1..=500)?.unwrap_or(100);
    let rows = requests::changed_after(&state.db, after, limit).await?;
    let mut patients = BTreeSet::new();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let content = serde_json::from_str(&row.content)
            .map_err(|e| ApiError::internal(format_args!("request {} content: {e}", row.number)))?;
        patients.insert(row.mis_patient_id.clone());
        out.push(RequestOut {
            change: row.change_seq,
            number: row.number,
            kind: row.kind,
            status: row.status,
            about: row.about,
            patient_id: row.mis_patient_id,
            content,
            sent_at: row.created_at.to_rfc3339(),
            updated_at: row.updated_at.to_rfc3339(),
        });
    }
    // Whose requests the MIS read goes to each patient's access log; a
    // poll that found nothing writes nothing.
    if !out.is_empty() {
        record_reads(&state, &client, &patients, &out).await?;
    }
    let next_after = out.last().map_or(after, |r| r.change);
    Ok(Json(RequestsPage {
        requests: out,
        next_after,
    }))
}

/// One audit row per patient whose requests the client read, naming them.
async fn record_reads(
    state: &AppState,
    client: &MisClient,
    patients: &BTreeSet<String>,
    read: &[RequestOut],
) -> Result<(), ApiError> {
    let mut unit =
        WriteUnit::begin_from(&state.server, Actor::Mis(client.id), client.origin.clone()).await?;
    for mis_patient_id in patients {
        let patient_id = app::db::patients::id_of(&mut unit.tx, mis_patient_id).await?;
        let numbers: Vec<&str> = read
            .iter()
            .filter(|r| &r.patient_id == mis_patient_id)
            .map(|r| r.number.as_str())
            .collect();
        unit.audit(Action::MisRequestsRead, patient_id, &numbers.join(", "))
            .await?;
    }
    Ok(unit.commit().await?)
}

/// A request's next status, with a comment to the patient (a rejection
/// must say why).
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    /// `accepted`, `in_progress`, `done`, `rejected`.
    pub status: String,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comment: Option<String>,
}

/// Where the request is now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusChanged {
    pub number: String,
    pub status: String,
}

/// Moves a request on, as an operator would: the patient sees it live and
/// is mailed as for any status change.
#[utoipa::path(post, path = "/api/v1/requests/{number}/status", request_body = StatusChange,
    params(("number" = String, Path, description = "The request's number")),
    responses(
        (status = 200, description = "Moved", body = StatusChanged),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Sent by a browser", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Invalid input, or a status the request cannot move to", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn move_request(
    State(state): State<AppState>,
    client: MisClient,
    Path(number): Path<String>,
    StrictJson(body): StrictJson<StatusChange>,
) -> Result<Json<StatusChanged>, ApiError> {
    if !app::domain::request::is_request_number(&number) {
        return Err(ApiError::not_found("no such request"));
    }
    engine::move_request(
        &state.server,
        Mover::Mis(client.id),
        client.origin,
        &number,
        &body.status,
        body.comment.as_deref().unwrap_or(""),
    )
    .await?;
    Ok(Json(StatusChanged {
        number,
        status: body.status.trim().to_owned(),
    }))
}

/// A finished document for a request — a radiology report, a certificate
/// — as the MIS attaches it.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentIn {
    /// The name the file had: kept for the record, never used to save it.
    #[schema(max_length = 200, example = "Заключение МРТ.pdf")]
    pub file_name: String,
    /// A passive PDF, at most the configured attachment size.
    pub pdf_base64: String,
}

/// The attached file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttachmentOut {
    pub id: i64,
    pub size: i64,
    pub sha256: String,
}

/// Attaches a finished document (a PDF) to a request, as staff would: the
/// patient's page shows it and lets them download it; marking the request
/// done then mails it where the request asked.
#[utoipa::path(post, path = "/api/v1/requests/{number}/attachments", request_body = AttachmentIn,
    params(("number" = String, Path, description = "The request's number")),
    responses(
        (status = 200, description = "Attached", body = AttachmentOut),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "Sent by a browser", body = ErrorBody),
        (status = 404, description = "No such request", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Not a passive PDF, too large, or a bad name", body = ErrorBody),
    ),
    security(("bearer" = [])))]
pub async fn attach(
    State(state): State<AppState>,
    client: MisClient,
    Path(number): Path<String>,
    StrictJson(body): StrictJson<AttachmentIn>,
) -> Result<Json<AttachmentOut>, ApiError> {
    use base64::Engine as _;
    if !app::domain::request::is_request_number(&number) {
        return Err(ApiError::not_found("no such request"));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.pdf_base64.trim())
        .map_err(|_| ApiError::invalid("pdf_base64", "not base64"))?;
    let file = app::requests::attachments::UploadedFile {
        name: &body.file_name,
        media_type: "application/pdf",
        bytes: &bytes,
    };
    let attached = app::requests::attachments::attach_from(
        &state.server,
        Mover::Mis(client.id),
        &number,
        file,
        client.origin,
    )
    .await
    .map_err(|error| match error {
        // The file's own rules name the body's fields.
        app::error::AppError::Validation(errors) => match errors.0.first() {
            Some(first) => ApiError::invalid(
                if first.field == "file_name" {
                    "file_name"
                } else {
                    "pdf_base64"
                },
                first.problem.message(app::i18n::Locale::en),
            ),
            None => ApiError::invalid("pdf_base64", "invalid file"),
        },
        other => other.into(),
    })?;
    Ok(Json(AttachmentOut {
        id: attached.id,
        size: attached.size,
        sha256: attached.sha256,
    }))
}
