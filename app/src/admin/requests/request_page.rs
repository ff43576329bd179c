//! One request as staff see it (`/admin/requests/:number`): its content,
//! the patient and agreement contacts, the history, «Взять в работу» and
//! the status change with a comment to the patient.

use super::{staff_request, ChangeRequestStatus, TakeRequest};
use crate::forms::{
    action_error, labeller, EnhancedForm, FormError, FormField, SelectField, SubmitButton,
    TextArea, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use crate::requests::{status_label, AttachmentList, RequestContentView, StatusBadge, Timeline};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/admin/requests/:number`.
#[component]
pub fn StaffRequestPage() -> impl IntoView {
    let locale = use_locale();
    let params = use_params_map();
    let number = Memo::new(move |_| params.with(|p| p.get("number").unwrap_or_default()));
    // «Взять в работу»: without the wasm a plain post the server answers
    // with this page.
    let take = ServerAction::<TakeRequest>::new();
    let take_error = action_error(take);
    let request = Resource::new(move || number.get(), staff_request);
    view! {
        <p><a href="/admin/requests">{td_string!(locale, admin.back_to_queue)}</a></p>
        <Transition fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
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
                    .map(|s| (s.as_str().to_owned(), status_label(*s, locale).to_owned()))
                    .collect();
                view! {
                    <h1 class="page-title request-head">
                        <span>{move || detail.kind.label(locale)} " " {detail.number.clone()}</span>
                        <StatusBadge status=detail.status/>
                    </h1>
                    <section class="card" aria-labelledby="patient-title">
                        <h2 id="patient-title">{td_string!(locale, admin.patient)}</h2>
                        <dl class="facts">
                            <dt>{td_string!(locale, admin.full_name)}</dt><dd>{view.patient_name.clone()}</dd>
                            <dt>{td_string!(locale, admin.mis_patient_id)}</dt><dd>{view.mis_patient_id.clone()}</dd>
                            <dt>{td_string!(locale, admin.agreement_email)}</dt><dd>{view.agreement_email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                            <dt>{td_string!(locale, admin.sms_phone)}</dt><dd>{view.sms_phone.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        </dl>
                    </section>
                    <section class="card" aria-labelledby="content-title">
                        <h2 id="content-title">{td_string!(locale, admin.request_content)}</h2>
                        <p class="field-hint">
                            {td_string!(locale, request.sent_at)} " " {detail.sent.clone()} " · "
                            {td_string!(locale, request.department)} " " {detail.department.clone()} " · "
                            {td_string!(locale, admin.assigned)} " " {detail.assigned_to.clone().unwrap_or_else(|| "—".to_owned())}
                        </p>
                        <RequestContentView content=detail.content.clone()/>
                        <AttachmentList attachments=detail.attachments.clone() base=format!("{}/files", super::staff_request_path(&detail.number))/>
                        {(!detail.status.is_final()).then(|| view! { <AttachForm number=detail.number.clone()/> })}
                        {(!view.assigned_to_me && !detail.status.is_final()).then(|| view! {
                            <EnhancedForm action=take then=Then::Reload>
                                <input type="hidden" name="number" value=number.clone()/>
                                <FormError error=take_error/>
                                <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>{td_string!(locale, admin.take)}</button>
                            </EnhancedForm>
                        })}
                    </section>
                    <section class="card" aria-labelledby="history-title">
                        <h2 id="history-title">{td_string!(locale, request.history)}</h2>
                        <Timeline history=detail.history.clone()/>
                        {(!statuses.is_empty()).then(|| view! {
                            <StatusChangeForm number=detail.number.clone() statuses/>
                        })}
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// «Прикрепить документ»: PDFs of the finished document, sent as a plain
/// multipart form (the form's island leaves it to the browser); the page
/// comes back saying how many were attached, or what was wrong.
#[component]
fn AttachForm(number: String) -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let attached = query.with_untracked(|q| q.get("attached"));
    let problem = query.with_untracked(|q| {
        q.get("attach_error").and_then(|code| {
            serde_json::from_value::<crate::domain::Problem>(serde_json::Value::String(code)).ok()
        })
    });
    view! {
        <form method="post" enctype="multipart/form-data" action=format!("{}/attachments", super::staff_request_path(&number)) class="form attach-form">
            {attached.map(|n| view! {
                <p class="notice success" role="status">{td_string!(locale, admin.attached)} " " {n}</p>
            })}
            <div class="field" class:invalid=problem.is_some()>
                <label for="file">{td_string!(locale, admin.attach_file)}</label>
                <p class="field-hint" id="file-hint">{td_string!(locale, admin.attach_hint)}</p>
                <input id="file" type="file" name="file" accept="application/pdf" multiple
                    aria-describedby="file-hint file-error" aria-invalid=problem.is_some().to_string()/>
                <p class="field-error" id="file-error" role=problem.is_some().then_some("alert")>
                    {problem.map(|p| p.message(locale))}
                </p>
            </div>
            <button type="submit" class="button">{td_string!(locale, admin.attach)}</button>
        </form>
    }
}

/// «Новый статус» and «Комментарий пациенту»: a mistake shows at its field
/// with what was chosen and typed kept; on success the page loads again.
/// Without the wasm a plain post, answered with this page.
#[component]
fn StatusChangeForm(number: String, statuses: Vec<(String, String)>) -> impl IntoView {
    let locale = use_locale();
    let change = ServerAction::<ChangeRequestStatus>::new();
    let error = action_error(change);
    let label = labeller();
    view! {
        <EnhancedForm action=change then=Then::Reload class="form">
            <input type="hidden" name="number" value=number/>
            <FormError error=error/>
            <SelectField field=FormField::required("status", |l| td_string!(l, admin.new_status)) options=statuses error=error/>
            <TextArea
                field=FormField::optional("comment", |l| td_string!(l, admin.comment_to_patient))
                hint=label(|l| td_string!(l, admin.comment_hint))
                max=crate::domain::request::LONG_TEXT_MAX
                error=error
            />
            <SubmitButton label=td_string!(locale, admin.change_status)/>
        </EnhancedForm>
    }
}
