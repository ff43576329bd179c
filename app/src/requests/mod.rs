//! Requests («заявки») as the patient follows them: what the pages show of
//! a request, the server functions that list, open and cancel the
//! patient's own, and the pieces every request page uses — the status
//! badge, the timeline, the content, the form's idempotency key and the
//! live updates.

pub mod attachments;
#[cfg(feature = "ssr")]
pub mod engine;
#[cfg(feature = "ssr")]
pub mod events;
pub mod kinds;

use crate::domain::request::RequestStatus;
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use kinds::{RequestContent, RequestKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A request as lists show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub number: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    /// What it is about, in one line.
    pub summary: String,
    /// When it was sent, in the clinic's time.
    pub sent: String,
}

/// One status a request has had.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub status: RequestStatus,
    pub at: String,
    /// Who changed it; `None` when the patient did (sent, cancelled) or
    /// the MIS did.
    pub staff_name: Option<String>,
    /// The MIS client that changed it, if the MIS did.
    pub mis_client: Option<String>,
    /// What staff wrote to the patient.
    pub comment: String,
}

/// A request in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub number: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub content: RequestContent,
    pub department: String,
    pub sent: String,
    pub history: Vec<HistoryEntry>,
    pub patient_may_cancel: bool,
    pub assigned_to: Option<String>,
    /// The files attached to it (the finished document), oldest first.
    pub attachments: Vec<attachments::AttachmentInfo>,
}

pub fn status_label(status: RequestStatus, locale: Locale) -> &'static str {
    match status {
        RequestStatus::Sent => td_string!(locale, request.status_sent),
        RequestStatus::Accepted => td_string!(locale, request.status_accepted),
        RequestStatus::InProgress => td_string!(locale, request.status_in_progress),
        RequestStatus::Done => td_string!(locale, request.status_done),
        RequestStatus::Rejected => td_string!(locale, request.status_rejected),
        RequestStatus::Cancelled => td_string!(locale, request.status_cancelled),
    }
}

/// The patient's requests, newest first; `kind` and `status` empty for all.
#[server(endpoint = "requests/list")]
pub async fn my_requests(kind: String, status: String) -> Result<Vec<RequestSummary>, AppError> {
    crate::context::reply(server::my_requests(kind, status).await)
}

/// One of the patient's requests in full.
#[server(endpoint = "requests/one")]
pub async fn my_request(number: String) -> Result<RequestDetail, AppError> {
    crate::context::reply(server::my_request(number).await)
}

/// What the patient typed into `form` before a plain post of it (no wasm)
/// came back with a mistake; empty otherwise.
#[server(endpoint = "requests/draft")]
pub async fn form_draft(form: String) -> Result<HashMap<String, String>, AppError> {
    crate::context::reply(server::form_draft(form).await)
}

