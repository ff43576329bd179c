//! The second step for staff. Every staff member sets up theirs on
//! `/admin/second-factor` (the patient's card from «Настройки»). In
//! «Сотрудники» an admin requires it of every staff account — a staff
//! member without one is then sent to set it up before anything else,
//! and every staff server function refuses them meanwhile — and turns off
//! the one of a staff member who lost their phone.

use crate::clinic::page_context;
use crate::error::AppError;
use crate::forms::{
    action_error, CheckboxField, EnhancedForm, Field, FormError, FormField, SuccessNotice, Then,
};
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::sections::settings::SecondFactorCard;
use leptos::prelude::*;

/// Where a staff member sets up their second step.
pub const SECOND_FACTOR_PATH: &str = "/admin/second-factor";

/// Requires a second step of every staff member (`required` is `on`), or
/// stops requiring it.
#[server(endpoint = "admin/staff/second-factor-policy")]
pub async fn set_staff_factor_policy(
    #[server(default)] required: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(server::set_policy(required.is_some()).await)
}

/// Whether the clinic requires a second step of every staff member.
#[server(endpoint = "admin/staff/second-factor-policy/get")]
pub async fn staff_factor_policy() -> Result<bool, AppError> {
    crate::context::reply(server::policy().await)
}

/// Turns off the second step of the staff member with this login.
#[server(endpoint = "admin/staff/second-factor/remove")]
pub async fn reset_staff_factor(login: String) -> Result<(), AppError> {
    crate::context::reply(server::reset(login).await)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::context::{require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::second_factor as factors;
    use crate::db::sessions::Subject;
    use crate::db::staff;
    use crate::domain::{login_key, Problem, StaffRole};
    use crate::error::AppError;
    use crate::write_unit::WriteUnit;

    pub async fn policy() -> Result<bool, AppError> {
        require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        Ok(factors::staff_required(&context.db).await?)
    }

    pub async fn set_policy(required: bool) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        // The rule applies to the admin too: turned on without their own
        // second step, it would shut them out of this very page.
        if required
            && !factors::has_second_step(&context.db, Subject::Staff(admin.staff_id)).await?
        {
            return Err(AppError::field("required", Problem::OwnSecondFactorFirst));
        }
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        factors::set_staff_required(&mut unit.tx, required).await?;
        let detail = if required {
            "second factor required"
        } else {
            "second factor optional"
        };
        unit.audit(Action::StaffChanged, None, detail).await?;
        unit.commit().await
    }

    pub async fn reset(login: String) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let Some(member) = staff::credentials(&context.db, &login_key(&login)).await? else {
            return Err(AppError::field("login", Problem::StaffLoginUnknown));
        };
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        if !factors::remove(&mut unit.tx, Subject::Staff(member.id)).await? {
            return Err(AppError::field("login", Problem::SecondFactorOff));
        }
        let detail = format!("staff {}", member.id);
        unit.audit(Action::SecondFactorRemoved, None, &detail)
            .await?;
        unit.commit().await
    }
}

/// `/admin/second-factor`: the staff member's own second step, and why
/// they were sent here when the clinic requires it.
#[component]
pub fn AdminSecondFactorPage() -> impl IntoView {
    let locale = use_locale();
    let required = page_context()
        .staff
        .is_some_and(|staff| staff.needs_second_factor);
    view! {
        <h1 class="page-title">{td_string!(locale, second_factor.title)}</h1>
        {required.then(|| view! {
            <p class="notice" role="status">{td_string!(locale, admin.factor_required_notice)}</p>
        })}
        <SecondFactorCard staff=true/>
    }
}

/// In «Сотрудники»: the requirement, and turning off a staff member's
/// second step.
#[component]
pub fn StaffFactorCard() -> impl IntoView {
    let locale = use_locale();
    let policy = Resource::new(|| (), |_| staff_factor_policy());
    let set = ServerAction::<SetStaffFactorPolicy>::new();
    let reset = ServerAction::<ResetStaffFactor>::new();
    let set_error = action_error(set);
    let reset_error = action_error(reset);
    view! {
        <section class="card" aria-labelledby="staff-factor-title">
            <h2 id="staff-factor-title">{td_string!(locale, admin.staff_factor_title)}</h2>
            <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    let required = policy.await.unwrap_or(false);
                    view! {
                        <EnhancedForm action=set then=Then::Notice class="form">
                            <FormError error=set_error/>
                            <CheckboxField
                                name="required"
                                label=td_string!(locale, admin.staff_factor_required)
                                checked=required
                                error=set_error
                            />
                            <p class="field-hint">{td_string!(locale, admin.staff_factor_hint)}</p>
                            <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                                {td_string!(locale, settings.save)}
                            </button>
                            <SuccessNotice text=td_string!(locale, settings.saved)/>
                        </EnhancedForm>
                    }
                })}
            </Suspense>
            <h3>{td_string!(locale, admin.reset_factor)}</h3>
            <p class="field-hint">{td_string!(locale, admin.reset_staff_factor_hint)}</p>
            <EnhancedForm action=reset then=Then::Notice class="form">
                <FormError error=reset_error/>
                <Field
                    field=FormField::optional("login", |l| td_string!(l, login.login))
                    id="reset-factor-login"
                    autocomplete="off"
                    error=reset_error
                />
                <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                    {td_string!(locale, admin.reset_factor)}
                </button>
                <SuccessNotice text=td_string!(locale, admin.staff_factor_reset)/>
            </EnhancedForm>
        </section>
    }
}
