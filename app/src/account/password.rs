//! A patient's new password, whichever way it came — changed in
//! «Настройки» or recovered with an e-mailed code — is stored the same
//! way: the hash, a recovery code still pending made useless, every other
//! session ended, the change audited and the recovery e-mail told (if it
//! was not the patient, they know).

use crate::context::ServerContext;
use crate::db::accounts::{self, PatientAccount};
use crate::db::audit::Action;
use crate::db::recovery;
use crate::db::sessions::{self, EndReason, Subject};
use crate::error::AppError;
use crate::mail::{self, locale_of, PasswordChange};
use crate::write_unit::WriteUnit;

/// Stores `password_hash` as `account`'s password within `unit`; the
/// session `keep` (the one that changed it) stays signed in.
pub async fn set_new_password(
    context: &ServerContext,
    unit: &mut WriteUnit,
    account: &PatientAccount,
    password_hash: &str,
    how: PasswordChange,
    keep: Option<i64>,
) -> Result<(), AppError> {
    let (ended, action) = match how {
        PasswordChange::Changed => (EndReason::PasswordChanged, Action::PasswordChanged),
        PasswordChange::Recovered => (EndReason::PasswordRecovered, Action::PasswordRecovered),
    };
    let patient_id = account.patient_id;
    accounts::set_password_hash(&mut unit.tx, patient_id, password_hash).await?;
    recovery::invalidate(&mut unit.tx, patient_id, unit.now).await?;
    sessions::end_all_of(
        &mut unit.tx,
        Subject::Patient(patient_id),
        keep,
        ended,
        unit.now,
    )
    .await?;
    unit.audit(action, Some(patient_id), "").await?;
    let message = mail::password_changed_message(
        locale_of(&account.locale),
        &account.address_as,
        how,
        unit.now,
        &context.clinic,
    );
    unit.mail(&account.recovery_email, &message).await
}
