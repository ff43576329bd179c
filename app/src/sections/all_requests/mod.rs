//! «Все запросы»: every request the patient sent, newest first, filtered by
//! kind and status; each opens to its content and status timeline with
//! staff comments. A request not yet in progress can be cancelled. Both
//! pages follow status changes live, without a reload.

use crate::domain::request::RequestStatus;
use crate::forms::{action_error, successes, FormError};
use crate::i18n::{t, td_string, use_i18n};
use crate::islands::{reloaded, use_locale};
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use crate::requests::{
    my_request, my_requests, request_news, status_label, CancelRequest, LoadedRequestList,
    NewsNotice, RequestContentView, RequestDetail, StatusBadge, Timeline,
};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RequestsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let kind = Memo::new(move |_| query.with(|q| q.get("kind").unwrap_or_default()));
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let requests = Resource::new(
        move || (kind.get(), status.get()),
        |(kind, status)| my_requests(kind, status),
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
        <LoadedRequestList requests kind=kind.get_untracked() status=status.get_untracked()/>
    }
}

/// `/requests/:number`: one request, its content and timeline.
#[component]
pub fn RequestPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").unwrap_or_default()));
    let just_sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    let request = Resource::new(move || number.get(), my_request);
    view! {
        <PageTitle text=Signal::derive(move || td_string!(i18n.get_locale(), request.title))/>
        <p><a href=Section::Requests.path()>{t!(i18n, request.back_to_all)}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{t!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match request.await {
                    Ok(detail) => view! { <LiveRequest detail just_sent/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A request that follows its changes while the page is open, with
/// «Отменить заявку» while it may be cancelled.
#[island]
fn LiveRequest(detail: RequestDetail, just_sent: bool) -> impl IntoView {
    let locale = use_locale();
    let news = request_news();
    let cancel = ServerAction::<CancelRequest>::new();
    let cancel_error = action_error(cancel);
    let cancelled = successes(cancel);
    let number = detail.number.clone();
    let detail = reloaded(
        detail,
        {
            let number = number.clone();
            move || {
                let about_this = news
                    .get()
                    .is_some_and(|news| news.number == number || news.number.is_empty());
                about_this || cancelled.get() > 0
            }
        },
        move || my_request(number.clone()),
    );
    let (sent_before, sent_after) =
        crate::texts::around(td_string!(locale, request.sent_notice), "number");
    view! {
        <NewsNotice news/>
        {move || {
            let detail = detail.get();
            view! {
                <article class="card request" aria-labelledby="request-number">
                    {just_sent.then(|| view! {
                        <p class="notice success" role="status">
                            {sent_before}
                            <strong>{detail.number.clone()}</strong>
                            {sent_after}
                            " "
                            {td_string!(locale, request.sent_notice_next)}
                        </p>
                    })}
                    <h2 id="request-number" class="request-head">
                        <span>{detail.kind.label(locale)} " " {detail.number.clone()}</span>
                        <StatusBadge status=detail.status/>
                    </h2>
                    <p class="field-hint">
                        {td_string!(locale, request.sent_at)} " " {detail.sent.clone()} " · "
                        {td_string!(locale, request.department)} " " {detail.department.clone()}
                    </p>
                    <RequestContentView content=detail.content.clone()/>
                    <h3>{td_string!(locale, request.history)}</h3>
                    <Timeline history=detail.history.clone()/>
                    {detail.patient_may_cancel.then(|| view! {
                        <ActionForm action=cancel attr:class="form">
                            <input type="hidden" name="number" value=detail.number.clone()/>
                            <FormError error=cancel_error/>
                            <p class="field-hint">{td_string!(locale, request.cancel_hint)}</p>
                            <button type="submit" class="button" disabled=move || cancel.pending().get()>
                                {td_string!(locale, request.cancel)}
                            </button>
                        </ActionForm>
                    })}
                </article>
            }
        }}
    }
}
