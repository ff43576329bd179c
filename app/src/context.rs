//! Server-side context in one place: the services every server function
//! uses, the request it serves, who is signed in, and how errors leave.

use crate::auth::{PatientSession, SessionSettings, SignedIn, StaffSession};
use crate::clinic::{ClinicInfo, REQUEST_ID_HEADER};
use crate::clock::Clock;
use crate::db::audit;
use crate::db::Db;
use crate::domain::StaffRole;
use crate::error::AppError;
use crate::i18n::Locale;
use crate::security::{Hasher, IpRateLimiter, PasswordHashError};
use axum::extract::ConnectInfo;
use http::request::Parts;
use leptos::prelude::*;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::sync::Notify;

/// How mail is addressed: links point at the public address, and each
/// Message-ID is made under its host name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailSettings {
    /// Where patients reach the cabinet, e.g. `https://lk.clinic.ru`.
    pub public_url: String,
    pub message_id_domain: String,
}

/// The services a server function may use, provided once per request.
#[derive(Clone, Debug)]
pub struct ServerContext {
    pub db: Db,
    pub clinic: ClinicInfo,
    pub clock: Clock,
    pub hasher: Hasher,
    pub sessions: SessionSettings,
    pub ip_limiter: IpRateLimiter,
    pub mail: MailSettings,
    /// Wakes the mail worker after a transaction that queued mail commits.
    pub mail_wake: Arc<Notify>,
    /// News of requests for the pages that follow them.
    pub events: crate::requests::events::RequestEvents,
    /// How many requests one patient may send in an hour.
    pub requests_per_hour: u32,
    /// Where the bytes of files attached to requests are kept.
    pub attachments: crate::requests::attachments::AttachmentStore,
    /// The most one attached file may hold.
    pub attachment_max_bytes: usize,
}

/// The server context; an internal error if the server forgot to provide it.
pub fn server_context() -> Result<ServerContext, AppError> {
    use_context::<ServerContext>().ok_or_else(|| internal("ServerContext missing from the context"))
}

/// The client's address, as the server worked it out (behind our own
/// proxies, from `X-Forwarded-For`); put in the request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// Where a request came from and what it asks for.
#[derive(Clone, Debug)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: String,
    pub request_id: String,
    /// A plain HTML form post (no wasm yet): answer with a redirect.
    pub accepts_html: bool,
    /// The language the person is reading in ([`request_locale`]).
    pub locale: Locale,
}

impl RequestMeta {
    pub fn ip_text(&self) -> String {
        self.ip.map(|ip| ip.to_string()).unwrap_or_default()
    }

    /// Where the request came from, for the audit log.
    pub fn origin(&self) -> audit::Origin {
        audit::Origin::new(self.ip_text(), self.request_id.clone(), &self.user_agent)
    }
}

pub fn request_meta() -> RequestMeta {
    let parts = use_context::<Parts>();
    let header = |name: &str| {
        parts
            .as_ref()
            .and_then(|parts| parts.headers.get(name))
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_owned()
    };
    let ip = parts.as_ref().and_then(|parts| {
        parts
            .extensions
            .get::<ClientIp>()
            .map(|client| client.0)
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|info| info.0.ip())
            })
    });
    RequestMeta {
        ip,
        user_agent: header("user-agent"),
        request_id: header(REQUEST_ID_HEADER),
        accepts_html: header("accept").contains("text/html"),
        locale: request_locale(),
    }
}

/// The language of this request ([`locale_for`]).
pub fn request_locale() -> Locale {
    match use_context::<Parts>() {
        Some(parts) => locale_for(&parts.headers, parts.extensions.get::<SignedIn>()),
        None => Locale::ru,
    }
}

/// The language a request is answered in: the signed-in patient's saved
/// setting, else the language chosen on this device (the cookie), else the
/// first of ours the browser asks for (`Accept-Language`), else Russian.
pub fn locale_for(headers: &http::HeaderMap, signed_in: Option<&SignedIn>) -> Locale {
    signed_in
        .and_then(|signed_in| signed_in.patient.as_ref())
        .and_then(|patient| locale_named(&patient.locale))
        .or_else(|| chosen_locale_in(headers))
        .or_else(|| {
            headers
                .get(http::header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(crate::account::language_asked_for)
        })
        .unwrap_or(Locale::ru)
}

/// The language the person chose on this device, if they ever did.
pub fn chosen_locale() -> Option<Locale> {
    use_context::<Parts>()
        .as_ref()
        .and_then(|parts| chosen_locale_in(&parts.headers))
}

/// The value of this request's cookie `name`.
pub fn request_cookie(name: &str) -> Option<String> {
    use_context::<Parts>()
        .as_ref()
        .and_then(|parts| crate::auth::cookie_value(&parts.headers, name).map(str::to_owned))
}

fn chosen_locale_in(headers: &http::HeaderMap) -> Option<Locale> {
    crate::auth::cookie_value(headers, crate::account::LOCALE_COOKIE).and_then(locale_named)
}

fn locale_named(name: &str) -> Option<Locale> {
    match name {
        "en" => Some(Locale::en),
        "ru" => Some(Locale::ru),
        _ => None,
    }
}

/// Who the request is signed in as.
pub fn signed_in() -> SignedIn {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<SignedIn>().cloned())
        .unwrap_or_default()
}

