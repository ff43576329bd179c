//! «Журнал доступа» (`/access-log`, linked from «Настройки»): who opened the
//! patient's data — staff by name and role or department (never their
//! login), the MIS by its client's name — and every sign-in to the cabinet
//! and refused attempt, with the device and IP, in the clinic's time;
//! newest first, a page at a time, for a chosen period. It reads the audit
//! log, which nobody can change, and only the rows about this patient.

use crate::domain::StaffRole;
use crate::error::AppError;
use crate::forms::{Field, FormField};
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The page's address.
pub const ACCESS_LOG_PATH: &str = "/access-log";

/// Who acted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Who {
    /// The patient, signed in.
    You,
    /// Someone not signed in, typing the patient's login.
    Unknown,
    Staff {
        name: String,
        roles: Vec<StaffRole>,
        /// The departments an operator works for, by name.
        departments: Vec<String>,
    },
    /// A client of the integration API, by its name.
    Mis { client: String },
}

/// What they did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum What {
    SignedIn,
    SignInFailed,
    SecondStepFailed,
    SignInLocked,
    RefusedWhileLocked,
    Activated,
    PasswordRecovered,
    RequestViewed,
    RequestTaken,
    RequestStatusChanged,
    FileAdded,
    FileDownloaded,
    RequestsRead,
    ListedInSearch,
    CredentialsIssued,
    CabinetDisabled,
    SecondFactorAdded,
    SecondFactorRemoved,
    RecoveryCodesRenewed,
    PasskeyAdded,
    PasskeyRemoved,
    PasskeyRefused,
    /// Anything else done with the patient's data.
    Other,
}

impl What {
    /// The audit log's action, as stored.
    pub fn of_action(action: &str) -> What {
        match action {
            "signed_in" => What::SignedIn,
            "sign_in_failed" => What::SignInFailed,
            "second_step_failed" => What::SecondStepFailed,
            "sign_in_locked" => What::SignInLocked,
            "attempt_refused_locked" => What::RefusedWhileLocked,
            "activated" => What::Activated,
            "password_recovered" => What::PasswordRecovered,
            "request_viewed" => What::RequestViewed,
            "request_assigned" => What::RequestTaken,
            "request_status_changed" => What::RequestStatusChanged,
            "attachment_added" => What::FileAdded,
            "attachment_downloaded" => What::FileDownloaded,
            "mis_requests_read" => What::RequestsRead,
            "patient_listed" => What::ListedInSearch,
            "temporary_credentials_issued" => What::CredentialsIssued,
            "cabinet_disabled" => What::CabinetDisabled,
            "second_factor_added" => What::SecondFactorAdded,
            "second_factor_removed" => What::SecondFactorRemoved,
            "factor_recovery_codes_renewed" => What::RecoveryCodesRenewed,
            "passkey_added" => What::PasskeyAdded,
            "passkey_removed" => What::PasskeyRemoved,
            "passkey_refused" => What::PasskeyRefused,
            _ => What::Other,
        }
    }

    /// A sign-in or an attempt at one: shown with its device and IP.
    pub fn is_sign_in(self) -> bool {
        matches!(
            self,
            What::SignedIn
                | What::SignInFailed
                | What::SecondStepFailed
                | What::PasskeyRefused
                | What::SignInLocked
                | What::RefusedWhileLocked
                | What::Activated
                | What::PasswordRecovered
        )
    }

    /// What a row names: the requests — the number before `": "` in the
    /// request actions' detail, the list of numbers the MIS read — or the
    /// passkey, by the name its owner gave it.
    pub fn subject_of(self, detail: &str) -> String {
        match self {
            What::RequestViewed
            | What::RequestTaken
            | What::RequestStatusChanged
            | What::FileAdded
            | What::FileDownloaded => detail.split(": ").next().unwrap_or("").to_owned(),
            What::RequestsRead | What::PasskeyAdded | What::PasskeyRemoved => detail.to_owned(),
            _ => String::new(),
        }
    }

    fn label(self, locale: Locale) -> &'static str {
        match self {
            What::SignedIn => td_string!(locale, access_log.signed_in),
            What::SignInFailed => td_string!(locale, access_log.sign_in_failed),
            What::SecondStepFailed => td_string!(locale, access_log.second_step_failed),
            What::SignInLocked => td_string!(locale, access_log.sign_in_locked),
            What::RefusedWhileLocked => td_string!(locale, access_log.refused_while_locked),
            What::Activated => td_string!(locale, access_log.activated),
            What::PasswordRecovered => td_string!(locale, access_log.password_recovered),
            What::RequestViewed => td_string!(locale, access_log.request_viewed),
            What::RequestTaken => td_string!(locale, access_log.request_taken),
            What::RequestStatusChanged => td_string!(locale, access_log.request_status_changed),
            What::FileAdded => td_string!(locale, access_log.file_added),
            What::FileDownloaded => td_string!(locale, access_log.file_downloaded),
            What::RequestsRead => td_string!(locale, access_log.requests_read),
            What::ListedInSearch => td_string!(locale, access_log.listed_in_search),
            What::CredentialsIssued => td_string!(locale, access_log.credentials_issued),
            What::CabinetDisabled => td_string!(locale, access_log.cabinet_disabled),
            What::SecondFactorAdded => td_string!(locale, access_log.second_factor_added),
            What::SecondFactorRemoved => td_string!(locale, access_log.second_factor_removed),
            What::RecoveryCodesRenewed => td_string!(locale, access_log.recovery_codes_renewed),
            What::PasskeyAdded => td_string!(locale, access_log.passkey_added),
            What::PasskeyRemoved => td_string!(locale, access_log.passkey_removed),
            What::PasskeyRefused => td_string!(locale, access_log.passkey_refused),
            What::Other => td_string!(locale, access_log.other),
        }
    }
}