/// «Отменить заявку», while work on it has not begun.
#[server(endpoint = "requests/cancel")]
pub async fn cancel_request(number: String) -> Result<(), AppError> {
    crate::context::reply(server::cancel_request(number).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::kinds::RequestKind;
    use super::{engine, request_path, RequestDetail, RequestSummary};
    use crate::context::{
        current_patient, redirect_plain_form, refuse_patient, request_meta, server_context,
    };
    use crate::db::requests;
    use crate::domain::request::{is_request_number, RequestStatus};
    use crate::domain::{FieldErrors, Problem};
    use crate::error::AppError;
    use std::collections::HashMap;

    pub async fn my_requests(
        kind: String,
        status: String,
    ) -> Result<Vec<RequestSummary>, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let mut errors = FieldErrors::new();
        let kind = match kind.as_str() {
            "" => None,
            text => errors.check(
                "kind",
                RequestKind::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        let status = match status.as_str() {
            "" => None,
            text => errors.check(
                "status",
                RequestStatus::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        errors.into_result()?;
        let rows = requests::of_patient(
            &context.db,
            patient.patient_id,
            kind.map(RequestKind::as_str),
            status.map(RequestStatus::as_str),
        )
        .await?;
        let locale = crate::context::request_locale();
        rows.iter()
            .map(|row| engine::summary(&context, row, locale))
            .collect()
    }

    pub async fn form_draft(form: String) -> Result<HashMap<String, String>, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        Ok(engine::draft(&context, &patient, &form)
            .await?
            .unwrap_or_default())
    }

    pub async fn my_request(number: String) -> Result<RequestDetail, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        // Another patient's number and a made-up one get the same answer.
        let row = if is_request_number(&number) {
            requests::of_patient_by_number(&context.db, patient.patient_id, &number).await?
        } else {
            None
        };
        match row {
            Some(row) => engine::detail(&context, &row).await,
            None => Err(refuse_patient(&context, patient.patient_id, "request", &number).await),
        }
    }

    pub async fn cancel_request(number: String) -> Result<(), AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let cancelled = if is_request_number(&number) {
            engine::cancel(&context, &patient, &number).await
        } else {
            Err(AppError::NotFound)
        };
        if let Err(AppError::NotFound) = cancelled {
            return Err(refuse_patient(&context, patient.patient_id, "request", &number).await);
        }
        cancelled?;
        redirect_plain_form(&request_meta(), &request_path(&number));
        Ok(())
    }
}

/// The patient's page of a request.
pub fn request_path(number: &str) -> String {
    format!("/requests/{}", leptos_router::location::Url::escape(number))
}

/// The status as a coloured label (the colour only repeats the word).
#[component]
pub fn StatusBadge(status: RequestStatus) -> impl IntoView {
    view! {
        <span class=format!("status status-{}", status.as_str())>
            {status_label(status, use_locale())}
        </span>
    }
}

/// A list of requests, each opening its own page.
#[component]
pub fn RequestList(requests: Vec<RequestSummary>) -> impl IntoView {
    let locale = use_locale();
    if requests.is_empty() {
        return view! { <p class="empty">{td_string!(locale, request.none)}</p> }.into_any();
    }
    view! {
        <ul class="request-list">
            {requests
                .into_iter()
                .map(|request| {
                    let href = request_path(&request.number);
                    view! {
                        <li class="request-item">
                            <a href=href class="request-link">
                                <span class="request-head">
                                    <strong class="request-number">{request.number}</strong>
                                    <StatusBadge status=request.status/>
                                </span>
                                <span class="request-kind">{request.kind.label(locale)}</span>
                                <span class="request-summary">{request.summary}</span>
                                <span class="field-hint">{td_string!(locale, request.sent_at)} " " {request.sent}</span>
                            </a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// The requests `requests` loads, as a [`RequestList`] that follows their
/// changes live: a skeleton until they arrive, the error if it fails.
#[component]
pub fn LoadedRequestList(
    requests: Resource<Result<Vec<RequestSummary>, AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match requests.await {
                    Ok(list) => view! {
                        <crate::islands::LiveRequests>
                            <RequestList requests=list/>
                        </crate::islands::LiveRequests>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The files of a request, each a download link under `base`
/// (`/requests/<number>/files` or staff's).
#[component]
pub fn AttachmentList(
    attachments: Vec<attachments::AttachmentInfo>,
    base: String,
) -> impl IntoView {
    let locale = use_locale();
    (!attachments.is_empty()).then(|| {
        view! {
            <h3>{td_string!(locale, request.files)}</h3>
            <ul class="attachment-list">
                {attachments.into_iter().map(|file| {
                    let kib = (file.size + 1023) / 1024;
                    view! {
                        <li>
                            <a class="button" href=format!("{base}/{}", file.id) download>
                                {td_string!(locale, request.download)} " " {file.file_name.clone()}
                            </a>
                            <span class="field-hint">" " {kib} " " {td_string!(locale, request.kib)} " · " {file.attached.clone()}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
    })
}

/// The statuses a request has had, oldest first, with staff comments.
#[component]
pub fn Timeline(history: Vec<HistoryEntry>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ol class="timeline">
            {history
                .into_iter()
                .map(|entry| {
                    view! {
                        <li class="timeline-entry">
                            <StatusBadge status=entry.status/>
                            <span class="field-hint">
                                {entry.at}
                                {entry.staff_name.map(|name| format!(" · {name}"))}
                                {entry.mis_client.map(|name| format!(" · {} «{name}»", td_string!(locale, request.by_mis)))}
                            </span>
                            {(!entry.comment.is_empty()).then(|| view! {
                                <p class="timeline-comment">
                                    <span class="visually-hidden">{td_string!(locale, request.comment)} " "</span>
                                    {entry.comment}
                                </p>
                            })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// What the patient sent, fact by fact, with the form's labels.
#[component]
pub fn RequestContentView(content: RequestContent) -> impl IntoView {
    let facts = content
        .facts(use_locale())
        .into_iter()
        .map(|fact| view! { <dt>{fact.label}</dt> <dd>{fact.value}</dd> })
        .collect_view();
    view! { <dl class="facts">{facts}</dl> }
}

/// The hidden input with a form's idempotency key, so the same form sent
/// twice is one request. The server makes the key while it renders the form
/// ([`FormStart`]), so the form works before the wasm loads.
#[component]
pub fn FormKey(key: String) -> impl IntoView {
    view! { <input type="hidden" name="idempotency_key" value=key/> }
}

/// How a request form starts: its idempotency key, and what the patient
/// typed before a plain post of it came back with a mistake (`draft`).
/// Made by the server and handed to the form's island.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FormStart {
    pub key: String,
    pub draft: HashMap<String, String>,
}

impl FormStart {
    /// The draft's value of `field`, or `fallback`.
    pub fn value(&self, field: crate::forms::FormField, fallback: Option<String>) -> String {
        self.draft
            .get(field.name)
            .cloned()
            .or(fallback)
            .unwrap_or_default()
    }
}

/// Makes how the form `form` starts: a new key, and the draft when the page
/// came back from a plain post with a mistake (leptos puts `__err` in the
/// address).
pub fn form_start(form: &'static str) -> Resource<Result<FormStart, AppError>> {
    let came_back =
        leptos_router::hooks::use_query_map().with_untracked(|query| query.get("__err").is_some());
    Resource::new(
        || (),
        move |_| async move {
            let draft = if came_back {
                form_draft(form.to_owned()).await?
            } else {
                HashMap::new()
            };
            Ok(FormStart {
                key: new_key(),
                draft,
            })
        },
    )
}

#[cfg(feature = "ssr")]
fn new_key() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Pages render on the server only.
#[cfg(not(feature = "ssr"))]
fn new_key() -> String {
    String::new()
}

/// What the live stream says about a request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestNews {
    /// Empty when the server lost track and every request should be read
    /// again.
    pub number: String,
    pub status: Option<RequestStatus>,
    /// New lab results became ready (no request changed).
    #[serde(default)]
    pub results: bool,
    /// Counts the news heard by this page, so the same news twice still
    /// makes the page read again.
    #[serde(default)]
    pub heard: u64,
}

/// Where a signed-in patient's page hears of their requests' changes.
pub const EVENTS_PATH: &str = "/events/requests";

/// Listens for changes of the patient's requests while the page is open and
/// returns the latest one heard (`None` until then). Does nothing on the
/// server.
pub fn request_news() -> ReadSignal<Option<RequestNews>> {
    let (news, set_news) = signal(None::<RequestNews>);
    #[cfg(feature = "hydrate")]
    listen(set_news);
    #[cfg(not(feature = "hydrate"))]
    let _ = set_news;
    news
}

#[cfg(feature = "hydrate")]
fn listen(set_news: WriteSignal<Option<RequestNews>>) {
    use leptos::wasm_bindgen::closure::Closure;
    use leptos::wasm_bindgen::JsCast;
    use send_wrapper::SendWrapper;

    let Ok(source) = web_sys::EventSource::new(EVENTS_PATH) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(news) = event
                .data()
                .as_string()
                .and_then(|data| serde_json::from_str::<RequestNews>(&data).ok())
            {
                set_news.set(Some(news));
            }
        });
    source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    let kept = SendWrapper::new((source, on_message));
    on_cleanup(move || {
        let (source, _on_message) = kept.take();
        source.close();
    });
}
