//! «Настройки»: how to address the patient and the recovery e-mail
//! (editable; a new e-mail needs the current password), the agreement's
//! e-mail and SMS phone (read-only: only the clinic changes them), whether
//! request status changes are e-mailed,
//! «Изменить пароль», and the list of signed-in sessions with a way to end
//! any of them.

use crate::error::AppError;
use crate::forms::{action_error, successes, Field, FormError, FormField, NewPasswordFields};
use crate::i18n::{t, td_string, use_i18n};
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page shows about the account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDetails {
    pub login: String,
    pub address_as: String,
    pub recovery_email: String,
    /// From the service agreement; `None` if the clinic recorded none.
    pub agreement_email: Option<String>,
    pub sms_phone: Option<String>,
    /// E-mail the patient when a request's status changes.
    pub status_mail: bool,
}

/// One signed-in session, as the patient sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub id: i64,
    /// «Chrome, Android»; empty when the browser did not say.
    pub device: String,
    pub ip: String,
    pub started: String,
    pub last_seen: String,
    /// The session this page was loaded in.
    pub current: bool,
}

#[server(endpoint = "settings/account")]
pub async fn load_account_details() -> Result<AccountDetails, AppError> {
    crate::context::reply(server::load_account_details().await)
}

#[server(endpoint = "settings/sessions")]
pub async fn signed_in_sessions() -> Result<Vec<SessionInfo>, AppError> {
    crate::context::reply(server::signed_in_sessions().await)
}

#[server(endpoint = "settings/address-as")]
pub async fn save_address_as(address_as: String) -> Result<(), AppError> {
    crate::context::reply(server::save_address_as(address_as).await)
}

/// The status-mail checkbox: sent as `on` when ticked, absent otherwise.
#[server(endpoint = "settings/status-mail")]
pub async fn save_status_mail(
    #[server(default)] status_mail: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(server::save_status_mail(status_mail.is_some()).await)
}

#[server(endpoint = "settings/recovery-email")]
pub async fn change_recovery_email(
    recovery_email: String,
    current_password: String,
) -> Result<(), AppError> {
    crate::context::reply(server::change_recovery_email(recovery_email, current_password).await)
}

#[server(endpoint = "settings/password")]
pub async fn change_password(
    current_password: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    crate::context::reply(
        server::change_password(current_password, password, password_repeat).await,
    )
}

#[server(endpoint = "settings/sessions/end")]
pub async fn end_session(session_id: i64) -> Result<(), AppError> {
    crate::context::reply(server::end_session(session_id).await)
}

#[server(endpoint = "settings/sessions/end-others")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    crate::context::reply(server::end_other_sessions().await)
}