/// One line of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessEntry {
    /// In the clinic's time.
    pub at: String,
    pub who: Who,
    pub what: What,
    /// The request numbers it concerns, if any.
    pub subject: String,
    /// For sign-ins: «Chrome, Android» (empty when the browser did not say).
    pub device: String,
    /// For sign-ins.
    pub ip: String,
}

/// A page of the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogPage {
    pub entries: Vec<AccessEntry>,
    /// Where the next, earlier page starts; `None` on the last.
    pub earlier: Option<i64>,
}

/// The patient's log for the period `from`–`to` (dates, both included;
/// either may be empty), before the entry `before` (empty: the newest).
#[server(endpoint = "access-log")]
pub async fn my_access_log(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] before: String,
) -> Result<AccessLogPage, AppError> {
    crate::context::reply(server::my_access_log(from, to, before).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{AccessEntry, AccessLogPage, What, Who};
    use crate::context::{current_patient, request_locale, server_context};
    use crate::db::audit::{self, AccessQuery};
    use crate::db::staff;
    use crate::domain::request::filter_date;
    use crate::domain::{device_label, FieldErrors, Problem};
    use crate::error::AppError;
    use chrono::{DateTime, Days, Utc};
    use std::collections::HashMap;

    /// Entries a page shows.
    const ACCESS_LOG_PAGE_SIZE: usize = 50;

    pub async fn my_access_log(
        from: String,
        to: String,
        before: String,
    ) -> Result<AccessLogPage, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let mut errors = FieldErrors::new();
        let first_day = errors.check("from", filter_date(&from)).flatten();
        let last_day = errors.check("to", filter_date(&to)).flatten();
        if let (Some(first), Some(last)) = (first_day, last_day) {
            if last < first {
                errors.add("to", Problem::PeriodReversed);
            }
        }
        let before_id = match before.trim() {
            "" => None,
            text => errors.check(
                "before",
                text.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or(Problem::ChoiceInvalid),
            ),
        };
        errors.into_result()?;

        let clinic = &context.clinic;
        let since = first_day.map_or(DateTime::<Utc>::UNIX_EPOCH, |d| clinic.day_starts(d));
        let until = match last_day.and_then(|d| d.checked_add_days(Days::new(1))) {
            Some(next) => clinic.day_starts(next),
            // Later than anything recorded, whatever the clock says.
            None => context.clock.now() + chrono::Duration::days(36_500),
        };
        let mut rows = audit::access_log(
            &context.db,
            &AccessQuery {
                patient_id: patient.patient_id,
                since,
                until,
                before_id,
                limit: ACCESS_LOG_PAGE_SIZE as i64 + 1,
            },
        )
        .await?;
        let earlier =
            (rows.len() > ACCESS_LOG_PAGE_SIZE).then(|| rows[ACCESS_LOG_PAGE_SIZE - 1].id);
        rows.truncate(ACCESS_LOG_PAGE_SIZE);

        let mut staff_units = HashMap::new();
        for id in rows.iter().filter_map(|row| row.actor_staff_id) {
            if let std::collections::hash_map::Entry::Vacant(place) = staff_units.entry(id) {
                place.insert(staff::roles_and_departments(&context.db, id).await?);
            }
        }
        let locale = request_locale();
        let entries = rows
            .into_iter()
            .map(|row| {
                let what = What::of_action(&row.action);
                let who = match (row.actor_staff_id, row.mis_client, row.actor_patient_id) {
                    (Some(id), _, _) => {
                        let (roles, departments) =
                            staff_units.get(&id).cloned().unwrap_or_default();
                        Who::Staff {
                            name: row.staff_name.unwrap_or_default(),
                            roles,
                            departments,
                        }
                    }
                    (None, Some(client), _) => Who::Mis { client },
                    (None, None, Some(actor)) if actor == patient.patient_id => Who::You,
                    (None, None, _) => Who::Unknown,
                };
                let sign_in = what.is_sign_in();
                AccessEntry {
                    at: clinic.local_time(row.at, locale),
                    subject: what.subject_of(&row.detail),
                    device: if sign_in {
                        device_label(&row.user_agent)
                    } else {
                        String::new()
                    },
                    ip: if sign_in { row.ip } else { String::new() },
                    who,
                    what,
                }
            })
            .collect();
        Ok(AccessLogPage { entries, earlier })
    }
}

