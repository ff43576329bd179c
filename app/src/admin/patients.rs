//! Patients in the admin module: reception's list and search
//! (`/admin/patients`), and «Отключить Личный кабинет» (admin), which closes
//! a patient's cabinet account — every session of it ends at once and it
//! can no longer sign in. The patient and their records stay.
//!
//! «Отключить вход с кодом» (reception): for a patient who lost the phone
//! with their authenticator app and has no recovery code left, after
//! reception checked their identity in person. Audited, so the patient
//! sees it in «Журнал доступа», and mailed to them.

use crate::error::AppError;
use crate::forms::{
    action_error, CheckboxField, EnhancedForm, Field, FormError, FormField, SuccessNotice, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::pages::LoadFailed;
use leptos::prelude::*;

#[server(endpoint = "admin/patients/disable")]
pub async fn disable_cabinet(mis_patient_id: String) -> Result<(), AppError> {
    crate::context::reply(server::disable_cabinet(mis_patient_id).await)
}

/// Turns a patient's second step off; `identity_checked` is `on` when
/// reception ticked that they checked the patient's document.
#[server(endpoint = "admin/patients/second-factor/remove")]
pub async fn reset_second_factor(
    mis_patient_id: String,
    #[server(default)] identity_checked: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(
        server::reset_second_factor(mis_patient_id, identity_checked.is_some()).await,
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::context::{require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::sessions::{self, EndReason, Subject};
    use crate::db::{accounts, patients, second_factor};
    use crate::domain::{patient, Problem, StaffRole};
    use crate::mail;
    use crate::write_unit::WriteUnit;

    pub async fn disable_cabinet(mis_patient_id: String) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let mis_id = patient::mis_patient_id(&mis_patient_id)
            .map_err(|p| AppError::field("mis_patient_id", p))?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        let (tx, now) = (&mut unit.tx, unit.now);
        let Some(patient) = patients::by_mis_id(tx, &mis_id).await? else {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        };
        if !accounts::disable(tx, patient.id, now).await? {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        }
        sessions::end_all_of(
            tx,
            Subject::Patient(patient.id),
            None,
            EndReason::AccountDisabled,
            now,
        )
        .await?;
        unit.audit(Action::CabinetDisabled, Some(patient.id), "")
            .await?;
        unit.commit().await
    }

    pub async fn reset_second_factor(
        mis_patient_id: String,
        identity_checked: bool,
    ) -> Result<(), AppError> {
        let staff = require_staff(StaffRole::Reception)?;
        let context = server_context()?;
        let mis_id = patient::mis_patient_id(&mis_patient_id)
            .map_err(|p| AppError::field("mis_patient_id", p))?;
        if !identity_checked {
            return Err(AppError::field("identity_checked", Problem::Required));
        }
        // Read before the change begins: a read inside it could wait for
        // the connection it holds.
        let mut tx = context.db.begin_write().await?;
        let patient = patients::by_mis_id(&mut tx, &mis_id).await?;
        drop(tx);
        let Some(patient) = patient else {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        };
        let Some(account) = accounts::by_patient(&context.db, patient.id).await? else {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        };
        let mut unit = WriteUnit::begin(&context, Actor::Staff(staff.staff_id)).await?;
        // The app's code and every passkey: a patient who lost the phone
        // has lost both.
        let app = second_factor::remove(&mut unit.tx, Subject::Patient(patient.id)).await?;
        let keys = crate::db::passkeys::remove_all(&mut unit.tx, patient.id).await?;
        if !app && keys == 0 {
            return Err(AppError::field("mis_patient_id", Problem::SecondFactorOff));
        }
        if app {
            unit.audit(Action::SecondFactorRemoved, Some(patient.id), "reception")
                .await?;
        }
        if keys > 0 {
            unit.audit(Action::PasskeyRemoved, Some(patient.id), "")
                .await?;
        }
        let message = mail::second_factor_message(
            mail::locale_of(&account.locale),
            &account.address_as,
            mail::FactorChange::RemovedByReception,
            unit.now,
            &context.mail.public_url,
            &context.clinic,
        );
        unit.mail(&account.recovery_email, &message).await?;
        unit.commit().await
    }
}

/// «Отключить вход с кодом» (reception): by the patient's MIS id, once
/// their identity is checked.
#[component]
pub fn ResetSecondFactorForm() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<ResetSecondFactor>::new();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="reset-factor-title">
            <h2 id="reset-factor-title">{td_string!(locale, admin.reset_factor)}</h2>
            <p class="field-hint">{td_string!(locale, admin.reset_factor_hint)}</p>
            <EnhancedForm action=action then=Then::Notice class="form">
                <FormError error=error/>
                <Field
                    field=FormField::optional("mis_patient_id", |l| td_string!(l, admin.mis_patient_id))
                    id="reset-factor-mis-id"
                    autocomplete="off"
                    error=error
                />
                <CheckboxField
                    name="identity_checked"
                    label=td_string!(locale, admin.identity_checked)
                    error=error
                />
                <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                    {td_string!(locale, admin.reset_factor)}
                </button>
                <SuccessNotice text=td_string!(locale, admin.factor_reset)/>
            </EnhancedForm>
        </section>
    }
}

