//! `/api/v1`: the integration API of the clinic's MIS — pushes keyed by
//! the MIS's ids, the requests to follow, and its OpenAPI document,
//! generated from these handlers and types.

pub mod error;
pub mod finance;
pub mod guard;
pub mod input;
pub mod push;
pub mod requests;
pub mod results;

use crate::startup::AppState;
use axum::routing::{any, get, post, put};
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Patient Cabinet — MIS integration API",
        version = "1",
        description = "What the clinic's MIS pushes into the patient cabinet, and the requests it follows. \
            Every call but this document needs `Authorization: Bearer <token>` of an MIS client \
            (made in the admin module). Requests from browsers are refused."
    ),
    paths(
        push::put_patients,
        push::put_clinics,
        push::put_doctors,
        push::put_appointments,
        push::put_referrals,
        results::put_lab_results,
        results::put_studies,
        finance::put_balances,
        push::withdraw,
        requests::list_requests,
        requests::move_request,
        requests::attach,
    ),
    components(schemas(push::PushResult, error::ErrorBody)),
    modifiers(&BearerToken)
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI 3 document of this API.
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// The API's routes, under `/api/v1`, with their own guard (see
/// [`guard::servers_only`]).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/patients", put(push::put_patients))
        .route("/clinics", put(push::put_clinics))
        .route("/doctors", put(push::put_doctors))
        .route("/appointments", put(push::put_appointments))
        .route("/referrals", put(push::put_referrals))
        .route("/lab-results", put(results::put_lab_results))
        .route("/studies", put(results::put_studies))
        .route("/balances", put(finance::put_balances))
        .route("/withdrawals", post(push::withdraw))
        .route("/requests", get(requests::list_requests))
        .route("/requests/{number}/status", post(requests::move_request))
        .route("/requests/{number}/attachments", post(requests::attach))
        // Every other path under /api/v1 is ours to answer, not a server
        // function's.
        .route(
            "/{*rest}",
            any(|| async { error::ApiError::not_found("no such call") }),
        )
        .layer(axum::middleware::from_fn(guard::servers_only))
}
