//! The server side of «Настройки»: the account, the sessions, and the
//! changes that need the current password.

use super::{AccountDetails, AppError, SessionInfo};
use crate::account::password::set_new_password;
use crate::account::rules::new_password_errors;
use crate::auth::sign_in::{self, AccountKind};
use crate::auth::PatientSession;
use crate::context::{current_patient, refuse_patient, server_context, ServerContext};
use crate::db::accounts::{self, PatientAccount};
use crate::db::audit::{Action, Actor};
use crate::db::sessions::{self, EndReason, Subject};
use crate::db::{patients, recovery};
use crate::domain::{device_label, AddressAs, Email, FieldErrors, PasswordContext, Problem};
use crate::mail::{self, locale_of, FactorChange, PasswordChange};
use crate::security::Secret;
use crate::write_unit::WriteUnit;

pub(super) async fn account_of(
    context: &ServerContext,
    patient: &PatientSession,
) -> Result<PatientAccount, AppError> {
    accounts::by_patient(&context.db, patient.patient_id)
        .await?
        .ok_or(AppError::Unauthorized)
}

/// The current password must be right to change the recovery e-mail, the
/// password or the second step ([`sign_in::check_current_password`]).
pub(super) async fn check_current_password(
    context: &ServerContext,
    patient: &PatientSession,
    password: &str,
) -> Result<PatientAccount, AppError> {
    let account = account_of(context, patient).await?;
    sign_in::check_current_password(
        AccountKind::Patient,
        &patient.login,
        Actor::Patient(patient.patient_id),
        Some(account.password_hash.clone()),
        password,
    )
    .await?;
    Ok(account)
}

/// Mails the patient of `account` about a change to their second step of
/// signing in, in `unit`.
pub(super) async fn tell_factor_change(
    context: &ServerContext,
    unit: &mut WriteUnit,
    account: &PatientAccount,
    change: FactorChange<'_>,
) -> Result<(), AppError> {
    let message = mail::second_factor_message(
        locale_of(&account.locale),
        &account.address_as,
        change,
        unit.now,
        &context.mail.public_url,
        &context.clinic,
    );
    unit.mail(&account.recovery_email, &message).await
}

pub async fn load_account_details() -> Result<AccountDetails, AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let account = account_of(&context, &patient).await?;
    let contacts = patients::agreement_contacts(&context.db, patient.patient_id).await?;
    Ok(AccountDetails {
        login: account.login,
        address_as: account.address_as,
        recovery_email: account.recovery_email,
        agreement_email: contacts.as_ref().map(|c| c.email.clone()),
        sms_phone: contacts.map(|c| c.sms_phone),
        status_mail: account.status_mail,
        new_device_mail: account.new_device_mail,
    })
}

pub async fn signed_in_sessions() -> Result<Vec<SessionInfo>, AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let now = context.clock.now();
    let locale = crate::context::request_locale();
    let open = sessions::open_of_patient(&context.db, patient.patient_id).await?;
    Ok(open
        .into_iter()
        .filter(|session| {
            context
                .sessions
                .liveness(crate::auth::Kind::Patient, session, now)
                .is_ok()
        })
        .map(|session| SessionInfo {
            id: session.id,
            device: device_label(&session.user_agent),
            ip: session.ip,
            started: context.clinic.local_time(session.created_at, locale),
            last_seen: context.clinic.local_time(session.last_seen_at, locale),
            current: session.id == patient.session_id,
        })
        .collect())
}

pub async fn save_address_as(address_as: String) -> Result<(), AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let address_as = AddressAs::parse(&address_as).map_err(|p| AppError::field("address_as", p))?;
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    accounts::set_address_as(&mut unit.tx, patient.patient_id, address_as.as_str()).await?;
    unit.audit(Action::AddressAsChanged, None, "").await?;
    unit.commit().await
}

pub async fn save_notices(status_mail: bool, new_device_mail: bool) -> Result<(), AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    accounts::set_notices(
        &mut unit.tx,
        patient.patient_id,
        status_mail,
        new_device_mail,
    )
    .await?;
    let on_off = |on: bool| if on { "on" } else { "off" };
    unit.audit(Action::StatusMailChanged, None, on_off(status_mail))
        .await?;
    unit.audit(Action::NewDeviceMailChanged, None, on_off(new_device_mail))
        .await?;
    unit.commit().await
}

pub async fn change_recovery_email(
    recovery_email: String,
    current_password: String,
) -> Result<(), AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let email = Email::parse(&recovery_email).map_err(|p| AppError::field("recovery_email", p))?;
    let account = check_current_password(&context, &patient, &current_password).await?;
    if account.recovery_email == email.as_str() {
        return Ok(());
    }
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    accounts::set_recovery_email(&mut unit.tx, patient.patient_id, email.as_str()).await?;
    recovery::invalidate(&mut unit.tx, patient.patient_id, unit.now).await?;
    unit.audit(Action::RecoveryEmailChanged, None, "").await?;
    // The old address hears of it: if this was not the patient, they know.
    let message = mail::recovery_email_changed_message(
        locale_of(&account.locale),
        &account.address_as,
        unit.now,
        &context.clinic,
    );
    unit.mail(&account.recovery_email, &message).await?;
    unit.commit().await
}

pub async fn change_password(
    current_password: String,
    password: String,
    password_repeat: String,
) -> Result<(), AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let mut errors = new_password_errors(
        &password,
        &password_repeat,
        &PasswordContext {
            login: &patient.login,
            clinic_name: &context.clinic.name,
            temporary_password: None,
        },
        "password",
        "password_repeat",
    );
    if current_password.is_empty() {
        errors.add("current_password", Problem::Required);
    }
    errors.into_result()?;
    let account = check_current_password(&context, &patient, &current_password).await?;
    if password == current_password {
        return Err(FieldErrors::one("password", Problem::PasswordIsCurrent).into());
    }
    let password_hash = context.hasher.hash(Secret::new(password)).await?;
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    set_new_password(
        &context,
        &mut unit,
        &account,
        &password_hash,
        PasswordChange::Changed,
        Some(patient.session_id),
    )
    .await?;
    unit.commit().await
}

pub async fn end_session(session_id: i64) -> Result<(), AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    // Another patient's session, or one already over: the same "not found".
    if !sessions::end_of_patient(
        &mut unit.tx,
        session_id,
        patient.patient_id,
        EndReason::SignedOutRemotely,
        unit.now,
    )
    .await?
    {
        drop(unit);
        let asked = session_id.to_string();
        return Err(refuse_patient(&context, patient.patient_id, "session", &asked).await);
    }
    unit.audit(Action::SessionEnded, None, "").await?;
    unit.commit().await
}

pub async fn end_other_sessions() -> Result<u64, AppError> {
    let context = server_context()?;
    let patient = current_patient()?;
    let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
    let ended = sessions::end_all_of(
        &mut unit.tx,
        Subject::Patient(patient.patient_id),
        Some(patient.session_id),
        EndReason::SignedOutRemotely,
        unit.now,
    )
    .await?;
    if ended > 0 {
        unit.audit(Action::SessionEnded, None, "all_others").await?;
    }
    unit.commit().await?;
    Ok(ended)
}
