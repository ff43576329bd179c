//! «Настройки»: how to address the patient and the recovery e-mail
//! (editable; a new e-mail needs the current password), the agreement's
//! e-mail and SMS phone (read-only: only the clinic changes them), whether
//! request status changes and sign-ins on a new device are e-mailed,
//! the calendar subscription, «Изменить пароль», «Вход с кодом из
//! приложения» and «Ключи доступа» (passkeys), the list of signed-in
//! sessions with a way to end any of them, and the way to «Журнал доступа».

use crate::error::AppError;
use crate::forms::{
    action_error, EnhancedForm, Field, FormError, FormField, NewPasswordFields, PostForm,
    SubmitButton, SuccessNotice, Then,
};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
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
    /// E-mail the patient when a new device signs in.
    pub new_device_mail: bool,
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

/// The notices' checkboxes: each sent as `on` when ticked, absent otherwise.
#[server(endpoint = "settings/notices")]
pub async fn save_notices(
    #[server(default)] status_mail: Option<String>,
    #[server(default)] new_device_mail: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(
        server::save_notices(status_mail.is_some(), new_device_mail.is_some()).await,
    )
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

mod access_log;
mod calendar_feed;
pub mod passkeys;
mod second_factor;

pub use second_factor::SecondFactorCard;
#[cfg(feature = "ssr")]
mod server;

pub use access_log::{AccessLogPage, ACCESS_LOG_PATH};

pub use calendar_feed::{MakeCalendarFeed, RevokeCalendarFeed};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let locale = use_locale();
    let account = Resource::new(|| (), |_| load_account_details());
    let sessions = Resource::new(|| (), |_| signed_in_sessions());
    let password_changed = leptos_router::hooks::use_query_map()
        .with_untracked(|query| query.get("password_changed").is_some());
    view! {
        <PageTitle text=Signal::derive(move || Section::Settings.label(locale))/>
        <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let account = match account.await {
                    Ok(account) => account,
                    Err(error) => {
                        return view! { <LoadFailed error/> }.into_any();
                    }
                };
                view! {
                    <section class="card" aria-labelledby="contact-title">
                        <h2 id="contact-title">{td_string!(locale, settings.contact_title)}</h2>
                        <p>{td_string!(locale, settings.login)} " " <strong>{account.login.clone()}</strong></p>
                        <AddressAsForm address_as=account.address_as.clone()/>
                        <RecoveryEmailForm recovery_email=account.recovery_email.clone()/>
                    </section>
                    <section class="card" aria-labelledby="notices-title">
                        <h2 id="notices-title">{td_string!(locale, settings.notices_title)}</h2>
                        <NoticesForm status_mail=account.status_mail new_device_mail=account.new_device_mail/>
                    </section>
                    <section class="card" aria-labelledby="agreement-title">
                        <h2 id="agreement-title">{td_string!(locale, settings.agreement_title)}</h2>
                        <dl class="facts">
                            <dt>{td_string!(locale, settings.agreement_email)}</dt>
                            <dd>{account.agreement_email.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                            <dt>{td_string!(locale, settings.sms_phone)}</dt>
                            <dd>{account.sms_phone.clone().unwrap_or_else(|| "—".to_owned())}</dd>
                        </dl>
                        <p class="field-hint">{td_string!(locale, settings.agreement_note)}</p>
                    </section>
                }
                .into_any()
            })}
        </Suspense>
        <calendar_feed::CalendarFeedCard/>
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{td_string!(locale, settings.password_title)}</h2>
            {password_changed.then(|| view! {
                <p class="notice success" role="status">{td_string!(locale, settings.password_changed)}</p>
            })}
            <PasswordChange/>
        </section>
        <second_factor::SecondFactorCard/>
        <passkeys::PasskeysCard/>
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{td_string!(locale, settings.sessions_title)}</h2>
            <p class="field-hint">{td_string!(locale, settings.sessions_hint)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match sessions.await {
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                        Ok(list) => view! { <SessionList list/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <section class="card" aria-labelledby="access-log-title">
            <h2 id="access-log-title">{td_string!(locale, access_log.title)}</h2>
            <p>{td_string!(locale, access_log.settings_hint)}</p>
            <a class="button" href=ACCESS_LOG_PATH>{td_string!(locale, access_log.open)}</a>
        </section>
    }
}

/// «Как к Вам обращаться».
#[component]
fn AddressAsForm(address_as: String) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SaveAddressAs>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::Notice class="form">
            <FormError error=error/>
            <Field
                field=FormField::optional("address_as", |l| td_string!(l, activation.address_as))
                autocomplete="name"
                value=address_as
                error=error
            />
            <SubmitButton label=td_string!(locale, settings.save)/>
            <SuccessNotice text=td_string!(locale, settings.saved)/>
        </EnhancedForm>
    }
}

