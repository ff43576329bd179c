//! «Сотрудники» (admin): create staff accounts, set their roles and an
//! operator's departments, and disable an account — which ends its sessions
//! at once; and which department each kind of request goes to.

use crate::domain::StaffRole;
use crate::error::AppError;
use crate::forms::{
    action_error, labeller, Field, FormError, FormField, PostForm, SubmitButton, Then,
};
use crate::i18n::{td_string, Locale};
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A staff account as the page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: i64,
    pub login: String,
    pub full_name: String,
    pub roles: Vec<StaffRole>,
    pub departments: Vec<String>,
    pub disabled: bool,
}

/// A department an operator may work for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepartmentInfo {
    pub code: String,
    pub name: String,
}

/// Everything the page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffOverview {
    pub staff: Vec<StaffRow>,
    pub departments: Vec<DepartmentInfo>,
}

#[server(endpoint = "admin/staff/list")]
pub async fn load_staff_overview() -> Result<StaffOverview, AppError> {
    crate::context::reply(server::overview().await)
}

/// Checkboxes arrive as `roles[reception]=on`, `departments[radiology]=on`.
#[server(endpoint = "admin/staff/create")]
pub async fn create_staff(
    login: String,
    full_name: String,
    password: String,
    roles: Option<BTreeMap<String, String>>,
    departments: Option<BTreeMap<String, String>>,
) -> Result<(), AppError> {
    crate::context::reply(server::create(login, full_name, password, roles, departments).await)
}

#[server(endpoint = "admin/staff/update")]
pub async fn update_staff(
    staff_id: i64,
    roles: Option<BTreeMap<String, String>>,
    departments: Option<BTreeMap<String, String>>,
) -> Result<(), AppError> {
    crate::context::reply(server::update(staff_id, roles, departments).await)
}

