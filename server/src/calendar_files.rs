//! The calendar's files: an appointment's preparation memo, one
//! appointment as `.ics` («Добавить в календарь»), and the patient's
//! personal feed at its secret address. Memo and event need the patient's
//! session; the feed's address is its own key. None is ever cached.

use crate::startup::AppState;
use app::auth::SignedIn;
use app::db::{appointments, calendar_feeds};
use app::mail::locale_of;
use app::sections::calendar::ics::{calendar_of, Detail};
use app::security::token_hash;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;

/// How far back and ahead the feed reaches.
const FEED_PAST: chrono::Duration = chrono::Duration::days(90);
const FEED_AHEAD: chrono::Duration = chrono::Duration::days(2 * 366);

fn failed(error: impl std::fmt::Display) -> Response {
    tracing::error!(%error, "a calendar file failed");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// `GET /calendar/{id}/memo`: the memo as the MIS sent it — its PDF, or
/// its text. The file's name says what it is, not whose.
pub async fn memo(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    let Some(patient_id) = signed_in.patient.as_ref().map(|p| p.patient_id) else {
        return Redirect::to("/login").into_response();
    };
    match appointments::memo_pdf(&state.db, patient_id, &id).await {
        Ok(Some((pdf, sha))) => {
            if app::security::sha256_hex(&pdf) != sha {
                return failed(format_args!(
                    "the memo of appointment {id} does not match its hash"
                ));
            }
            return crate::downloads::attachment("application/pdf", "memo.pdf", pdf);
        }
        Ok(None) => {}
        Err(error) => return failed(error),
    }
    match appointments::of_patient(&state.db, patient_id, &id).await {
        Ok(Some(row)) => match row.memo_text {
            Some(text) => crate::downloads::attachment(
                "text/plain; charset=utf-8",
                "memo.txt",
                text.into_bytes(),
            ),
            None => StatusCode::NOT_FOUND.into_response(),
        },
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => failed(error),
    }
}

/// `GET /calendar/{id}/event.ics`: the appointment, in full, for the
/// patient's own calendar.
pub async fn event(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
    Path(id): Path<String>,
) -> Response {
    let Some(patient) = signed_in.patient.as_ref() else {
        return Redirect::to("/login").into_response();
    };
    let locale = locale_of(&patient.locale);
    match appointments::of_patient(&state.db, patient.patient_id, &id).await {
        Ok(Some(row)) => {
            let ics = calendar_of(
                &[row],
                Detail::Full,
                locale,
                &state.server.mail.message_id_domain,
            );
            crate::downloads::attachment(
                "text/calendar; charset=utf-8",
                "appointment.ics",
                ics.into_bytes(),
            )
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => failed(error),
    }
}

/// `GET /calendar/feed/{token}.ics`: the patient's subscription. An
/// unknown, replaced or revoked address is simply not found.
pub async fn feed(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let Some(token) = file.strip_suffix(".ics").filter(|t| t.len() == 64) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let (patient_id, with_details, locale) =
        match calendar_feeds::by_token_hash(&state.db, &token_hash(token)).await {
            Ok(Some(found)) => found,
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(error) => return failed(error),
        };
    let locale = locale_of(&locale);
    let now = state.server.clock.now();
    let rows = match appointments::of_patient_between(
        &state.db,
        patient_id,
        now - FEED_PAST,
        now + FEED_AHEAD,
    )
    .await
    {
        Ok(rows) => rows,
        Err(error) => return failed(error),
    };
    let detail = if with_details {
        Detail::Full
    } else {
        Detail::TimeOnly
    };
    let ics = calendar_of(&rows, detail, locale, &state.server.mail.message_id_domain);
    crate::downloads::attachment(
        "text/calendar; charset=utf-8",
        "calendar.ics",
        ics.into_bytes(),
    )
}
