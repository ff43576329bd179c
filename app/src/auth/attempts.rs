//! The per-login lockout around a credential check. Every attempt is
//! counted as a failure *before* the (slow) check and forgotten on
//! success, so requests sent in parallel cannot all slip in under the
//! limit while the first ones are still being hashed. A sign-in with a
//! second step stays counted after its right password and is forgotten
//! only when its code is right: knowing the password does not reset the
//! count of wrong codes.

use crate::context::ServerContext;
use crate::db::audit::{Action, Actor};
use crate::db::failures::{self, Form};
use crate::error::AppError;
use crate::security::{lockout, Secret, Verified};
use crate::write_unit::WriteUnit;

/// An attempt that has been counted.
#[derive(Clone, Copy, Debug)]
pub struct Attempt {
    /// This attempt, if it fails, locks the login.
    locks: bool,
}

/// Counts an attempt at `login_key` in `form`, or answers
/// `RateLimited` while the login is locked.
///
/// A refusal during a lockout is recorded in the audit log (as `actor`,
/// about `patient_id` when the login is a patient's): a stranger still
/// trying a locked login is visible, to the patient too.
pub async fn begin_attempt(
    context: &ServerContext,
    form: Form,
    login_key: &str,
    actor: Actor,
    patient_id: Option<i64>,
) -> Result<Attempt, AppError> {
    let mut unit = WriteUnit::begin(context, actor).await?;
    let now = unit.now;
    let previous = failures::get_for_update(&mut unit.tx, form, login_key, now).await?;
    if let Some(until) = lockout::locked_until(previous.as_ref(), now) {
        unit.audit(Action::AttemptRefusedLocked, patient_id, form.as_str())
            .await?;
        unit.commit().await?;
        return Err(AppError::RateLimited {
            retry_after_secs: (until - now).num_seconds().max(1) as u64,
        });
    }
    let next = lockout::after_failure(previous.as_ref(), now);
    failures::put(&mut unit.tx, form, login_key, &next).await?;
    unit.commit().await?;
    Ok(Attempt {
        locks: next.locked_until.is_some(),
    })
}

/// Forgets the failures of `login_key` after a success.
async fn attempt_succeeded(
    context: &ServerContext,
    form: Form,
    login_key: &str,
) -> Result<(), AppError> {
    let mut tx = context.db.begin_write().await?;
    failures::clear(&mut tx, form, login_key).await?;
    tx.commit().await?;
    Ok(())
}

/// What a failed check records.
#[derive(Clone, Copy, Debug)]
pub struct Failure {
    /// The audit action of a failure.
    pub failed: Action,
    /// The audit action when this failure locks the login, if it has one.
    pub locked: Option<Action>,
    /// Whose account the login names, when it names a patient's.
    pub patient_id: Option<i64>,
    /// Which field was wrong, for the log.
    pub detail: &'static str,
}

/// Records a failed `attempt` as `failure` says: the failure, and the
/// lockout it starts.
pub async fn attempt_failed(
    context: &ServerContext,
    attempt: Attempt,
    actor: Actor,
    failure: Failure,
) -> Result<(), AppError> {
    let mut unit = WriteUnit::begin(context, actor).await?;
    let locked = failure.locked.filter(|_| attempt.locks);
    for action in std::iter::once(failure.failed).chain(locked) {
        unit.audit(action, failure.patient_id, failure.detail)
            .await?;
    }
    unit.commit().await
}

/// What a right password does to the attempt's count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnMatch {
    /// The attempt succeeded: its count is forgotten.
    Forget,
    /// A second step follows: the attempt stays counted until it succeeds.
    KeepCounted,
}

/// One check of `password` against `hash` (`None`: no such account — the
/// same time is spent), as an attempt at `login_key` in `form`: counted
/// before the slow check, forgotten on success; a failure, and the lockout
/// it starts, audited as `failure` says. Every form that takes a password
/// — sign-in of either kind, activation, «Настройки» — checks it here.
#[allow(clippy::too_many_arguments)] // the attempt, the secrets, what failure and success do
pub async fn check_password(
    context: &ServerContext,
    form: Form,
    login_key: &str,
    actor: Actor,
    hash: Option<String>,
    password: &str,
    failure: Failure,
    on_match: OnMatch,
) -> Result<Verified, AppError> {
    let attempt = begin_attempt(context, form, login_key, actor, failure.patient_id).await?;
    let had_account = hash.is_some();
    let verified = context.hasher.verify(Secret::new(password), hash).await?;
    if had_account && verified.matched() {
        if on_match == OnMatch::Forget {
            attempt_succeeded(context, form, login_key).await?;
        }
        return Ok(verified);
    }
    attempt_failed(context, attempt, actor, failure).await?;
    Ok(Verified::No)
}
