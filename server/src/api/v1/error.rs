//! The API's one error: a status and a JSON body that names the problem
//! and, for bad input, the field's path (`appointments[2].starts_at`).

use app::error::AppError;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// What every error answer holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A stable code: `unauthorized`, `browser_refused`, `not_found`,
    /// `invalid`, `conflict`, `too_large`, `unsupported_media_type`,
    /// `unavailable` (try again after `Retry-After` seconds), `internal`.
    pub error: String,
    /// What is wrong, for a person reading the MIS's log.
    pub message: String,
    /// The path of the field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    fn new(status: StatusCode, error: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.to_owned(),
                message: message.into(),
                field: None,
            },
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "a valid MIS client token is required: Authorization: Bearer <token>",
        )
    }

    pub fn browser_refused() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "browser_refused",
            "the integration API does not answer requests from web pages",
        )
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// Bad input at `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        let mut error = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message);
        error.body.field = Some(field.into()).filter(|f: &String| !f.is_empty());
        error
    }

    /// Input that contradicts what is stored, at `field`.
    pub fn conflict(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        let mut error = ApiError::new(StatusCode::CONFLICT, "conflict", message);
        error.body.field = Some(field.into());
        error
    }

    pub fn too_large(limit: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the body is larger than this call takes ({limit} bytes)"),
        )
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON (Content-Type: application/json)",
        )
    }

    /// The database cannot be reached: nothing was stored; send again.
    pub fn unavailable(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "integration API: database unreachable");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "the cabinet cannot reach its database; nothing was stored: send again later",
        )
    }

    /// A failure of ours: logged in full, answered opaque.
    pub fn internal(cause: impl std::fmt::Display) -> ApiError {
        tracing::error!(%cause, "integration API failure");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the cabinet failed; the cause is in its log",
        )
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(error: sqlx::Error) -> ApiError {
        if app::context::database_unreachable(&error) {
            ApiError::unavailable(error)
        } else {
            ApiError::internal(error)
        }
    }
}

/// The engine's errors, as the API says them (in English: a system reads
/// them).
impl From<AppError> for ApiError {
    fn from(error: AppError) -> ApiError {
        match error {
            AppError::Validation(errors) => match errors.0.first() {
                Some(first) => ApiError::invalid(
                    first.field.clone(),
                    first.problem.message(app::i18n::Locale::en),
                ),
                None => ApiError::invalid("", "invalid input"),
            },
            AppError::NotFound => ApiError::not_found("no such request"),
            AppError::Unauthorized | AppError::Forbidden => ApiError::unauthorized(),
            AppError::Unavailable { .. } => ApiError::unavailable("the engine said unavailable"),
            other => ApiError::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (self.status, Json(self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(app::context::RETRY_AFTER_SECS),
            );
        }
        response
    }
}
