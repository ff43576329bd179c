//! `GET /results/{id}/result.pdf`: a ready lab result of the signed-in
//! patient as PDF — the laboratory's own when the MIS sent one (checked
//! against its hash), else one the server makes in the patient's
//! language. Saved under a name that says what it is, not whose; never
//! cached; written to the audit log before it is served.

use crate::request_files::origin_of;
use crate::result_pdf::render;
use crate::startup::AppState;
use app::auth::SignedIn;
use app::context::ClientIp;
use app::db::audit::{self, Action, Actor, Entry};
use app::db::results;
use app::mail::locale_of;
use app::sections::results::{pdf_document, result_detail};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

fn failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "a result's PDF failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub async fn result_pdf(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Some(patient) = signed_in.patient else {
        return Redirect::to("/login").into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let stored = match results::pdf_of(&state.db, patient.patient_id, id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return failed(error),
    };
    let locale = locale_of(&patient.locale);
    let bytes = match stored {
        Some((pdf, sha)) => {
            if app::security::sha256_hex(&pdf) != sha {
                return failed(format_args!(
                    "the PDF of result {id} does not match its hash"
                ));
            }
            pdf
        }
        None => {
            let detail = match result_detail(&state.db, patient.patient_id, id).await {
                Ok(Some(detail)) => detail,
                Ok(None) => return StatusCode::NOT_FOUND.into_response(),
                Err(error) => return failed(error),
            };
            let at = state
                .server
                .clinic
                .local_time(state.server.clock.now(), locale);
            match render(&pdf_document(
                &detail,
                locale,
                &state.server.clinic.name,
                &at,
            )) {
                Ok(pdf) => pdf,
                Err(error) => return failed(error),
            }
        }
    };
    let origin = origin_of(&headers, ip);
    let detail = id.to_string();
    let entry = Entry {
        detail: &detail,
        ..Entry::new(
            Action::ResultDownloaded,
            Actor::Patient(patient.patient_id),
            Some(patient.patient_id),
            &origin,
        )
    };
    if let Err(error) = audit::record_alone(&state.db, &entry, state.server.clock.now()).await {
        return failed(format_args!("a download could not be audited: {error}"));
    }
    let name = format!("lab-result-{id}.pdf");
    crate::downloads::attachment("application/pdf", &name, bytes)
}
