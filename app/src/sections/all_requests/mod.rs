//! «Все запросы»: every request the patient sent, newest first, filtered by
//! kind and status; each opens to its content and status timeline with
//! staff comments. A request not yet in progress can be cancelled. Both
//! pages follow status changes live, without a reload.

use crate::domain::request::RequestStatus;
use crate::forms::{action_error, successes, FormError};
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use crate::requests::{
    my_request, my_requests, request_news, status_label, CancelRequest, LoadedRequestList,
    RequestContentView, RequestNews, StatusBadge, Timeline,
};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// Says which request changed, for screen readers and the eye alike.
#[component]
fn NewsNotice(news: ReadSignal<Option<RequestNews>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="live-news" role="status" aria-live="polite">
            {move || news.get().and_then(|news| news.status.map(|status| format!(
                "{} {}: {}",
                td_string!(i18n.get_locale(), request.changed),
                news.number,
                status_label(status, i18n.get_locale()),
            )))}
        </p>
    }
}

#[component]
pub fn RequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let kind = Memo::new(move |_| query.with(|q| q.get("kind").unwrap_or_default()));
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let news = request_news();
    let requests = Resource::new(
        move || (kind.get(), status.get(), news.get()),
        |(kind, status, _)| my_requests(kind, status),
    );
    view! {
        <PageTitle text=Signal::derive(move || Section::Requests.label(i18n.get_locale()))/>
        // A GET form: filtering works before the wasm loads, and the
        // address keeps the filter.
        <form method="get" action=Section::Requests.path() class="filters">
            <div class="field">
                <label for="kind">{t!(i18n, request.kind)}</label>
                <select id="kind" name="kind">
                    <option value="" selected=move || kind.get().is_empty()>{t!(i18n, request.all_kinds)}</option>
                    {RequestKind::ALL
                        .iter()
                        .copied()
                        .map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k.as_str()>
                                {move || k.label(i18n.get_locale())}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{t!(i18n, request.status)}</label>
                <select id="status" name="status">
                    <option value="" selected=move || status.get().is_empty()>{t!(i18n, request.all_statuses)}</option>
                    {RequestStatus::ALL
                        .into_iter()
                        .map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s.as_str()>
                                {move || status_label(s, i18n.get_locale())}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{t!(i18n, request.filter)}</button>
        </form>
        <NewsNotice news/>
        <LoadedRequestList requests/>
    }
}

/// `/requests/:number`: one request, its content and timeline.
#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").unwrap_or_default()));
    let just_sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    let news = request_news();
    let cancel = ServerAction::<CancelRequest>::new();
    let cancel_error = action_error(cancel);
    let cancelled = successes(cancel);
    let request = Resource::new(
        move || (number.get(), news.get(), cancelled.get()),
        |(number, _, _)| my_request(number),
    );
    view! {
        <PageTitle text=Signal::derive(move || td_string!(i18n.get_locale(), request.title))/>
        <p><a href=Section::Requests.path()>{t!(i18n, request.back_to_all)}</a></p>
        <NewsNotice news/>
        <Transition fallback=move || view! { <p class="skeleton">{t!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let detail = match request.await {
                    Ok(detail) => detail,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                view! {
                    <article class="card request" aria-labelledby="request-number">
                        {just_sent.then(|| view! {
                            <p class="notice success" role="status">
                                {move || crate::texts::around(td_string!(i18n.get_locale(), request.sent_notice), "number").0}
                                <strong>{detail.number.clone()}</strong>
                                {move || crate::texts::around(td_string!(i18n.get_locale(), request.sent_notice), "number").1}
                                " "
                                {t!(i18n, request.sent_notice_next)}
                            </p>
                        })}
                        <h2 id="request-number" class="request-head">
                            <span>{move || detail.kind.label(i18n.get_locale())} " " {detail.number.clone()}</span>
                            <StatusBadge status=detail.status/>
                        </h2>
                        <p class="field-hint">
                            {t!(i18n, request.sent_at)} " " {detail.sent.clone()} " · "
                            {t!(i18n, request.department)} " " {detail.department.clone()}
                        </p>
                        <RequestContentView content=detail.content.clone()/>
                        <h3>{t!(i18n, request.history)}</h3>
                        <Timeline history=detail.history.clone()/>
                        {detail.patient_may_cancel.then(|| view! {
                            <ActionForm action=cancel attr:class="form">
                                <input type="hidden" name="number" value=detail.number.clone()/>
                                <FormError error=cancel_error/>
                                <p class="field-hint">{t!(i18n, request.cancel_hint)}</p>
                                <button type="submit" class="button" disabled=move || cancel.pending().get()>
                                    {t!(i18n, request.cancel)}
                                </button>
                            </ActionForm>
                        })}
                    </article>
                }
                .into_any()
            })}
        </Transition>
    }
}
