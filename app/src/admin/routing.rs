//! «Куда направляются заявки» (admin): which department each kind of
//! request goes to. A change applies to requests sent from then on; those
//! already sent stay in the queue they went to.

use crate::error::AppError;
use crate::forms::{action_error, FormError, PostForm, SuccessNotice, Then};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use crate::requests::kinds::RequestKind;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Each kind and the department (code) it goes to, and the departments.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Routing {
    /// Each kind with the code of the department that takes it.
    pub kinds: Vec<(RequestKind, String)>,
    /// `(code, name)`.
    pub departments: Vec<(String, String)>,
}

#[server(endpoint = "admin/routing/list")]
pub async fn request_routing() -> Result<Routing, AppError> {
    crate::context::reply(server::request_routing().await)
}

#[server(endpoint = "admin/routing/set")]
pub async fn set_kind_department(kind: String, department: String) -> Result<(), AppError> {
    crate::context::reply(server::set_kind_department(kind, department).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::Routing;
    use crate::context::{internal, require_staff, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::{departments, routing};
    use crate::domain::{Problem, StaffRole};
    use crate::error::AppError;
    use crate::requests::kinds::RequestKind;
    use crate::write_unit::WriteUnit;

    pub async fn request_routing() -> Result<Routing, AppError> {
        require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        // A stored kind this release does not know is an error to fix, not
        // a row to hide from the one person who could fix it.
        let kinds = routing::all(&context.db)
            .await?
            .into_iter()
            .map(|(kind, code)| match RequestKind::parse(&kind) {
                Some(known) => Ok((known, code)),
                None => Err(internal(format_args!(
                    "the routing of the unknown kind {kind}"
                ))),
            })
            .collect::<Result<_, AppError>>()?;
        let departments = departments::all(&context.db)
            .await?
            .into_iter()
            .map(|d| (d.code, d.name))
            .collect();
        Ok(Routing { kinds, departments })
    }

    pub async fn set_kind_department(kind: String, department: String) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let kind = RequestKind::parse(&kind).ok_or(AppError::NotFound)?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        let tx = &mut unit.tx;
        if !routing::set_department(tx, kind.as_str(), &department).await? {
            return Err(AppError::field("department", Problem::ChoiceInvalid));
        }
        let detail = format!("{}: {department}", kind.as_str());
        unit.audit(Action::RequestRouteChanged, None, &detail)
            .await?;
        unit.commit().await
    }
}

/// The department each kind of request goes to.
#[component]
pub fn RoutingCard() -> impl IntoView {
    let locale = use_locale();
    let routing = Resource::new(|| (), |_| request_routing());
    view! {
        <section class="card" aria-labelledby="routes-title">
            <h2 id="routes-title">{td_string!(locale, admin.routes)}</h2>
            <p class="field-hint">{td_string!(locale, admin.routes_hint)}</p>
            <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match routing.await {
                        Ok(routing) => view! { <RoutingForms routing/> }.into_any(),
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// One form per kind: the department it goes to, and «Сохранить».
#[component]
fn RoutingForms(routing: Routing) -> impl IntoView {
    let locale = use_locale();
    let save = ServerAction::<SetKindDepartment>::new();
    let error = action_error(save);
    let departments = routing.departments.clone();
    view! {
        <FormEnhancer>
        {routing
            .kinds
            .into_iter()
            .map(|(kind, current)| {
                let id = format!("route-{}", kind.as_str());
                let options = departments.clone();
                view! {
                    <PostForm action=save then=Then::Notice class="route">
                        <FormError error=error/>
                        <input type="hidden" name="kind" value=kind.as_str()/>
                        <label for=id.clone()>{kind.label(locale)}</label>
                        <select id=id name="department">
                            {options
                                .into_iter()
                                .map(|(code, name)| {
                                    let selected = code == current;
                                    view! { <option value=code selected=selected>{name}</option> }
                                })
                                .collect_view()}
                        </select>
                        <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                            {td_string!(locale, settings.save)}
                        </button>
                        <SuccessNotice text=td_string!(locale, settings.saved)/>
                    </PostForm>
                }
            })
            .collect_view()}
        </FormEnhancer>
    }
}
