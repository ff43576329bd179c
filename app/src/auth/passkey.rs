//! Passkeys at sign-in, and the ceremonies every passkey flow shares.
//!
//! A patient with a passkey signs in two ways:
//! - with the login and password, then the key as the second step (in
//!   place of, or beside, the code from an app);
//! - with the key alone, where the patient let that key do so: the device
//!   finds its key for the cabinet (a discoverable credential), unlocks it
//!   with a fingerprint, a face or its PIN, and signs the challenge.
//!
//! Both count toward the login's lockout like a password: a key whose
//! signature does not check out is a failed attempt, audited, and a locked
//! login refuses a key too.

use super::attempts::{attempt_failed, begin_attempt, Attempt, Failure};
use super::sign_in::{actor_of, open_session, waiting_second_step, AccountKind};
use crate::context::{
    limit_by_ip, request_meta, server_context, set_response_header, ServerContext,
};
use crate::db::accounts;
use crate::db::audit::{Action, Actor};
use crate::db::failures;
use crate::db::passkeys::{self, Ceremony, Purpose, StoredPasskey};
use crate::db::second_factor as factors;
use crate::db::sessions::Subject;
use crate::domain::{login_key, Problem};
use crate::error::AppError;
use crate::sections::settings::passkeys::PasskeyChallenge;
use crate::security::passkey::{credential_key, relying_party_of, CEREMONY_TIME};
use crate::security::{new_session_token, token_hash};
use crate::write_unit::WriteUnit;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyAuthentication, PublicKeyCredential, Webauthn,
};

/// The cabinet's relying party, or the reason there is none.
pub fn relying_party(context: &ServerContext) -> Result<Webauthn, AppError> {
    relying_party_of(&context.mail.public_url, &context.clinic.name)
        .ok_or_else(|| AppError::form(Problem::PasskeysUnavailable))
}

/// Keeps `ceremony` for its answer and hands the browser its token and
/// `challenge` (the options for `navigator.credentials`).
pub async fn begin_ceremony(
    context: &ServerContext,
    ceremony: &Ceremony,
    challenge: &impl serde::Serialize,
) -> Result<PasskeyChallenge, AppError> {
    let options = serde_json::to_string(challenge).map_err(crate::context::internal)?;
    let token = new_session_token();
    let now = context.clock.now();
    let time = chrono::Duration::from_std(CEREMONY_TIME).map_err(crate::context::internal)?;
    let mut tx = context.db.begin_write().await?;
    passkeys::begin_ceremony(
        &mut tx,
        &token_hash(token.expose()),
        ceremony,
        now,
        now + time,
    )
    .await?;
    tx.commit().await?;
    Ok(PasskeyChallenge {
        ceremony: token.expose().to_owned(),
        options,
    })
}

/// Takes the open ceremony of this token: it ends at once, whatever its
/// answer, so one challenge is answered once.
pub async fn take_ceremony(context: &ServerContext, token: &str) -> Result<Ceremony, AppError> {
    let mut tx = context.db.begin_write().await?;
    let ceremony =
        passkeys::take_ceremony(&mut tx, &token_hash(token), context.clock.now()).await?;
    tx.commit().await?;
    ceremony.ok_or_else(|| AppError::form(Problem::PasskeyExpired))
}

fn stored_key(key: &StoredPasskey) -> Result<Passkey, AppError> {
    serde_json::from_str(&key.passkey).map_err(crate::context::internal)
}