#[cfg(feature = "ssr")]
mod server;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save_address = ServerAction::<SaveAddressAs>::new();
    let save_status_mail = ServerAction::<SaveStatusMail>::new();
    let change_email = ServerAction::<ChangeRecoveryEmail>::new();
    let change_pass = ServerAction::<ChangePassword>::new();
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();

    let (address_saved, email_changed) = (successes(save_address), successes(change_email));
    let account = Resource::new(
        move || (address_saved.get(), email_changed.get()),
        |_| load_account_details(),
    );
    let (password_changed, one_ended, others_ended) = (
        successes(change_pass),
        successes(end_one),
        successes(end_others),
    );
    let sessions = Resource::new(
        move || (password_changed.get(), one_ended.get(), others_ended.get()),
        |_| signed_in_sessions(),
    );
    let saved = move |action_ok: bool| {
        action_ok.then(
            || view! { <p class="notice success" role="status">{t!(i18n, settings.saved)}</p> },
        )
    };

    view! {
        <PageTitle text=Signal::derive(move || Section::Settings.label(i18n.get_locale()))/>
        <Suspense fallback=move || view! { <p>{t!(i18n, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let account = match account.await {
                    Ok(account) => account,
                    Err(error) => {
                        return view! { <LoadFailed error/> }.into_any();
                    }
                };
                let address_error = action_error(save_address);
                let email_error = action_error(change_email);
                view! {
                    <section class="card" aria-labelledby="contact-title">
                        <h2 id="contact-title">{t!(i18n, settings.contact_title)}</h2>
                        <p>{t!(i18n, settings.login)} " " <strong>{account.login.clone()}</strong></p>
                        <ActionForm action=save_address attr:class="form" attr:novalidate=true>
                            <FormError error=address_error/>
                            <Field
                                field=FormField::optional("address_as", |l| td_string!(l, activation.address_as))
                                autocomplete="name"
                                value=account.address_as.clone()
                                error=address_error
                            />
                            <button type="submit" class="button primary">{t!(i18n, settings.save)}</button>
                            {move || saved(matches!(save_address.value().get(), Some(Ok(()))))}
                        </ActionForm>
                        <ActionForm action=change_email attr:class="form" attr:novalidate=true>
                            <FormError error=email_error/>
                            <Field
                                field=FormField::optional("recovery_email", |l| td_string!(l, activation.recovery_email))
                                hint=Signal::derive(move || td_string!(i18n.get_locale(), activation.recovery_email_hint))
                                input_type="email"
                                autocomplete="email"
                                value=account.recovery_email.clone()
                                error=email_error
                            />
                            <Field
                                field=FormField::optional("current_password", |l| td_string!(l, settings.current_password))
                                hint=Signal::derive(move || td_string!(i18n.get_locale(), settings.current_password_hint))
                                input_type="password"
                                autocomplete="current-password"
                                error=email_error
                            />
                            <button type="submit" class="button primary">{t!(i18n, settings.save_email)}</button>
                            {move || saved(matches!(change_email.value().get(), Some(Ok(()))))}
                        </ActionForm>
                    </section>
                    <section class="card" aria-labelledby="notices-title">
                        <h2 id="notices-title">{t!(i18n, settings.notices_title)}</h2>
                        <ActionForm action=save_status_mail attr:class="form">
                            <label class="choice">
                                <input type="checkbox" name="status_mail" checked=account.status_mail/>
                                {t!(i18n, settings.status_mail)}
                            </label>
                            <p class="field-hint">{t!(i18n, settings.status_mail_hint)}</p>
                            <button type="submit" class="button">{t!(i18n, settings.save_notices)}</button>
                            {move || saved(matches!(save_status_mail.value().get(), Some(Ok(()))))}
                        </ActionForm>
                    </section>
                    <section class="card" aria-labelledby="agreement-title">
                        <h2 id="agreement-title">{t!(i18n, settings.agreement_title)}</h2>
                        <dl class="facts">
                            <dt>{t!(i18n, settings.agreement_email)}</dt>
                            <dd>{account.agreement_email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                            <dt>{t!(i18n, settings.sms_phone)}</dt>
                            <dd>{account.sms_phone.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        </dl>
                        <p class="field-hint">{t!(i18n, settings.agreement_note)}</p>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
        <PasswordChange action=change_pass/>
        <SessionList sessions=sessions end_one=end_one end_others=end_others/>
    }
}

/// «Изменить пароль».
#[component]
fn PasswordChange(action: ServerAction<ChangePassword>) -> impl IntoView {
    let i18n = use_i18n();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{t!(i18n, settings.password_title)}</h2>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormError error=error/>
                <Field
                    field=FormField::optional("current_password", |l| td_string!(l, settings.current_password))
                    input_type="password"
                    autocomplete="current-password"
                    error=error
                />
                <NewPasswordFields
                    label=|l| td_string!(l, recovery.password)
                    error=error
                />
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    {t!(i18n, settings.change_password)}
                </button>
                {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="notice success" role="status">{t!(i18n, settings.password_changed)}</p>
                })}
            </ActionForm>
        </section>
    }
}

/// The signed-in sessions, each with «Завершить», and «Завершить все другие».
#[component]
fn SessionList(
    sessions: Resource<Result<Vec<SessionInfo>, AppError>>,
    end_one: ServerAction<EndSession>,
    end_others: ServerAction<EndOtherSessions>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t!(i18n, settings.sessions_title)}</h2>
            <p class="field-hint">{t!(i18n, settings.sessions_hint)}</p>
            <Suspense fallback=move || view! { <p>{t!(i18n, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                        Ok(list) => {
                            let others = list.iter().filter(|s| !s.current).count();
                            view! {
                                <ul class="sessions">
                                    {list.into_iter().map(|session| view! { <SessionItem session end_one/> }).collect_view()}
                                </ul>
                                {(others > 0).then(|| view! {
                                    <ActionForm action=end_others>
                                        <button type="submit" class="button">{t!(i18n, settings.end_others)}</button>
                                    </ActionForm>
                                })}
                            }
                            .into_any()
                        }
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SessionItem(session: SessionInfo, end_one: ServerAction<EndSession>) -> impl IntoView {
    let i18n = use_i18n();
    let device = if session.device.is_empty() {
        td_string!(i18n.get_locale(), settings.unknown_device).to_owned()
    } else {
        session.device.clone()
    };
    view! {
        <li class="session" class:current=session.current>
            <div>
                <strong>{device}</strong>
                {session.current.then(|| view! { <span class="badge">{t!(i18n, settings.this_session)}</span> })}
                <p class="field-hint">
                    {t!(i18n, settings.last_seen)} " " {session.last_seen.clone()} " · "
                    {t!(i18n, settings.started)} " " {session.started.clone()} " · IP " {session.ip.clone()}
                </p>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action=end_one>
                    <input type="hidden" name="session_id" value=session.id/>
                    <button type="submit" class="button">{t!(i18n, settings.end_session)}</button>
                </ActionForm>
            })}
        </li>
    }
}
