//! Resolves the request's session cookies once, before any page or server
//! function runs, into [`SignedIn`] in the request's extensions.

use crate::startup::AppState;
use app::auth::{resolve, SignedIn};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

pub async fn resolve_sessions(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    // The site's static files never need to know.
    if !request.uri().path().starts_with("/pkg/") {
        let now = state.server.clock.now();
        let signed_in = match resolve(&state.db, &state.server.sessions, request.headers(), now)
            .await
        {
            Ok(signed_in) => signed_in,
            Err(error) => {
                tracing::error!(%error, "cannot resolve the session; treating the request as signed out");
                SignedIn::default()
            }
        };
        request.extensions_mut().insert(signed_in);
    }
    next.run(request).await
}