/// The signed-in patient, or `Unauthorized`. Every patient server function
/// starts here; the patient id never comes from the arguments.
pub fn current_patient() -> Result<PatientSession, AppError> {
    signed_in().patient.ok_or(AppError::Unauthorized)
}

/// The signed-in staff member, whatever their roles — for what every
/// staff member may do, setting up their second step included.
pub fn current_staff() -> Result<StaffSession, AppError> {
    signed_in().staff.ok_or(AppError::Unauthorized)
}

/// The signed-in staff member holding `role` (an admin holds every role),
/// or `Unauthorized` / `Forbidden` — `Forbidden` too while the clinic
/// requires a second step they have not set up.
pub fn require_staff(role: StaffRole) -> Result<StaffSession, AppError> {
    let staff = current_staff()?;
    if staff.needs_second_factor {
        return Err(AppError::Forbidden);
    }
    if staff.has(role) || staff.has(StaffRole::Admin) {
        Ok(staff)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The "not found" a patient gets for something that is not theirs — another
/// patient's, made up or malformed alike — recorded in the audit log with
/// what was asked for (`what`: the kind of thing, `asked`: as sent, cut
/// short), who asked, from where and under which request id. If the refusal
/// cannot be recorded, the answer is an internal error instead.
pub async fn refuse_patient(
    context: &ServerContext,
    patient_id: i64,
    what: &str,
    asked: &str,
) -> AppError {
    let origin = request_meta().origin();
    let asked: String = asked
        .chars()
        .filter(|c| !c.is_control())
        .take(REFUSAL_DETAIL_CHARS)
        .collect();
    let detail = format!("{what} {asked}");
    let entry = audit::Entry {
        detail: &detail,
        ..audit::Entry::new(
            audit::Action::AccessRefused,
            audit::Actor::Patient(patient_id),
            None,
            &origin,
        )
    };
    match audit::record_alone(&context.db, &entry, context.clock.now()).await {
        Ok(()) => AppError::NotFound,
        Err(error) => error.into(),
    }
}

/// How much of what a refused caller sent the audit log keeps.
const REFUSAL_DETAIL_CHARS: usize = 64;

/// Spends one of the caller's address's attempts at the guarded forms.
pub async fn limit_by_ip(context: &ServerContext, meta: &RequestMeta) -> Result<(), AppError> {
    let Some(ip) = meta.ip else {
        return Ok(());
    };
    context
        .ip_limiter
        .check(&context.db, ip, context.clock.now())
        .await?
        .map_err(|wait| AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        })
}

/// Logs `cause` in full and returns the opaque error the caller sees.
pub fn internal(cause: impl std::fmt::Display) -> AppError {
    let request_id = request_meta().request_id;
    tracing::error!(%request_id, "{cause}");
    AppError::Internal {
        request_id: (!request_id.is_empty()).then_some(request_id),
    }
}

/// How long a caller is asked to wait when the database cannot be reached
/// or every password check is busy.
pub const RETRY_AFTER_SECS: u64 = 5;

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> AppError {
        if database_unreachable(&error) {
            let request_id = request_meta().request_id;
            tracing::error!(%request_id, "database unreachable: {error}");
            return AppError::Unavailable {
                retry_after_secs: RETRY_AFTER_SECS,
            };
        }
        internal(format_args!("database: {error}"))
    }
}

/// Whether `error` says the database could not be reached (down, cut off,
/// restarting, or every connection taken until the wait ran out) rather
/// than that a statement failed.
pub fn database_unreachable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        // PostgreSQL's connection exceptions (08…) and operator
        // interventions such as a shutdown (57P…).
        sqlx::Error::Database(database) => database
            .code()
            .is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

impl From<PasswordHashError> for AppError {
    fn from(error: PasswordHashError) -> AppError {
        match error {
            PasswordHashError::Busy => AppError::Unavailable {
                retry_after_secs: 1,
            },
            PasswordHashError::Failed(_) => internal(error),
        }
    }
}

/// Adds a header to the response of this server function or page.
pub fn set_response_header(name: http::HeaderName, value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(name, value);
    }
}

/// Sets the status of the page being rendered (not of a server function
/// called over `/api/`, which [`reply`] answers).
pub fn set_page_status(status: http::StatusCode) {
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(status);
    }
}

/// Finishes a server function: an error is answered with its HTTP status
/// (422 for a mistake in the form, never 500).
///
/// When a page calls a server function while it renders on the server, the
/// function's error must not become the page's status: only calls that came
/// in over `/api/` set it. Nor does a plain HTML form post (no wasm yet): it
/// is answered with a redirect back to the form, the error in its address,
/// which a status set here would replace.
pub fn reply<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let called_by_script = use_context::<Parts>().is_some_and(|parts| {
            parts.uri.path().starts_with("/api/") && !request_meta().accepts_html
        });
        if let (true, Some(response)) = (
            called_by_script,
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            response.set_status(error.status());
            // The wait in a header too, for clients that are not our pages.
            if let AppError::RateLimited { retry_after_secs }
            | AppError::Unavailable { retry_after_secs } = error
            {
                response.insert_header(
                    http::header::RETRY_AFTER,
                    http::HeaderValue::from(*retry_after_secs),
                );
            }
        }
    }
    result
}

/// After success of a plain HTML form post (no wasm), send the browser on
/// to `path`; with wasm, the page decides where to go.
pub fn redirect_plain_form(meta: &RequestMeta, path: &str) {
    if meta.accepts_html {
        leptos_axum::redirect(path);
    }
}
