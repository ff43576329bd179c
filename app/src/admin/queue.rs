//! The request queues (`/admin/requests`): operators see the requests of
//! their departments, admins every department; filters by kind, status,
//! date and patient, oldest first by default, a page at a time. A request
//! opens (`/admin/requests/:number`) with its content, the patient's name
//! and agreement contacts, and the history; staff take it, and move its
//! status on with a comment to the patient. Every opening is audited.

use crate::domain::request::RequestStatus;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, successes, FormError, FormField, SelectField, TextArea,
};
use crate::i18n::{t, td_string, use_i18n};
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use crate::requests::{status_label, RequestContentView, RequestDetail, StatusBadge, Timeline};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// A queue line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueLine {
    pub number: String,
    pub kind: RequestKind,
    pub status: RequestStatus,
    pub summary: String,
    pub department: String,
    pub patient_name: String,
    pub assigned_to: Option<String>,
    pub sent: String,
}

/// One page of a queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuePage {
    pub lines: Vec<QueueLine>,
    pub total: i64,
    /// From 1.
    pub page: i64,
    pub pages: i64,
}

/// A request as staff open it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRequestView {
    pub detail: RequestDetail,
    pub patient_name: String,
    pub mis_patient_id: String,
    pub agreement_email: Option<String>,
    pub sms_phone: Option<String>,
    /// The statuses this request may be moved to.
    pub next_statuses: Vec<RequestStatus>,
    pub assigned_to_me: bool,
}

#[server(endpoint = "admin/requests/list")]
pub async fn request_queue(
    #[server(default)] kind: String,
    #[server(default)] status: String,
    #[server(default)] from: String,
    #[server(default)] until: String,
    #[server(default)] patient: String,
    #[server(default)] order: String,
    #[server(default)] page: String,
) -> Result<QueuePage, AppError> {
    crate::context::reply(
        server::request_queue(server::QueueFilter {
            kind,
            status,
            from,
            until,
            patient,
            order,
            page,
        })
        .await,
    )
}

#[server(endpoint = "admin/requests/one")]
pub async fn staff_request(number: String) -> Result<StaffRequestView, AppError> {
    crate::context::reply(server::staff_request(number).await)
}

#[server(endpoint = "admin/requests/status")]
pub async fn change_request_status(
    number: String,
    #[server(default)] status: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    crate::context::reply(server::change_request_status(number, status, comment).await)
}