/// `/access-log`: the period filter (a GET form: it works before the wasm
/// loads, and the address keeps it), the entries, «Показать более ранние».
#[component]
pub fn AccessLogPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let param = move |name: &'static str| {
        Memo::new(move |_| query.with(|q| q.get(name).unwrap_or_default()))
    };
    let (from, to, before) = (param("from"), param("to"), param("before"));
    let log = Resource::new(
        move || (from.get(), to.get(), before.get()),
        |(from, to, before)| my_access_log(from, to, before),
    );
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, access_log.title))/>
        <p>{td_string!(locale, access_log.intro)}</p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let loaded = log.await;
                let field_error = loaded
                    .as_ref()
                    .err()
                    .filter(|e| ["from", "to", "before"].iter().any(|f| e.problem_of(f).is_some()))
                    .cloned();
                let filter = view! {
                    <PeriodFilter from=from.get_untracked() to=to.get_untracked() error=field_error.clone()/>
                };
                let body = match loaded {
                    Ok(page) => view! {
                        <Entries page from=from.get_untracked() to=to.get_untracked() first=before.get_untracked().is_empty()/>
                    }
                    .into_any(),
                    Err(_) if field_error.is_some() => ().into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                };
                view! { {filter} {body} }
            })}
        </Suspense>
    }
}

#[component]
fn PeriodFilter(from: String, to: String, error: Option<AppError>) -> impl IntoView {
    let locale = use_locale();
    let error = Signal::stored(error);
    view! {
        <form method="get" action=ACCESS_LOG_PATH class="filters">
            <Field
                field=FormField::optional("from", |l| td_string!(l, access_log.from))
                input_type="date"
                value=from
                error=error
            />
            <Field
                field=FormField::optional("to", |l| td_string!(l, access_log.to))
                input_type="date"
                value=to
                error=error
            />
            <button type="submit" class="button">{td_string!(locale, access_log.show)}</button>
        </form>
    }
}

/// The address of a page of the log for the same period.
fn page_href(from: &str, to: &str, before: Option<i64>) -> String {
    let mut href = format!("{ACCESS_LOG_PATH}?from={from}&to={to}");
    if let Some(id) = before {
        href.push_str(&format!("&before={id}"));
    }
    href
}

#[component]
fn Entries(page: AccessLogPage, from: String, to: String, first: bool) -> impl IntoView {
    let locale = use_locale();
    if page.entries.is_empty() {
        return view! { <p class="empty">{td_string!(locale, access_log.none)}</p> }.into_any();
    }
    let earlier = page.earlier.map(|id| page_href(&from, &to, Some(id)));
    let newest = (!first).then(|| page_href(&from, &to, None));
    view! {
        <ol class="access-log">
            {page.entries.into_iter().map(|entry| view! { <EntryItem entry/> }).collect_view()}
        </ol>
        <p class="pager">
            {newest.map(|href| view! { <a href=href>{td_string!(locale, access_log.newest)}</a> " " })}
            {earlier.map(|href| view! { <a class="button" href=href>{td_string!(locale, access_log.earlier)}</a> })}
        </p>
    }
    .into_any()
}

fn who_text(who: &Who, locale: Locale) -> String {
    match who {
        Who::You => td_string!(locale, access_log.you).to_owned(),
        Who::Unknown => td_string!(locale, access_log.unknown).to_owned(),
        Who::Mis { client } => format!("{} «{client}»", td_string!(locale, access_log.mis)),
        Who::Staff {
            name,
            roles,
            departments,
        } => {
            let unit: Vec<&str> = if departments.is_empty() {
                roles
                    .iter()
                    .map(|role| crate::admin::role_label(*role, locale))
                    .collect()
            } else {
                departments.iter().map(String::as_str).collect()
            };
            if unit.is_empty() {
                name.clone()
            } else {
                format!("{name} ({})", unit.join(", "))
            }
        }
    }
}

#[component]
fn EntryItem(entry: AccessEntry) -> impl IntoView {
    let locale = use_locale();
    let stranger = entry.who == Who::Unknown;
    let device = match (entry.what.is_sign_in(), entry.device.is_empty()) {
        (false, _) => None,
        (true, true) => Some(td_string!(locale, settings.unknown_device).to_owned()),
        (true, false) => Some(entry.device.clone()),
    };
    view! {
        <li class="access-entry" class:stranger=stranger>
            <p class="access-when">{entry.at.clone()}</p>
            <p>
                <strong>{who_text(&entry.who, locale)}</strong>
                " — " {entry.what.label(locale)}
                {(!entry.subject.is_empty()).then(|| view! { " " <span class="request-number">{entry.subject.clone()}</span> })}
            </p>
            {device.map(|device| view! {
                <p class="field-hint">{device} " · IP " {entry.ip.clone()}</p>
            })}
        </li>
    }
}
