//! «Ключи доступа» in «Настройки»: passkeys (WebAuthn). A patient adds
//! one or more — the phone's fingerprint or face, a computer's PIN, a
//! security key — names each, and may let a key sign in alone, without the
//! password; otherwise a sign-in with the password asks for a key as its
//! second step. Adding and removing one needs the current password; every
//! change is audited and mailed to the recovery address.
//!
//! Adding a key takes two requests: the first checks the password and the
//! name and answers with a challenge ([`Then::Passkey`]); the page's
//! passkey script (`public/passkey.js`) asks the device to make a key for
//! it and sends the device's answer with the second form, which keeps the
//! key when its answer checks out. The challenge waits in the database,
//! for one answer only.

use super::second_factor::CurrentPassword;
use crate::error::AppError;
use crate::forms::{
    action_error, CheckboxField, Field, FormError, FormField, PostForm, SelectField, SubmitButton,
    Then,
};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One of the patient's keys, as «Настройки» lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyItem {
    pub id: i64,
    pub name: String,
    pub signs_in_alone: bool,
    pub added: String,
    /// When it last signed in; empty if never.
    pub last_used: String,
}

/// The card's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeysState {
    pub keys: Vec<PasskeyItem>,
    /// Whether the cabinet's address can have passkeys at all.
    pub available: bool,
}

/// A challenge for the device: the token that finds it again, and the
/// options for `navigator.credentials` (JSON, as webauthn-rs writes them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyChallenge {
    pub ceremony: String,
    pub options: String,
}

#[server(endpoint = "settings/passkeys")]
pub async fn load_passkeys() -> Result<PasskeysState, AppError> {
    crate::context::reply(server::state().await)
}

/// Checks the name and the current password; the answer is the challenge
/// the device makes a key for.
#[server(endpoint = "settings/passkeys/begin")]
pub async fn begin_passkey(
    passkey_name: String,
    current_password: String,
    #[server(default)] signs_in_alone: Option<String>,
) -> Result<PasskeyChallenge, AppError> {
    crate::context::reply(
        server::begin(passkey_name, current_password, signs_in_alone.is_some()).await,
    )
}

/// Keeps the key the device made, when its answer checks out.
#[server(endpoint = "settings/passkeys/add")]
pub async fn add_passkey(ceremony: String, credential: String) -> Result<(), AppError> {
    crate::context::reply(server::add(ceremony, credential).await)
}