#[server(endpoint = "admin/staff/disable")]
pub async fn disable_staff(staff_id: i64) -> Result<(), AppError> {
    crate::context::reply(server::disable(staff_id).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::DepartmentInfo;
    use super::{AppError, StaffOverview, StaffRow};
    use crate::account::rules::new_password_errors;
    use crate::context::{require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::sessions::{self, EndReason, Subject};
    use crate::db::{departments, staff};
    use crate::domain::{patient, FieldErrors, Login, PasswordContext, Problem, StaffRole};
    use crate::write_unit::WriteUnit;
    use std::collections::BTreeMap;

    fn checked(map: Option<BTreeMap<String, String>>) -> Vec<String> {
        map.unwrap_or_default().into_keys().collect()
    }

    /// The roles and department codes ticked, checked against what exists.
    async fn roles_and_departments(
        roles: Option<BTreeMap<String, String>>,
        departments: Option<BTreeMap<String, String>>,
        errors: &mut FieldErrors,
    ) -> Result<(Vec<StaffRole>, Vec<String>), AppError> {
        let context = server_context()?;
        let roles: Vec<StaffRole> = checked(roles)
            .iter()
            .filter_map(|name| StaffRole::parse(name))
            .collect();
        if roles.is_empty() {
            errors.add("roles", Problem::RoleRequired);
        }
        let known = departments::all(&context.db).await?;
        let codes: Vec<String> = checked(departments)
            .into_iter()
            .filter(|code| known.iter().any(|d| &d.code == code))
            .collect();
        Ok((roles, codes))
    }

    pub async fn overview() -> Result<StaffOverview, AppError> {
        require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let staff = staff::all(&context.db)
            .await?
            .into_iter()
            .map(|member| StaffRow {
                id: member.id,
                login: member.login,
                full_name: member.full_name,
                roles: member.roles,
                departments: member.departments,
                disabled: member.disabled,
            })
            .collect();
        let departments = departments::all(&context.db)
            .await?
            .into_iter()
            .map(|d| DepartmentInfo {
                code: d.code,
                name: d.name,
            })
            .collect();
        Ok(StaffOverview { staff, departments })
    }

    pub async fn create(
        login: String,
        full_name: String,
        password: String,
        roles: Option<BTreeMap<String, String>>,
        departments: Option<BTreeMap<String, String>>,
    ) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let mut errors = FieldErrors::new();
        let login = errors.check("login", Login::parse(&login));
        let full_name = errors.check("full_name", patient::required_text(&full_name, 200));
        let password_context = PasswordContext {
            login: login.as_ref().map_or("", Login::as_str),
            clinic_name: &context.clinic.name,
            temporary_password: None,
        };
        // The admin types the first password once and hands it over.
        errors.0.extend(
            new_password_errors(
                &password,
                &password,
                &password_context,
                "password",
                "password",
            )
            .0,
        );
        let (roles, codes) = roles_and_departments(roles, departments, &mut errors).await?;
        let (Some(login), Some(full_name)) = (login, full_name) else {
            return Err(errors.into());
        };
        errors.into_result()?;
        let password_hash = context
            .hasher
            .hash(crate::security::Secret::new(password))
            .await?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        let (tx, now) = (&mut unit.tx, unit.now);
        if staff::login_taken(tx, login.as_str()).await? {
            return Err(AppError::field("login", Problem::LoginTaken));
        }
        let id = staff::insert(
            tx,
            &staff::NewStaff {
                login: login.as_str(),
                full_name: &full_name,
                password_hash: &password_hash,
                roles: &[],
            },
            now,
        )
        .await?;
        staff::set_roles_and_departments(tx, id, &roles, &codes).await?;
        unit.audit(Action::StaffCreated, None, &format!("staff {id}"))
            .await?;
        unit.commit().await
    }

    pub async fn update(
        staff_id: i64,
        roles: Option<BTreeMap<String, String>>,
        departments: Option<BTreeMap<String, String>>,
    ) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let mut errors = FieldErrors::new();
        let (roles, codes) = roles_and_departments(roles, departments, &mut errors).await?;
        errors.into_result()?;
        if staff_id == admin.staff_id && !roles.contains(&StaffRole::Admin) {
            // Nobody locks themselves out of the staff list.
            return Err(AppError::field("roles", Problem::RoleRequired));
        }
        if staff::profile(&context.db, staff_id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        let tx = &mut unit.tx;
        staff::set_roles_and_departments(tx, staff_id, &roles, &codes).await?;
        unit.audit(
            Action::StaffChanged,
            None,
            &format!("staff {staff_id}: roles"),
        )
        .await?;
        unit.commit().await
    }

    pub async fn disable(staff_id: i64) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        if staff_id == admin.staff_id {
            return Err(AppError::Forbidden);
        }
        let context = server_context()?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        let (tx, now) = (&mut unit.tx, unit.now);
        if !staff::disable(tx, staff_id, now).await? {
            return Err(AppError::NotFound);
        }
        sessions::end_all_of(
            tx,
            Subject::Staff(staff_id),
            None,
            EndReason::AccountDisabled,
            now,
        )
        .await?;
        unit.audit(
            Action::StaffChanged,
            None,
            &format!("staff {staff_id}: disabled"),
        )
        .await?;
        unit.commit().await
    }
}

/// A role's name, as staff pages and a patient's «Журнал доступа» show it.
pub fn role_label(role: StaffRole, locale: Locale) -> &'static str {
    match role {
        StaffRole::Reception => td_string!(locale, admin.role_reception),
        StaffRole::Operator => td_string!(locale, admin.role_operator),
        StaffRole::Editor => td_string!(locale, admin.role_editor),
        StaffRole::Admin => td_string!(locale, admin.role_admin),
    }
}

