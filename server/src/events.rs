//! `GET /events/requests`: a signed-in patient's open page hears of every
//! change to their requests as server-sent events, and reloads what it
//! shows. On PostgreSQL a listener brings in what other instances of the
//! server announce (`LISTEN`), so a change made through any instance
//! reaches the patient's page on every other.
//!
//! The stream does not count as activity: the session still ends after
//! its idle time, and the stream with it (checked every minute, without
//! touching the session).

use crate::startup::AppState;
use app::auth::{Kind, SignedIn};
use app::db::{sessions, Db};
use app::requests::events::{RequestEvent, RequestEvents, CHANNEL, RESULTS_READY};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

/// How often an open stream checks that its session still holds.
const SESSION_CHECK: Duration = Duration::from_secs(60);

struct Follow {
    state: AppState,
    receiver: broadcast::Receiver<RequestEvent>,
    patient_id: i64,
    session_id: i64,
    check: tokio::time::Interval,
    shutdown: watch::Receiver<bool>,
}

impl Follow {
    async fn session_holds(&self) -> bool {
        let now = self.state.server.clock.now();
        match sessions::open_by_id(&self.state.db, self.session_id).await {
            Ok(Some(session)) => self
                .state
                .server
                .sessions
                .liveness(Kind::Patient, &session, now)
                .is_ok(),
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(%error, "cannot check the session of an event stream");
                true
            }
        }
    }

    /// The next event for this patient; `None` ends the stream.
    async fn next(mut self) -> Option<(Result<Event, Infallible>, Follow)> {
        loop {
            tokio::select! {
                received = self.receiver.recv() => match received {
                    Ok(event) if event.patient_id == self.patient_id => {
                        let data = if event.status == RESULTS_READY {
                            serde_json::json!({ "number": "", "status": null, "results": true })
                        } else {
                            serde_json::json!({ "number": event.number, "status": event.status })
                        };
                        return Some((Ok(Event::default().data(data.to_string())), self));
                    }
                    Ok(_) => {}
                    // Some news went by unheard: the page reads everything
                    // again rather than show a stale status.
                    Err(RecvError::Lagged(_)) => {
                        let data = serde_json::json!({ "number": "", "status": null });
                        return Some((Ok(Event::default().data(data.to_string())), self));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = self.check.tick() => {
                    if !self.session_holds().await {
                        return None;
                    }
                }
                _ = self.shutdown.changed() => return None,
            }
        }
    }
}

pub async fn request_events(
    State(state): State<AppState>,
    Extension(signed_in): Extension<SignedIn>,
) -> Response {
    let Some(patient) = signed_in.patient else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let follow = Follow {
        receiver: state.server.events.subscribe(),
        patient_id: patient.patient_id,
        session_id: patient.session_id,
        check: tokio::time::interval(SESSION_CHECK),
        shutdown: state.shutdown.clone(),
        state,
    };
    let stream = futures_util::stream::unfold(follow, Follow::next);
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(20)))
        .into_response()
}

/// On PostgreSQL: passes other instances' request news to this one's
/// pages, on a connection of its own (not one of the pool's, which it would
/// hold for good), reconnecting whenever the connection drops.
pub fn listen_to_other_instances(
    db: &Db,
    database_url: &str,
    events: &RequestEvents,
) -> Option<tokio::task::JoinHandle<()>> {
    let Db::Postgres(_) = db else {
        return None;
    };
    let (url, events) = (database_url.to_owned(), events.clone());
    Some(tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => loop {
                        match listener.recv().await {
                            Ok(notification) => events.relay(notification.payload()),
                            Err(error) => {
                                tracing::warn!(%error, "request news listener stopped");
                                break;
                            }
                        }
                    },
                    Err(error) => tracing::warn!(%error, "cannot LISTEN for request news"),
                },
                Err(error) => tracing::warn!(%error, "cannot connect the request news listener"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }))
}