#[server(endpoint = "admin/requests/take")]
pub async fn take_request(number: String) -> Result<(), AppError> {
    crate::context::reply(server::take_request(number).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{staff_request_path, QueueLine, QueuePage, StaffRequestView};

    /// Requests a queue page shows.
    const PAGE_SIZE: i64 = 20;
    use crate::context::internal;
    use crate::context::{redirect_plain_form, request_meta, require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::patients::{self, name_key};
    use crate::db::requests::{self, QueueQuery};
    use crate::domain::request::{filter_date, is_request_number, page_number, RequestStatus};
    use crate::domain::{FieldErrors, Problem, StaffRole};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::requests::kinds::RequestKind;
    use crate::write_unit::WriteUnit;
    use chrono::{DateTime, Duration, NaiveDate, Utc};

    pub struct QueueFilter {
        pub kind: String,
        pub status: String,
        pub from: String,
        pub until: String,
        pub patient: String,
        pub order: String,
        pub page: String,
    }

    pub async fn request_queue(filter: QueueFilter) -> Result<QueuePage, AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        let mut errors = FieldErrors::new();
        let choice = |text: &str| text.trim().to_owned();
        let kind = match choice(&filter.kind).as_str() {
            "" => None,
            text => errors.check(
                "kind",
                RequestKind::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        let status = match choice(&filter.status).as_str() {
            "" => None,
            text => errors.check(
                "status",
                RequestStatus::parse(text).ok_or(Problem::ChoiceInvalid),
            ),
        };
        let from = errors.check("from", filter_date(&filter.from)).flatten();
        let until = errors.check("until", filter_date(&filter.until)).flatten();
        let page = errors.check("page", page_number(&filter.page)).unwrap_or(1);
        errors.into_result()?;
        // A day in the clinic's calendar, as the instant it starts.
        let offset = Duration::minutes(i64::from(context.clinic.utc_offset_minutes));
        let start_of = |day: NaiveDate| -> DateTime<Utc> {
            day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() - offset
        };
        let patient = filter.patient.trim();
        let query = QueueQuery {
            kind: kind.map(|k| k.as_str().to_owned()),
            status: status.map(|s| s.as_str().to_owned()),
            from: from.map(start_of),
            until: until.map(|day| start_of(day) + Duration::days(1)),
            patient: (!patient.is_empty()).then(|| name_key(patient)),
            newest_first: filter.order == "newest",
            limit: PAGE_SIZE,
            offset: (page - 1) * PAGE_SIZE,
        };
        let (rows, total) = requests::queue(&context.db, engine::scope_of(&staff), &query).await?;
        let mut lines = Vec::with_capacity(rows.len());
        for row in rows {
            // Read as the engine reads every request: the kind from its
            // column, and what no longer parses is an error, not a guess.
            let content = engine::read_content(&row.number, &row.content)?;
            lines.push(QueueLine {
                kind: engine::read_kind(&row.number, &row.kind)?,
                status: engine::read_status(&row.number, &row.status)?,
                summary: content.summary(),
                department: row.department_name,
                patient_name: row.patient_name,
                assigned_to: row.assigned_name,
                sent: context.clinic.local_time(row.created_at),
                number: row.number,
            });
        }
        Ok(QueuePage {
            lines,
            total,
            page,
            pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
        })
    }

    pub async fn staff_request(number: String) -> Result<StaffRequestView, AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        // Outside the staff member's departments, or made up: "not found".
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        let row = requests::in_scope(&context.db, engine::scope_of(&staff), &number)
            .await?
            .ok_or(AppError::NotFound)?;
        // Every look at a patient's request is recorded: the patient will
        // see who opened it.
        let mut unit = WriteUnit::begin(&context, Actor::Staff(staff.staff_id)).await?;
        unit.audit(Action::RequestViewed, Some(row.patient_id), &number)
            .await?;
        unit.commit().await?;
        let detail = engine::detail(&context, &row).await?;
        let patient = patients::by_id(&context.db, row.patient_id)
            .await?
            .ok_or_else(|| internal("a request's patient is missing"))?;
        let contacts = patients::agreement_contacts(&context.db, row.patient_id).await?;
        Ok(StaffRequestView {
            next_statuses: detail.status.staff_next().to_vec(),
            assigned_to_me: row.assigned_staff_id == Some(staff.staff_id),
            detail,
            patient_name: patient.full_name,
            mis_patient_id: patient.mis_patient_id,
            agreement_email: contacts.as_ref().map(|c| c.email.clone()),
            sms_phone: contacts.map(|c| c.sms_phone),
        })
    }

    pub async fn change_request_status(
        number: String,
        status: String,
        comment: String,
    ) -> Result<(), AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        engine::change_status(&context, &staff, &number, &status, &comment).await?;
        redirect_plain_form(&request_meta(), &staff_request_path(&number));
        Ok(())
    }

    pub async fn take_request(number: String) -> Result<(), AppError> {
        let staff = require_staff(StaffRole::Operator)?;
        let context = server_context()?;
        if !is_request_number(&number) {
            return Err(AppError::NotFound);
        }
        engine::take(&context, &staff, &number).await?;
        redirect_plain_form(&request_meta(), &staff_request_path(&number));
        Ok(())
    }
}

/// The staff page of a request.
pub fn staff_request_path(number: &str) -> String {
    format!(
        "/admin/requests/{}",
        leptos_router::location::Url::escape(number)
    )
}

/// `/admin/requests`: the queue, filtered through the address (a GET form).
#[component]
pub fn QueuePageView() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |name: &'static str| {
        Memo::new(move |_| query.with(|q| q.get(name).unwrap_or_default()))
    };
    let (kind, status, from, until, patient, order, page) = (
        param("kind"),
        param("status"),
        param("from"),
        param("until"),
        param("patient"),
        param("order"),
        param("page"),
    );
    let queue = Resource::new(
        move || {
            (
                kind.get(),
                status.get(),
                from.get(),
                until.get(),
                patient.get(),
                order.get(),
                page.get(),
            )
        },
        |(kind, status, from, until, patient, order, page)| {
            request_queue(kind, status, from, until, patient, order, page)
        },
    );
    let page_href = move |to: i64| {
        query.with(|q| {
            let mut parts: Vec<String> = ["kind", "status", "from", "until", "patient", "order"]
                .into_iter()
                .filter_map(|name| {
                    q.get(name)
                        .filter(|v| !v.is_empty())
                        .map(|v| format!("{name}={}", leptos_router::location::Url::escape(&v)))
                })
                .collect();
            parts.push(format!("page={to}"));
            format!("/admin/requests?{}", parts.join("&"))
        })
    };
    view! {
        <h1 class="page-title">{t!(i18n, admin.queue)}</h1>
        <form method="get" action="/admin/requests" class="filters">
            <div class="field">
                <label for="kind">{t!(i18n, request.kind)}</label>
                <select id="kind" name="kind">
                    <option value="">{t!(i18n, request.all_kinds)}</option>
                    {RequestKind::ALL.iter().copied().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k.as_str()>{move || k.label(i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{t!(i18n, request.status)}</label>
                <select id="status" name="status">
                    <option value="">{t!(i18n, request.all_statuses)}</option>
                    {RequestStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == s.as_str()>{move || status_label(s, i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="from">{t!(i18n, admin.sent_from)}</label>
                <input id="from" name="from" type="date" value=move || from.get()/>
            </div>
            <div class="field">
                <label for="until">{t!(i18n, admin.sent_until)}</label>
                <input id="until" name="until" type="date" value=move || until.get()/>
            </div>
            <div class="field">
                <label for="patient">{t!(i18n, admin.patient_filter)}</label>
                <input id="patient" name="patient" type="search" value=move || patient.get()/>
            </div>
            <div class="field">
                <label for="order">{t!(i18n, admin.order)}</label>
                <select id="order" name="order">
                    <option value="oldest" selected=move || order.get() != "newest">{t!(i18n, admin.oldest_first)}</option>
                    <option value="newest" selected=move || order.get() == "newest">{t!(i18n, admin.newest_first)}</option>
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, request.filter)}</button>
        </form>
        <Transition fallback=move || view! { <p class="skeleton">{t!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let queue = match queue.await {
                    Ok(queue) => queue,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                if queue.lines.is_empty() {
                    return view! { <p class="empty">{t!(i18n, admin.queue_empty)}</p> }.into_any();
                }
                let (page, pages) = (queue.page, queue.pages);
                view! {
                    <p class="field-hint">{t!(i18n, admin.found)} " " {queue.total}</p>
                    <table class="queue">
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, request.number)}</th>
                                <th scope="col">{t!(i18n, request.status)}</th>
                                <th scope="col">{t!(i18n, request.kind)}</th>
                                <th scope="col">{t!(i18n, admin.patient)}</th>
                                <th scope="col">{t!(i18n, request.sent_at)}</th>
                                <th scope="col">{t!(i18n, admin.assigned)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {queue.lines.into_iter().map(|line| {
                                let href = staff_request_path(&line.number);
                                view! {
                                    <tr>
                                        <td><a href=href>{line.number.clone()}</a></td>
                                        <td><StatusBadge status=line.status/></td>
                                        <td>
                                            {move || line.kind.label(i18n.get_locale())}
                                            <span class="field-hint queue-summary">{line.summary.clone()}</span>
                                        </td>
                                        <td>{line.patient_name.clone()}</td>
                                        <td class="numeric">{line.sent.clone()}</td>
                                        <td>{line.assigned_to.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <nav class="pager" aria-label=move || td_string!(i18n.get_locale(), admin.pages)>
                        {(page > 1).then(|| view! { <a href=page_href(page - 1) rel="prev">{t!(i18n, admin.previous)}</a> })}
                        <span>{page} " / " {pages}</span>
                        {(page < pages).then(|| view! { <a href=page_href(page + 1) rel="next">{t!(i18n, admin.next)}</a> })}
                    </nav>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// `/admin/requests/:number`.
#[component]
pub fn StaffRequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").unwrap_or_default()));
    let change = ServerAction::<ChangeRequestStatus>::new();
    let take = ServerAction::<TakeRequest>::new();
    let change_error = action_error(change);
    let take_error = action_error(take);
    let (changed, taken) = (successes(change), successes(take));
    let request = Resource::new(
        move || (number.get(), changed.get(), taken.get()),
        |(number, _, _)| staff_request(number),
    );
    let label = labeller();
    view! {
        <p><a href="/admin/requests">{t!(i18n, admin.back_to_queue)}</a></p>
        <Transition fallback=move || view! { <p class="skeleton">{t!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let view = match request.await {
                    Ok(view) => view,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                let detail = view.detail.clone();
                let number = detail.number.clone();
                let statuses: Vec<(String, String)> = view
                    .next_statuses
                    .iter()
                    .map(|s| (s.as_str().to_owned(), status_label(*s, i18n.get_locale()).to_owned()))
                    .collect();
                view! {
                    <h1 class="page-title request-head">
                        <span>{move || detail.kind.label(i18n.get_locale())} " " {detail.number.clone()}</span>
                        <StatusBadge status=detail.status/>
                    </h1>
                    <section class="card" aria-labelledby="patient-title">
                        <h2 id="patient-title">{t!(i18n, admin.patient)}</h2>
                        <dl class="facts">
                            <dt>{t!(i18n, admin.full_name)}</dt><dd>{view.patient_name.clone()}</dd>
                            <dt>{t!(i18n, admin.mis_patient_id)}</dt><dd>{view.mis_patient_id.clone()}</dd>
                            <dt>{t!(i18n, admin.agreement_email)}</dt><dd>{view.agreement_email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                            <dt>{t!(i18n, admin.sms_phone)}</dt><dd>{view.sms_phone.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="content-title">
                        <h2 id="content-title">{t!(i18n, admin.request_content)}</h2>
                        <p class="field-hint">
                            {t!(i18n, request.sent_at)} " " {detail.sent.clone()} " · "
                            {t!(i18n, request.department)} " " {detail.department.clone()} " · "
                            {t!(i18n, admin.assigned)} " " {detail.assigned_to.clone().unwrap_or_else(|| "—".to_owned())}
                        </p>
                        <RequestContentView content=detail.content.clone()/>
                        {(!view.assigned_to_me && !detail.status.is_final()).then(|| view! {
                            <ActionForm action=take>
                                <input type="hidden" name="number" value=number.clone()/>
                                <FormError error=take_error/>
                                <button type="submit" class="button">{t!(i18n, admin.take)}</button>
                            </ActionForm>
                        })}
                    </section>
                    <section class="card" aria-labelledby="history-title">
                        <h2 id="history-title">{t!(i18n, request.history)}</h2>
                        <Timeline history=detail.history.clone()/>
                        {(!statuses.is_empty()).then(|| view! {
                            <ActionForm action=change attr:class="form" attr:novalidate=true>
                                <input type="hidden" name="number" value=detail.number.clone()/>
                                <FormError error=change_error/>
                                <SelectField field=FormField::required("status", |l| td_string!(l, admin.new_status)) options=statuses.clone() error=change_error/>
                                <TextArea
                                    field=FormField::optional("comment", |l| td_string!(l, admin.comment_to_patient))
                                    hint=label(|l| td_string!(l, admin.comment_hint))
                                    max=crate::domain::request::LONG_TEXT_MAX
                                    error=change_error
                                />
                                <button type="submit" class="button primary" disabled=move || change.pending().get()>{t!(i18n, admin.change_status)}</button>
                            </ActionForm>
                        })}
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}