/// «Отключить Личный кабинет» (admin): by the patient's MIS id.
#[component]
pub fn DisableCabinetForm() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<DisableCabinet>::new();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="disable-cabinet-title">
            <h2 id="disable-cabinet-title">{td_string!(locale, admin.disable_cabinet)}</h2>
            <p class="field-hint">{td_string!(locale, admin.disable_cabinet_hint)}</p>
            <EnhancedForm action=action then=Then::Notice class="form">
                <FormError error=error/>
                <Field
                    field=FormField::optional("mis_patient_id", |l| td_string!(l, admin.mis_patient_id))
                    autocomplete="off"
                    error=error
                />
                <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                    {td_string!(locale, admin.disable_cabinet)}
                </button>
                <SuccessNotice text=td_string!(locale, admin.cabinet_disabled)/>
            </EnhancedForm>
        </section>
    }
}

/// A patient as reception's list shows them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PatientLine {
    pub mis_patient_id: String,
    pub full_name: String,
    pub birth_date: String,
    pub login: Option<String>,
    pub cabinet: CabinetState,
}

/// Where a patient's cabinet stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum CabinetState {
    None,
    AwaitingActivation,
    Active,
    Disabled,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PatientPage {
    pub lines: Vec<PatientLine>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// Reception's patient search: every part given must match.
#[server(endpoint = "admin/patients/list")]
pub async fn find_patients(
    #[server(default)] name: String,
    #[server(default)] birth_date: String,
    #[server(default)] mis_patient_id: String,
    #[server(default)] login: String,
    #[server(default)] page: String,
) -> Result<PatientPage, AppError> {
    crate::context::reply(
        search::find_patients(name, birth_date, mis_patient_id, login, page).await,
    )
}

#[cfg(feature = "ssr")]
mod search {
    use super::{CabinetState, PatientLine, PatientPage};

    /// Patients a list page shows.
    const PATIENT_PAGE_SIZE: i64 = 20;
    use crate::context::{require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::patients::{self, name_key, PatientSearch};
    use crate::domain::request::{day_text, page_number};
    use crate::domain::{login_key, patient, FieldErrors, StaffRole};
    use crate::error::AppError;
    use crate::write_unit::WriteUnit;

    pub async fn find_patients(
        name: String,
        birth_date: String,
        mis_patient_id: String,
        login: String,
        page: String,
    ) -> Result<PatientPage, AppError> {
        let staff = require_staff(StaffRole::Reception)?;
        let context = server_context()?;
        let mut errors = FieldErrors::new();
        let birth_date = match birth_date.trim() {
            "" => None,
            text => errors.check(
                "birth_date",
                patient::birth_date(text, context.clinic.local_date(context.clock.now())),
            ),
        };
        let page = errors.check("page", page_number(&page)).unwrap_or(1);
        errors.into_result()?;
        let text = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        let search = PatientSearch {
            name: text(&name).map(|n| name_key(&n)),
            birth_date,
            // Compared in upper case, as the queue's search does.
            mis_patient_id: text(&mis_patient_id).map(|id| id.to_uppercase()),
            login_key: text(&login).map(|l| login_key(&l)),
            limit: PATIENT_PAGE_SIZE,
            offset: (page - 1) * PATIENT_PAGE_SIZE,
        };
        let (rows, total) = patients::search(&context.db, &search, context.clock.now()).await?;
        // Each patient listed goes to their «Журнал доступа»; a list that
        // could not be recorded is not shown.
        if !rows.is_empty() {
            let mut unit = WriteUnit::begin(&context, Actor::Staff(staff.staff_id)).await?;
            for row in &rows {
                unit.audit(Action::PatientListed, Some(row.id), "").await?;
            }
            unit.commit().await?;
        }
        let locale = crate::context::request_locale();
        Ok(PatientPage {
            lines: rows
                .into_iter()
                .map(|row| PatientLine {
                    cabinet: match (&row.login, row.cabinet_disabled, row.awaiting_activation) {
                        (Some(_), true, _) => CabinetState::Disabled,
                        (Some(_), false, _) => CabinetState::Active,
                        (None, _, true) => CabinetState::AwaitingActivation,
                        (None, _, false) => CabinetState::None,
                    },
                    mis_patient_id: row.mis_patient_id,
                    full_name: row.full_name,
                    birth_date: day_text(row.birth_date, locale),
                    login: row.login,
                })
                .collect(),
            total,
            page,
            pages: ((total + PATIENT_PAGE_SIZE - 1) / PATIENT_PAGE_SIZE).max(1),
        })
    }
}

/// `/admin/patients`: reception finds a patient by name, birth date, MIS id
/// or login.
#[component]
pub fn PatientsPage() -> impl IntoView {
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let param = move |name: &'static str| {
        Memo::new(move |_| query.with(|q| q.get(name).unwrap_or_default()))
    };
    let (name, birth_date, mis_id, login, page) = (
        param("name"),
        param("birth_date"),
        param("mis_patient_id"),
        param("login"),
        param("page"),
    );
    let found = Resource::new(
        move || {
            (
                name.get(),
                birth_date.get(),
                mis_id.get(),
                login.get(),
                page.get(),
            )
        },
        |(name, birth_date, mis_id, login, page)| {
            find_patients(name, birth_date, mis_id, login, page)
        },
    );
    let cabinet_label = move |state: CabinetState| match state {
        CabinetState::None => td_string!(locale, admin.cabinet_none),
        CabinetState::AwaitingActivation => td_string!(locale, admin.cabinet_awaiting),
        CabinetState::Active => td_string!(locale, admin.cabinet_active),
        CabinetState::Disabled => td_string!(locale, admin.disabled),
    };
    view! {
        <h1 class="page-title">{td_string!(locale, admin.patients)}</h1>
        <form method="get" action="/admin/patients" class="filters">
            <div class="field">
                <label for="name">{td_string!(locale, admin.full_name)}</label>
                <input id="name" name="name" type="search" value=move || name.get()/>
            </div>
            <div class="field">
                <label for="birth_date">{td_string!(locale, admin.birth_date)}</label>
                <input id="birth_date" name="birth_date" type="date" value=move || birth_date.get()/>
            </div>
            <div class="field">
                <label for="mis_patient_id">{td_string!(locale, admin.mis_patient_id)}</label>
                <input id="mis_patient_id" name="mis_patient_id" value=move || mis_id.get()/>
            </div>
            <div class="field">
                <label for="login">{td_string!(locale, admin.login)}</label>
                <input id="login" name="login" value=move || login.get()/>
            </div>
            <button type="submit" class="button">{td_string!(locale, admin.search)}</button>
        </form>
        <Transition fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                let found = match found.await {
                    Ok(found) => found,
                    Err(error) => return view! { <LoadFailed error/> }.into_any(),
                };
                if found.lines.is_empty() {
                    return view! { <p class="empty">{td_string!(locale, admin.no_patients)}</p> }.into_any();
                }
                view! {
                    <p class="field-hint">{td_string!(locale, admin.found)} " " {found.total} " · " {found.page} " / " {found.pages}</p>
                    <table class="queue">
                        <thead>
                            <tr>
                                <th scope="col">{td_string!(locale, admin.full_name)}</th>
                                <th scope="col">{td_string!(locale, admin.birth_date)}</th>
                                <th scope="col">{td_string!(locale, admin.mis_patient_id)}</th>
                                <th scope="col">{td_string!(locale, admin.login)}</th>
                                <th scope="col">{td_string!(locale, admin.cabinet)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {found.lines.into_iter().map(|line| view! {
                                <tr>
                                    <td>{line.full_name.clone()}</td>
                                    <td class="numeric">{line.birth_date.clone()}</td>
                                    <td>{line.mis_patient_id.clone()}</td>
                                    <td>{line.login.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{move || cabinet_label(line.cabinet)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            })}
        </Transition>
    }
}