/// Role and department checkboxes, ticked as `roles` and `departments` say.
#[component]
fn RoleChoices(
    roles: Vec<StaffRole>,
    departments: Vec<String>,
    all_departments: Vec<DepartmentInfo>,
    #[prop(into)] error: Signal<Option<AppError>>,
) -> impl IntoView {
    let locale = use_locale();
    let problem = move || error.get().and_then(|e| e.problem_of("roles"));
    view! {
        <fieldset class="choices">
            <legend>{td_string!(locale, admin.roles)}</legend>
            {StaffRole::ALL.into_iter().map(|role| view! {
                <label class="choice">
                    <input type="checkbox" name=format!("roles[{}]", role.as_str()) checked=roles.contains(&role)/>
                    {move || role_label(role, locale)}
                </label>
            }).collect_view()}
            <p class="field-error" id="roles-error" aria-live="polite">{move || problem().map(|p| p.message(locale))}</p>
        </fieldset>
        <fieldset class="choices">
            <legend>{td_string!(locale, admin.departments)}</legend>
            {all_departments.into_iter().map(|department| view! {
                <label class="choice">
                    <input type="checkbox" name=format!("departments[{}]", department.code) checked=departments.contains(&department.code)/>
                    {department.name}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let locale = use_locale();
    let overview = Resource::new(|| (), |_| load_staff_overview());
    view! {
        <h1 class="page-title">{td_string!(locale, admin.staff)}</h1>
        <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) => view! { <StaffManager overview/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
        <super::routing::RoutingCard/>
        <super::second_factor::StaffFactorCard/>
    }
}

/// The staff accounts with their roles and departments, «Отключить», and a
/// new account; the page loads again after each change.
#[component]
fn StaffManager(overview: StaffOverview) -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateStaff>::new();
    let update = ServerAction::<UpdateStaff>::new();
    let disable = ServerAction::<DisableStaff>::new();
    let create_error = action_error(create);
    let update_error = action_error(update);
    let label = labeller();
    let departments = overview.departments.clone();
    let sending = td_string!(locale, form.sending);
    view! {
        <FormEnhancer>
            <ul class="staff-list">
                {overview.staff.into_iter().map(|member| {
                    let all = departments.clone();
                    view! {
                        <li class="card staff-member" class:disabled=member.disabled>
                            <h2>{member.full_name.clone()} " "<span class="field-hint">{member.login.clone()}</span></h2>
                            {if member.disabled {
                                view! { <p class="badge">{td_string!(locale, admin.disabled)}</p> }.into_any()
                            } else {
                                view! {
                                    <PostForm action=update then=Then::Reload class="form">
                                        <FormError error=update_error/>
                                        <input type="hidden" name="staff_id" value=member.id/>
                                        <RoleChoices roles=member.roles.clone() departments=member.departments.clone() all_departments=all error=Signal::stored(None)/>
                                        <button type="submit" class="button" data-sending=sending>{td_string!(locale, admin.save_roles)}</button>
                                    </PostForm>
                                    <PostForm action=disable then=Then::Reload>
                                        <input type="hidden" name="staff_id" value=member.id/>
                                        <button type="submit" class="button" data-sending=sending>{td_string!(locale, admin.disable)}</button>
                                    </PostForm>
                                }
                                .into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <section class="card" aria-labelledby="new-staff-title">
                <h2 id="new-staff-title">{td_string!(locale, admin.new_staff)}</h2>
                <PostForm action=create then=Then::Reload class="form">
                    <FormError error=create_error/>
                    <Field field=FormField::optional("full_name", |l| td_string!(l, admin.full_name)) autocomplete="off" error=create_error/>
                    <Field field=FormField::optional("login", |l| td_string!(l, login.login)) autocomplete="off" error=create_error/>
                    <Field
                        field=FormField::optional("password", |l| td_string!(l, admin.first_password))
                        hint=label(|l| td_string!(l, new_password.hint))
                        input_type="text"
                        autocomplete="off"
                        error=create_error
                    />
                    <RoleChoices roles=Vec::new() departments=Vec::new() all_departments=departments error=create_error/>
                    <SubmitButton label=td_string!(locale, admin.create)/>
                </PostForm>
            </section>
        </FormEnhancer>
    }
}
