//! «Интеграция с МИС» (admin): the systems allowed to call the integration
//! API (`/api/v1`). A client's token is shown once, when it is made — only
//! its hash is kept — and can be revoked; the list shows when each was
//! last used.

use crate::error::AppError;
use crate::forms::{action_error, Field, FormError, FormField, PostForm, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A client as the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MisClientLine {
    pub id: i64,
    pub name: String,
    /// In the clinic's time.
    pub created: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

/// A new client's token, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMisClient {
    pub name: String,
    pub token: String,
}

#[server(endpoint = "admin/mis-clients/list")]
pub async fn mis_clients() -> Result<Vec<MisClientLine>, AppError> {
    crate::context::reply(server::mis_clients().await)
}

#[server(endpoint = "admin/mis-clients/create")]
pub async fn create_mis_client(name: String) -> Result<NewMisClient, AppError> {
    crate::context::reply(server::create_mis_client(name).await)
}

#[server(endpoint = "admin/mis-clients/revoke")]
pub async fn revoke_mis_client(client_id: i64) -> Result<(), AppError> {
    crate::context::reply(server::revoke_mis_client(client_id).await)
}

#[cfg(feature = "ssr")]
pub mod server {
    use super::{MisClientLine, NewMisClient};
    use crate::context::{require_staff, server_context, ServerContext};
    use crate::db::audit::{Action, Actor};
    use crate::db::mis_clients;
    use crate::domain::{patient::required_text, Problem, StaffRole};
    use crate::error::AppError;
    use crate::security::{new_session_token, token_hash, Secret};
    use crate::write_unit::WriteUnit;

    pub async fn mis_clients() -> Result<Vec<MisClientLine>, AppError> {
        require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let locale = crate::context::request_locale();
        let time = |at| context.clinic.local_time(at, locale);
        Ok(mis_clients::all(&context.db)
            .await?
            .into_iter()
            .map(|c| MisClientLine {
                id: c.id,
                name: c.name,
                created: time(c.created_at),
                last_used: c.last_used_at.map(time),
                revoked: c.revoked_at.map(time),
            })
            .collect())
    }

    /// A new client's token: `mis_` and 256 random bits in hex.
    fn new_token() -> Secret {
        Secret::new(format!("mis_{}", new_session_token().expose()))
    }

    /// Makes a client named `name` by `actor`: its token, to show once.
    pub async fn make_client(
        context: &ServerContext,
        actor: Actor,
        name: &str,
    ) -> Result<Secret, AppError> {
        let token = new_token();
        let created_by = match actor {
            Actor::Staff(id) => Some(id),
            _ => None,
        };
        let mut unit = WriteUnit::begin(context, actor).await?;
        mis_clients::insert(
            &mut unit.tx,
            name,
            &token_hash(token.expose()),
            created_by,
            unit.now,
        )
        .await?;
        unit.audit(Action::MisClientCreated, None, name).await?;
        unit.commit().await?;
        Ok(token)
    }

    pub async fn create_mis_client(name: String) -> Result<NewMisClient, AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let name = required_text(&name, 100).map_err(|problem| AppError::field("name", problem))?;
        let token = make_client(&context, Actor::Staff(admin.staff_id), &name).await?;
        Ok(NewMisClient {
            name,
            token: token.expose().to_owned(),
        })
    }

    pub async fn revoke_mis_client(client_id: i64) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let mut unit = WriteUnit::begin(&context, Actor::Staff(admin.staff_id)).await?;
        if !mis_clients::revoke(&mut unit.tx, client_id, unit.now).await? {
            return Err(AppError::form(Problem::ChoiceInvalid));
        }
        unit.audit(Action::MisClientRevoked, None, &client_id.to_string())
            .await?;
        unit.commit().await
    }
}

/// `/admin/integration`: the clients, «Отозвать», and a new client whose
/// token shows once in place of the form.
#[component]
pub fn IntegrationPage() -> impl IntoView {
    let locale = use_locale();
    let clients = Resource::new(|| (), |_| mis_clients());
    view! {
        <h1 class="page-title">{td_string!(locale, admin.integration)}</h1>
        <p class="lead">{td_string!(locale, admin.integration_intro)}</p>
        <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match clients.await {
                    Ok(clients) => view! { <ClientList clients/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ClientList(clients: Vec<MisClientLine>) -> impl IntoView {
    let locale = use_locale();
    let create = ServerAction::<CreateMisClient>::new();
    let revoke = ServerAction::<RevokeMisClient>::new();
    let create_error = action_error(create);
    let revoke_error = action_error(revoke);
    let sending = td_string!(locale, form.sending);
    let empty = clients.is_empty();
    view! {
        <FormEnhancer>
            <section class="card" aria-labelledby="clients-title">
                <h2 id="clients-title">{td_string!(locale, admin.mis_clients)}</h2>
                {empty.then(|| view! { <p>{td_string!(locale, admin.no_mis_clients)}</p> })}
                <ul class="plain-list">
                    {clients.into_iter().map(|client| {
                        let revoked = client.revoked.clone();
                        view! {
                            <li class="mis-client">
                                <strong>{client.name}</strong>
                                <span class="field-hint">
                                    {td_string!(locale, admin.created)} " " {client.created} " · "
                                    {td_string!(locale, admin.last_used)} " "
                                    {client.last_used.unwrap_or_else(|| td_string!(locale, admin.never_used).to_owned())}
                                </span>
                                {match revoked {
                                    Some(at) => view! {
                                        <p class="badge">{td_string!(locale, admin.revoked)} " " {at}</p>
                                    }.into_any(),
                                    None => view! {
                                        <PostForm action=revoke then=Then::Reload>
                                            <FormError error=revoke_error/>
                                            <input type="hidden" name="client_id" value=client.id/>
                                            <button type="submit" class="button" data-sending=sending>{td_string!(locale, admin.revoke)}</button>
                                        </PostForm>
                                    }.into_any(),
                                }}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
            <PostForm action=create then=Then::ShowOutput class="form card">
                <h2>{td_string!(locale, admin.new_mis_client)}</h2>
                <FormError error=create_error/>
                <Field field=FormField::optional("name", |l| td_string!(l, admin.mis_client_name)) autocomplete="off" error=create_error/>
                <SubmitButton label=td_string!(locale, admin.create)/>
            </PostForm>
            <section class="card slip" aria-labelledby="token-title" data-output hidden tabindex="-1">
                <h2 id="token-title">{td_string!(locale, admin.mis_token_title)} " " <span data-output-field="name"></span></h2>
                <p><code class="credential" data-output-field="token"></code></p>
                <p class="field-hint">{td_string!(locale, admin.shown_once)}</p>
                <p><a class="button" href="/admin/integration" rel="external">{td_string!(locale, admin.done)}</a></p>
            </section>
        </FormEnhancer>
    }
}