/// Removes one of the patient's keys (needs the current password).
#[server(endpoint = "settings/passkeys/remove")]
pub async fn remove_passkey(
    #[server(default)] passkey: String,
    #[server(default)] current_password: String,
) -> Result<(), AppError> {
    crate::context::reply(server::remove(passkey, current_password).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::super::server::{account_of, check_current_password, tell_factor_change};
    use super::{PasskeyChallenge, PasskeyItem, PasskeysState};
    use crate::auth::passkey::{begin_ceremony, relying_party, take_ceremony};
    use crate::context::{current_patient, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::passkeys::{self, Ceremony, NewPasskey, Purpose};
    use crate::domain::{FieldErrors, Problem};
    use crate::error::AppError;
    use crate::mail::FactorChange;
    use crate::security::passkey::{credential_key, MAX_NAME_CHARS};
    use crate::write_unit::WriteUnit;
    use webauthn_rs::prelude::{
        CredentialID, Passkey, PasskeyRegistration, RegisterPublicKeyCredential, Uuid,
    };

    pub async fn state() -> Result<PasskeysState, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let locale = crate::context::request_locale();
        let shown = |at| context.clinic.local_time(at, locale);
        let keys = passkeys::listed(&context.db, patient.patient_id)
            .await?
            .into_iter()
            .map(|key| PasskeyItem {
                id: key.id,
                name: key.name,
                signs_in_alone: key.signs_in_alone,
                added: shown(key.created_at),
                last_used: key.last_used_at.map(shown).unwrap_or_default(),
            })
            .collect();
        Ok(PasskeysState {
            keys,
            available: relying_party(&context).is_ok(),
        })
    }

    pub async fn begin(
        name: String,
        current_password: String,
        signs_in_alone: bool,
    ) -> Result<PasskeyChallenge, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let name = name.trim().to_owned();
        let mut errors = FieldErrors::new();
        if name.is_empty() {
            errors.add("passkey_name", Problem::Required);
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.add("passkey_name", Problem::TooLong);
        }
        if current_password.is_empty() {
            errors.add("current_password", Problem::Required);
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let webauthn = relying_party(&context)?;
        let account = check_current_password(&context, &patient, &current_password).await?;
        let kept = passkeys::of_patient(&context.db, patient.patient_id).await?;
        // One handle for all of a patient's keys: a device then replaces
        // its key for the cabinet instead of keeping two.
        let handle = kept
            .first()
            .and_then(|key| Uuid::parse_str(&key.user_handle).ok())
            .unwrap_or_else(Uuid::new_v4);
        let exclude: Vec<CredentialID> = kept
            .iter()
            .filter_map(|key| serde_json::from_str::<Passkey>(&key.passkey).ok())
            .map(|key| key.cred_id().clone())
            .collect();
        let (challenge, state) = webauthn
            .start_passkey_registration(handle, &account.login, &account.address_as, Some(exclude))
            .map_err(crate::context::internal)?;
        // A key that can sign in alone must be found by the device without
        // a login: a discoverable one. (webauthn-rs asks for none, and
        // does not name the requirement's type outside its JSON.)
        let mut challenge = serde_json::to_value(&challenge).map_err(crate::context::internal)?;
        let selection = &mut challenge["publicKey"]["authenticatorSelection"];
        selection["residentKey"] = if signs_in_alone {
            "required"
        } else {
            "preferred"
        }
        .into();
        selection["requireResidentKey"] = signs_in_alone.into();
        let ceremony = Ceremony {
            purpose: Purpose::Register,
            patient_id: Some(patient.patient_id),
            second_step_id: None,
            name,
            signs_in_alone,
            state: serde_json::to_string(&(handle, state)).map_err(crate::context::internal)?,
        };
        begin_ceremony(&context, &ceremony, &challenge).await
    }

    pub async fn add(ceremony: String, credential: String) -> Result<(), AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let webauthn = relying_party(&context)?;
        let ceremony = take_ceremony(&context, &ceremony).await?;
        if ceremony.purpose != Purpose::Register || ceremony.patient_id != Some(patient.patient_id)
        {
            return Err(AppError::form(Problem::PasskeyExpired));
        }
        let not_accepted = || AppError::form(Problem::PasskeyNotAccepted);
        let (handle, state): (Uuid, PasskeyRegistration) =
            serde_json::from_str(&ceremony.state).map_err(crate::context::internal)?;
        let answer: RegisterPublicKeyCredential =
            serde_json::from_str(&credential).map_err(|error| {
                tracing::info!(%error, "a new passkey's answer is not a credential");
                not_accepted()
            })?;
        let key = webauthn
            .finish_passkey_registration(&answer, &state)
            .map_err(|error| {
                tracing::info!(%error, "a new passkey's answer did not check out");
                not_accepted()
            })?;
        let account = account_of(&context, &patient).await?;
        let stored = serde_json::to_string(&key).map_err(crate::context::internal)?;
        let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
        let added = passkeys::add(
            &mut unit.tx,
            &NewPasskey {
                patient_id: patient.patient_id,
                user_handle: &handle.to_string(),
                credential_id: &credential_key(key.cred_id()),
                name: &ceremony.name,
                passkey: &stored,
                signs_in_alone: ceremony.signs_in_alone,
            },
            unit.now,
        )
        .await?;
        if !added {
            return Err(AppError::form(Problem::PasskeyExists));
        }
        unit.audit(Action::PasskeyAdded, None, &ceremony.name)
            .await?;
        tell_factor_change(
            &context,
            &mut unit,
            &account,
            FactorChange::PasskeyAdded {
                name: &ceremony.name,
            },
        )
        .await?;
        unit.commit().await
    }

    pub async fn remove(passkey: String, current_password: String) -> Result<(), AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let mut errors = FieldErrors::new();
        let id = passkey.trim().parse::<i64>().ok();
        if id.is_none() {
            errors.add("passkey", Problem::Required);
        }
        if current_password.is_empty() {
            errors.add("current_password", Problem::Required);
        }
        let (Some(id), true) = (id, errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        let account = check_current_password(&context, &patient, &current_password).await?;
        let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
        let Some(name) = passkeys::remove(&mut unit.tx, patient.patient_id, id).await? else {
            return Err(AppError::field("passkey", Problem::ChoiceInvalid));
        };
        unit.audit(Action::PasskeyRemoved, None, &name).await?;
        tell_factor_change(
            &context,
            &mut unit,
            &account,
            FactorChange::PasskeyRemoved { name: &name },
        )
        .await?;
        unit.commit().await
    }
}

/// The page's passkey script: it talks to the device when a form asks.
#[component]
pub fn PasskeyScript() -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    view! { <script type="module" src="/passkey.js" nonce=nonce></script> }
}

/// What the passkey script writes into a form when the device said no,
/// in the page's language; the form's `data-passkey` says whether it makes
/// a key (`create`) or signs in with one (`get`).
#[component]
pub fn PasskeyForm<S>(
    action: ServerAction<S>,
    ceremony: &'static str,
    children: Children,
) -> impl IntoView
where
    S: leptos::server_fn::ServerFn + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
    S::Error: Clone + Send + Sync + 'static,
{
    let locale = use_locale();
    view! {
        <div
            class="passkey"
            data-passkey=ceremony
            data-passkey-failed=td_string!(locale, passkeys.device_refused)
            data-passkey-exists=td_string!(locale, passkeys.device_has_key)
            hidden
        >
            <PostForm action then=Then::Passkey class="form">
                {children()}
            </PostForm>
        </div>
    }
}

