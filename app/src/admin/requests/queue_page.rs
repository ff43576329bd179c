//! The queue page (`/admin/requests`): filters by kind, status, date and
//! patient, a page at a time.

use super::{request_queue, staff_request_path};
use crate::domain::request::RequestStatus;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use crate::requests::{status_label, StatusBadge};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// `/admin/requests`: the queue, filtered through the address (a GET form).
#[component]
pub fn QueuePageView() -> impl IntoView {
    let locale = use_locale();
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
        <h1 class="page-title">{td_string!(locale, admin.queue)}</h1>
        <form method="get" action="/admin/requests" class="filters">
            <div class="field">
                <label for="kind">{td_string!(locale, request.kind)}</label>
                <select id="kind" name="kind">
                    <option value="">{td_string!(locale, request.all_kinds)}</option>
                    {RequestKind::ALL.iter().copied().map(|k| view! {
                        <option value=k.as_str() selected=move || kind.get() == k.as_str()>{move || k.label(locale)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{td_string!(locale, request.status)}</label>
                <select id="status" name="status">
                    <option value="">{td_string!(locale, request.all_statuses)}</option>
                    {RequestStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || status.get() == s.as_str()>{move || status_label(s, locale)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="from">{td_string!(locale, admin.sent_from)}</label>
                <input id="from" name="from" type="date" value=move || from.get()/>
            </div>
            <div class="field">
                <label for="until">{td_string!(locale, admin.sent_until)}</label>
                <input id="until" name="until" type="date" value=move || until.get()/>
            </div>
            <div class="field">
                <label for="patient">{td_string!(locale, admin.patient_filter)}</label>
                <input id="patient" name="patient" type="search" value=move || patient.get()/>
            </div>
            <div class="field">
                <label for="order">{td_string!(locale, admin.order)}</label>
                <select id="order" name="order">
                    <option value="oldest" selected=move || order.get() != "newest">{td_string!(locale, admin.oldest_first)}</option>
                    <option value="newest" selected=move || order.get() == "newest">{td_string!(locale, admin.newest_first)}</option>
                </select>
            </div>
            <button type="submit" class="button">{td_string!(locale, request.filter)}</button>
        </form>
        <Transition fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let queue = match queue.await {
                    Ok(queue) => queue,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                if queue.lines.is_empty() {
                    return view! { <p class="empty">{td_string!(locale, admin.queue_empty)}</p> }.into_any();
                }
                let (page, pages) = (queue.page, queue.pages);
                view! {
                    <p class="field-hint">{td_string!(locale, admin.found)} " " {queue.total}</p>
                    <table class="queue">
                        <thead>
                            <tr>
                                <th scope="col">{td_string!(locale, request.number)}</th>
                                <th scope="col">{td_string!(locale, request.status)}</th>
                                <th scope="col">{td_string!(locale, request.kind)}</th>
                                <th scope="col">{td_string!(locale, admin.patient)}</th>
                                <th scope="col">{td_string!(locale, request.sent_at)}</th>
                                <th scope="col">{td_string!(locale, admin.assigned)}</th>
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
                                            {move || line.kind.label(locale)}
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
                    <nav class="pager" aria-label=move || td_string!(locale, admin.pages)>
                        {(page > 1).then(|| view! { <a href=page_href(page - 1) rel="prev">{td_string!(locale, admin.previous)}</a> })}
                        <span>{page} " / " {pages}</span>
                        {(page < pages).then(|| view! { <a href=page_href(page + 1) rel="next">{td_string!(locale, admin.next)}</a> })}
                    </nav>
                }
                .into_any()
            })}
        </Transition>
    }
}
