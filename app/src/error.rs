//! The one error type of every server function. The browser gets a code it
//! can word in the patient's language; the server logs the cause in full and
//! returns it opaque, with the request id that finds those log lines.

use crate::domain::{FieldErrors, Problem, FORM};
use crate::i18n::{td_string, Locale};
use crate::texts::fill;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// What was sent breaks a rule: the problems, by field.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// Not signed in, or the session has ended.
    #[error("sign-in required")]
    Unauthorized,
    /// Signed in, but not allowed to do this.
    #[error("forbidden")]
    Forbidden,
    /// Nothing of this kind that the caller may see.
    #[error("not found")]
    NotFound,
    /// Too many attempts: wait this many seconds.
    #[error("too many attempts")]
    RateLimited { retry_after_secs: u64 },
    /// The server cannot answer this now (its database is unreachable, or
    /// every password check is busy): nothing was done; try again in this
    /// many seconds.
    #[error("unavailable")]
    Unavailable { retry_after_secs: u64 },
    /// Our fault; the cause is in the server log under this request id.
    #[error("internal error")]
    Internal { request_id: Option<String> },
    /// The request did not reach the server or its answer was unreadable.
    #[error("transport: {0}")]
    Transport(String),
}

impl AppError {
    pub fn field(field: &str, problem: Problem) -> AppError {
        AppError::Validation(FieldErrors::one(field, problem))
    }

    pub fn form(problem: Problem) -> AppError {
        AppError::field(FORM, problem)
    }

    /// The problem with `field`, for showing next to it.
    pub fn problem_of(&self, field: &str) -> Option<Problem> {
        match self {
            AppError::Validation(errors) => errors.of(field),
            _ => None,
        }
    }

    /// The message for the form as a whole, if this error has one.
    pub fn form_message(&self, locale: Locale) -> Option<String> {
        match self {
            AppError::Validation(errors) => errors.of(FORM).map(|p| p.message(locale).to_owned()),
            AppError::Unauthorized => Some(td_string!(locale, problem.unauthorized).to_owned()),
            AppError::Forbidden => Some(td_string!(locale, problem.forbidden).to_owned()),
            AppError::NotFound => Some(td_string!(locale, problem.not_found).to_owned()),
            AppError::RateLimited { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1).to_string();
                Some(fill(
                    td_string!(locale, problem.rate_limited),
                    &[("minutes", &minutes)],
                ))
            }
            AppError::Unavailable { retry_after_secs } => Some(fill(
                td_string!(locale, problem.unavailable),
                &[("seconds", &retry_after_secs.max(&1).to_string())],
            )),
            AppError::Internal { request_id } => Some(match request_id {
                Some(id) => fill(td_string!(locale, problem.internal), &[("id", id)]),
                None => td_string!(locale, problem.internal_no_id).to_owned(),
            }),
            AppError::Transport(_) => Some(td_string!(locale, problem.transport).to_owned()),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Transport(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> AppError {
        AppError::Validation(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}