/// The e-mail for password recovery, changed with the current password.
#[component]
fn RecoveryEmailForm(recovery_email: String) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ChangeRecoveryEmail>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::Notice class="form">
            <FormError error=error/>
            <Field
                field=FormField::optional("recovery_email", |l| td_string!(l, activation.recovery_email))
                hint=td_string!(locale, activation.recovery_email_hint)
                input_type="email"
                autocomplete="email"
                value=recovery_email
                error=error
            />
            <Field
                field=FormField::optional("current_password", |l| td_string!(l, settings.current_password))
                hint=td_string!(locale, settings.current_password_hint)
                input_type="password"
                autocomplete="current-password"
                error=error
            />
            <SubmitButton label=td_string!(locale, settings.save_email)/>
            <SuccessNotice text=td_string!(locale, settings.saved)/>
        </EnhancedForm>
    }
}

/// Whether a change of a request's status, and a sign-in on a new device,
/// are mailed.
#[component]
fn NoticesForm(status_mail: bool, new_device_mail: bool) -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<SaveNotices>::new();
    view! {
        <EnhancedForm action=action then=Then::Notice class="form">
            <label class="choice">
                <input type="checkbox" name="status_mail" checked=status_mail/>
                {td_string!(locale, settings.status_mail)}
            </label>
            <p class="field-hint">{td_string!(locale, settings.status_mail_hint)}</p>
            <label class="choice">
                <input type="checkbox" name="new_device_mail" checked=new_device_mail/>
                {td_string!(locale, settings.new_device_mail)}
            </label>
            <p class="field-hint">{td_string!(locale, settings.new_device_mail_hint)}</p>
            <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                {td_string!(locale, settings.save_notices)}
            </button>
            <SuccessNotice text=td_string!(locale, settings.saved)/>
        </EnhancedForm>
    }
}

/// «Изменить пароль». A new password ends the other sessions, so on success
/// the page loads again, with the sessions as they are now and the notice.
#[component]
fn PasswordChange() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ChangePassword>::new();
    let error = action_error(action);
    view! {
        <EnhancedForm action=action then=Then::Go("/settings?password_changed=1#password-title".to_owned()) class="form">
            <FormError error=error/>
            <Field
                field=FormField::optional("current_password", |l| td_string!(l, settings.current_password))
                id="password-current-password"
                input_type="password"
                autocomplete="current-password"
                error=error
            />
            <NewPasswordFields
                label=|l| td_string!(l, recovery.password)
                error=error
            />
            <SubmitButton label=td_string!(locale, settings.change_password)/>
        </EnhancedForm>
    }
}

/// The signed-in sessions, each with «Завершить», and «Завершить все
/// другие»; the page loads again after either.
#[component]
fn SessionList(list: Vec<SessionInfo>) -> impl IntoView {
    let locale = use_locale();
    let end_one = ServerAction::<EndSession>::new();
    let end_others = ServerAction::<EndOtherSessions>::new();
    let others = list.iter().filter(|s| !s.current).count();
    view! {
        <FormEnhancer>
            <ul class="sessions">
                {list.into_iter().map(|session| view! { <SessionItem session end_one/> }).collect_view()}
            </ul>
            {(others > 0).then(|| view! {
                <PostForm action=end_others then=Then::Reload>
                    <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                        {td_string!(locale, settings.end_others)}
                    </button>
                </PostForm>
            })}
        </FormEnhancer>
    }
}

#[component]
fn SessionItem(session: SessionInfo, end_one: ServerAction<EndSession>) -> impl IntoView {
    let locale = use_locale();
    let device = if session.device.is_empty() {
        td_string!(locale, settings.unknown_device).to_owned()
    } else {
        session.device.clone()
    };
    view! {
        <li class="session" class:current=session.current>
            <div>
                <strong>{device}</strong>
                {session.current.then(|| view! { <span class="badge">{td_string!(locale, settings.this_session)}</span> })}
                <p class="field-hint">
                    {td_string!(locale, settings.last_seen)} " " {session.last_seen.clone()} " · "
                    {td_string!(locale, settings.started)} " " {session.started.clone()} " · IP " {session.ip.clone()}
                </p>
            </div>
            {(!session.current).then(|| view! {
                <PostForm action=end_one then=Then::Reload>
                    <input type="hidden" name="session_id" value=session.id/>
                    <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                        {td_string!(locale, settings.end_session)}
                    </button>
                </PostForm>
            })}
        </li>
    }
}
