//! «Все запросы»: every request the patient sent, newest first, filtered by
//! kind and status; each opens to its content and status timeline with
//! staff comments. A request not yet in progress can be cancelled. Both
//! pages follow status changes live, without a reload.

use crate::domain::request::RequestStatus;
use crate::forms::{action_error, FormError, PostForm, Then};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::islands::LiveRequests;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use crate::requests::{
    my_request, my_requests, status_label, AttachmentList, CancelRequest, LoadedRequestList,
    RequestContentView, StatusBadge, Timeline,
};
use crate::sections::Section;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn RequestsPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let kind = Memo::new(move |_| query.with(|q| q.get("kind").unwrap_or_default()));
    let status = Memo::new(move |_| query.with(|q| q.get("status").unwrap_or_default()));
    let requests = Resource::new(
        move || (kind.get(), status.get()),
        |(kind, status)| my_requests(kind, status),
    );
    view! {
        <PageTitle text=Signal::derive(move || Section::Requests.label(locale))/>
        // A GET form: filtering works before the wasm loads, and the
        // address keeps the filter.
        <form method="get" action=Section::Requests.path() class="filters">
            <div class="field">
                <label for="kind">{td_string!(locale, request.kind)}</label>
                <select id="kind" name="kind">
                    <option value="" selected=move || kind.get().is_empty()>{td_string!(locale, request.all_kinds)}</option>
                    {RequestKind::ALL
                        .iter()
                        .copied()
                        .map(|k| view! {
                            <option value=k.as_str() selected=move || kind.get() == k.as_str()>
                                {move || k.label(locale)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="status">{td_string!(locale, request.status)}</label>
                <select id="status" name="status">
                    <option value="" selected=move || status.get().is_empty()>{td_string!(locale, request.all_statuses)}</option>
                    {RequestStatus::ALL
                        .into_iter()
                        .map(|s| view! {
                            <option value=s.as_str() selected=move || status.get() == s.as_str()>
                                {move || status_label(s, locale)}
                            </option>
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit" class="button">{td_string!(locale, request.filter)}</button>
        </form>
        <LoadedRequestList requests/>
    }
}

/// `/requests/:number`: one request, its content and timeline, following
/// its changes live; «Отменить заявку» while it may be cancelled.
#[component]
pub fn RequestPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").unwrap_or_default()));
    let just_sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    let cancel = ServerAction::<CancelRequest>::new();
    let cancel_error = action_error(cancel);
    let request = Resource::new(move || number.get(), my_request);
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, request.title))/>
        <p><a href=Section::Requests.path()>{td_string!(locale, request.back_to_all)}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let detail = match request.await {
                    Ok(detail) => detail,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                let locale = locale;
                let (sent_before, sent_after) =
                    crate::texts::around(td_string!(locale, request.sent_notice), "number");
                view! {
                    <LiveRequests>
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
                            <AttachmentList attachments=detail.attachments.clone() base=format!("{}/files", crate::requests::request_path(&detail.number))/>
                            <h3>{td_string!(locale, request.history)}</h3>
                            <Timeline history=detail.history.clone()/>
                            {detail.patient_may_cancel.then(|| view! {
                                <PostForm action=cancel then=Then::Reload class="form">
                                    <input type="hidden" name="number" value=detail.number.clone()/>
                                    <FormError error=cancel_error/>
                                    <p class="field-hint">{td_string!(locale, request.cancel_hint)}</p>
                                    <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                                        {td_string!(locale, request.cancel)}
                                    </button>
                                </PostForm>
                            })}
                        </article>
                    </LiveRequests>
                }
                .into_any()
            })}
        </Suspense>
    }
}