/// The second form of a passkey's ceremony: the device's answer, sent by
/// the passkey script; the form shows only its mistakes.
#[component]
pub fn PasskeyAnswerForm<S>(action: ServerAction<S>, then: Then) -> impl IntoView
where
    S: leptos::server_fn::ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let error = action_error(action);
    view! {
        <PostForm action then>
            <FormError error=error/>
            <input type="hidden" name="ceremony" value=""/>
            <input type="hidden" name="credential" value=""/>
        </PostForm>
    }
}

/// Shown until the passkey script found the browser able to use passkeys.
#[component]
pub fn PasskeyNote() -> impl IntoView {
    let locale = use_locale();
    view! { <p class="field-hint" data-passkey-note>{td_string!(locale, passkeys.needs_browser)}</p> }
}

/// The card: the patient's keys, a form to add one and one to remove one.
#[component]
pub fn PasskeysCard() -> impl IntoView {
    let locale = use_locale();
    let state = Resource::new(|| (), |_| load_passkeys());
    view! {
        <section class="card" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">{td_string!(locale, passkeys.title)}</h2>
            <p class="field-hint">{td_string!(locale, passkeys.hint)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(state) => view! { <PasskeysForms state/> }.into_any(),
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PasskeysForms(state: PasskeysState) -> impl IntoView {
    let locale = use_locale();
    if !state.available {
        return view! { <p class="notice">{td_string!(locale, passkeys.unavailable)}</p> }
            .into_any();
    }
    let begin = ServerAction::<BeginPasskey>::new();
    let add = ServerAction::<AddPasskey>::new();
    let remove = ServerAction::<RemovePasskey>::new();
    let begin_error = action_error(begin);
    let remove_error = action_error(remove);
    let choices: Vec<(String, String)> = state
        .keys
        .iter()
        .map(|key| (key.id.to_string(), key.name.clone()))
        .collect();
    let has_keys = !state.keys.is_empty();
    view! {
        {if has_keys {
            view! { <PasskeyList keys=state.keys/> }.into_any()
        } else {
            view! { <p>{td_string!(locale, passkeys.none)}</p> }.into_any()
        }}
        <PasskeyScript/>
        <PasskeyNote/>
        <FormEnhancer>
            <PasskeyForm action=begin ceremony="create">
                <h3>{td_string!(locale, passkeys.add_title)}</h3>
                <FormError error=begin_error/>
                <Field
                    field=FormField::optional("passkey_name", |l| td_string!(l, passkeys.name))
                    hint=td_string!(locale, passkeys.name_hint)
                    error=begin_error
                />
                <CheckboxField
                    name="signs_in_alone"
                    label=td_string!(locale, passkeys.alone)
                    error=begin_error
                />
                <CurrentPassword error=begin_error staff=false id="passkey-add-password"/>
                <SubmitButton label=td_string!(locale, passkeys.add)/>
            </PasskeyForm>
            <PasskeyAnswerForm action=add then=Then::Reload/>
        </FormEnhancer>
        {has_keys.then(|| view! {
            <FormEnhancer>
                <h3>{td_string!(locale, passkeys.remove_title)}</h3>
                <PostForm action=remove then=Then::Reload class="form">
                    <FormError error=remove_error/>
                    <SelectField
                        field=FormField::optional("passkey", |l| td_string!(l, passkeys.which))
                        options=choices
                        error=remove_error
                    />
                    <CurrentPassword error=remove_error staff=false id="passkey-remove-password"/>
                    <SubmitButton label=td_string!(locale, passkeys.remove)/>
                </PostForm>
            </FormEnhancer>
        })}
    }
    .into_any()
}

#[component]
fn PasskeyList(keys: Vec<PasskeyItem>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <ul class="sessions passkey-list">
            {keys
                .into_iter()
                .map(|key| {
                    let used = if key.last_used.is_empty() {
                        td_string!(locale, passkeys.never_used).to_owned()
                    } else {
                        format!("{} {}", td_string!(locale, passkeys.last_used), key.last_used)
                    };
                    view! {
                        <li class="session">
                            <div>
                                <strong>{key.name}</strong>
                                {key.signs_in_alone.then(|| view! {
                                    <span class="badge">{td_string!(locale, passkeys.signs_in_alone)}</span>
                                })}
                                <p class="field-hint">
                                    {td_string!(locale, passkeys.added)} " " {key.added} ". " {used} "."
                                </p>
                            </div>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