/// The challenge of a sign-in's second step: signed by one of the keys of
/// the account whose password this browser gave.
pub async fn begin_second_step() -> Result<PasskeyChallenge, AppError> {
    let context = server_context()?;
    limit_by_ip(&context, &request_meta()).await?;
    let webauthn = relying_party(&context)?;
    let expired = || AppError::form(Problem::SecondStepExpired);
    let Some(step) = waiting_second_step(AccountKind::Patient).await? else {
        return Err(expired());
    };
    let Subject::Patient(patient_id) = step.subject else {
        return Err(expired());
    };
    let keys = passkeys::of_patient(&context.db, patient_id)
        .await?
        .iter()
        .map(stored_key)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        return Err(AppError::form(Problem::PasskeyUnknown));
    }
    let (challenge, state) = webauthn
        .start_passkey_authentication(&keys)
        .map_err(crate::context::internal)?;
    let ceremony = Ceremony {
        purpose: Purpose::SecondStep,
        patient_id: Some(patient_id),
        second_step_id: Some(step.id),
        name: String::new(),
        signs_in_alone: false,
        state: serde_json::to_string(&state).map_err(crate::context::internal)?,
    };
    begin_ceremony(&context, &ceremony, &challenge).await
}

/// The challenge of a sign-in with a key alone: any key the device keeps
/// for the cabinet may sign it.
pub async fn begin_sign_in() -> Result<PasskeyChallenge, AppError> {
    let context = server_context()?;
    limit_by_ip(&context, &request_meta()).await?;
    let webauthn = relying_party(&context)?;
    let (mut challenge, state) = webauthn
        .start_discoverable_authentication()
        .map_err(crate::context::internal)?;
    // Asked when the patient presses the button, not offered in the login
    // field as webauthn-rs sets it up.
    challenge.mediation = None;
    let ceremony = Ceremony {
        purpose: Purpose::SignIn,
        patient_id: None,
        second_step_id: None,
        name: String::new(),
        signs_in_alone: false,
        state: serde_json::to_string(&state).map_err(crate::context::internal)?,
    };
    begin_ceremony(&context, &ceremony, &challenge).await
}

/// The device's answer to a sign-in's challenge, of either kind; the
/// answer is where to go next.
pub async fn sign_in(ceremony: String, credential: String) -> Result<String, AppError> {
    let context = server_context()?;
    limit_by_ip(&context, &request_meta()).await?;
    let webauthn = relying_party(&context)?;
    let ceremony = take_ceremony(&context, &ceremony).await?;
    // An answer that is not even a credential is nobody's attempt.
    let answer: PublicKeyCredential = serde_json::from_str(&credential)
        .map_err(|_| AppError::form(Problem::PasskeyNotAccepted))?;
    match ceremony.purpose {
        Purpose::SecondStep => second_step(&context, &webauthn, ceremony, answer).await,
        Purpose::SignIn => alone(&context, &webauthn, ceremony, answer).await,
        Purpose::Register => Err(AppError::form(Problem::PasskeyExpired)),
    }
}

/// The key as the second step of the sign-in this browser began.
async fn second_step(
    context: &ServerContext,
    webauthn: &Webauthn,
    ceremony: Ceremony,
    answer: PublicKeyCredential,
) -> Result<String, AppError> {
    let kind = AccountKind::Patient;
    let rules = kind.rules();
    let expired = || AppError::form(Problem::SecondStepExpired);
    let Some(step) = waiting_second_step(kind).await? else {
        return Err(expired());
    };
    let (Subject::Patient(patient_id), Some(true)) = (
        step.subject,
        ceremony.second_step_id.map(|id| id == step.id),
    ) else {
        return Err(expired());
    };
    let attempt = begin_attempt(
        context,
        rules.form,
        &step.login_key,
        Actor::Anonymous,
        Some(patient_id),
    )
    .await?;
    let state: PasskeyAuthentication =
        serde_json::from_str(&ceremony.state).map_err(crate::context::internal)?;
    let checked = webauthn.finish_passkey_authentication(&answer, &state).ok();
    let key = match &checked {
        Some(result) => passkeys::by_credential(&context.db, &credential_key(result.cred_id()))
            .await?
            .filter(|key| key.patient_id == patient_id),
        None => None,
    };
    let (Some(result), Some(key)) = (checked, key) else {
        return Err(refused(context, attempt, patient_id).await);
    };
    let account = accounts::by_patient(&context.db, patient_id).await?;
    let mut unit = WriteUnit::begin(context, actor_of(step.subject)).await?;
    note_use(&mut unit, &key, &result).await?;
    if !factors::end_step(&mut unit.tx, step.id, unit.now).await? {
        return Err(expired());
    }
    failures::clear(&mut unit.tx, rules.form, &step.login_key).await?;
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.clear_second_step_cookie(rules.cookie),
    );
    let meta = request_meta();
    open_session(context, kind, unit, step.subject, account, &meta, "passkey").await
}

/// A sign-in with a key alone: the key names its patient, whose login's
/// lockout it counts toward.
async fn alone(
    context: &ServerContext,
    webauthn: &Webauthn,
    ceremony: Ceremony,
    answer: PublicKeyCredential,
) -> Result<String, AppError> {
    let kind = AccountKind::Patient;
    let rules = kind.rules();
    let unknown = || AppError::form(Problem::PasskeyUnknown);
    let (handle, credential_id) = webauthn
        .identify_discoverable_authentication(&answer)
        .map_err(|_| unknown())?;
    let Some(key) = passkeys::by_credential(&context.db, &credential_key(credential_id))
        .await?
        .filter(|key| key.user_handle == handle.to_string())
    else {
        return Err(unknown());
    };
    let Some(account) = accounts::by_patient(&context.db, key.patient_id).await? else {
        return Err(unknown());
    };
    if !key.signs_in_alone {
        return Err(AppError::form(Problem::PasskeyNotAlone));
    }
    let login = login_key(&account.login);
    let attempt = begin_attempt(
        context,
        rules.form,
        &login,
        Actor::Anonymous,
        Some(key.patient_id),
    )
    .await?;
    let state: DiscoverableAuthentication =
        serde_json::from_str(&ceremony.state).map_err(crate::context::internal)?;
    let passkey = stored_key(&key)?;
    let Ok(result) = webauthn.finish_discoverable_authentication_v2(&answer, state, &passkey)
    else {
        return Err(refused(context, attempt, key.patient_id).await);
    };
    let subject = Subject::Patient(key.patient_id);
    let mut unit = WriteUnit::begin(context, actor_of(subject)).await?;
    note_use(&mut unit, &key, &result).await?;
    failures::clear(&mut unit.tx, rules.form, &login).await?;
    let meta = request_meta();
    open_session(
        context,
        kind,
        unit,
        subject,
        Some(account),
        &meta,
        "passkey_alone",
    )
    .await
}

/// Records a signature that did not check out as a failed attempt at the
/// patient's login (audited, and locking it at the limit); the error to
/// answer with.
async fn refused(context: &ServerContext, attempt: Attempt, patient_id: i64) -> AppError {
    let failure = Failure {
        failed: Action::PasskeyRefused,
        locked: Some(AccountKind::Patient.rules().locked),
        patient_id: Some(patient_id),
        detail: "passkey",
    };
    match attempt_failed(context, attempt, Actor::Anonymous, failure).await {
        Ok(()) => AppError::form(Problem::PasskeyNotAccepted),
        Err(error) => error,
    }
}

/// Keeps the key's new signature counter and when it was used.
async fn note_use(
    unit: &mut WriteUnit,
    key: &StoredPasskey,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<(), AppError> {
    let mut passkey = stored_key(key)?;
    passkey.update_credential(result);
    let record = serde_json::to_string(&passkey).map_err(crate::context::internal)?;
    passkeys::used(&mut unit.tx, key.id, &record, unit.now).await?;
    Ok(())
}

/// Whether the sign-in waiting in this browser can be confirmed with a
/// code from the app, and with a passkey.
pub async fn second_step_means() -> Result<(bool, bool), AppError> {
    let context = server_context()?;
    let Some(step) = waiting_second_step(AccountKind::Patient).await? else {
        return Ok((true, false));
    };
    let code = factors::totp_on(&context.db, step.subject).await?;
    let key = match step.subject {
        Subject::Patient(id) => passkeys::has_any(&context.db, id).await?,
        Subject::Staff(_) => false,
    };
    Ok((code, key))
}
