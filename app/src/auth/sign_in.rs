//! Signing in and out, one function for both kinds of account: patients
//! at `/login`, staff at `/admin/login`. What differs — where the
//! credentials are, the lockout's form, the audit's actions, the cookie and
//! the page after — is [`AccountKind`]'s; the rules are the same, so they
//! cannot drift apart: an unknown login and a wrong password get the same
//! answer in the same time, every attempt counts before the slow check, a
//! failure and the lockout it starts are audited.
//!
//! An account with an authenticator app or a passkey has a second step: a
//! right password leads to the code page instead of the cabinet, and the
//! code — or one of the recovery codes, or a passkey ([`super::passkey`]) —
//! opens the session. The second step is an attempt
//! at the same login under the same lockout, rate limit and audit.

use super::attempts::{attempt_failed, begin_attempt, check_password, Failure, OnMatch};
use super::{Kind, SECOND_STEP_TIME};
use crate::context::{
    chosen_locale, limit_by_ip, redirect_plain_form, request_cookie, request_meta, server_context,
    set_response_header, signed_in, RequestMeta, ServerContext,
};
use crate::db::accounts::PatientAccount;
use crate::db::audit::{Action, Actor};
use crate::db::failures::{self, Form};
use crate::db::second_factor::{self as factors, SecondStep};
use crate::db::sessions::{self, EndReason, Subject};
use crate::db::{accounts, staff};
use crate::domain::{login_key, Problem, MAX_PASSWORD_BYTES};
use crate::error::AppError;
use crate::mail::{self, locale_of, FactorChange};
use crate::security::second_factor::{accepted_step, parse_code, recovery_code_hash, TypedCode};
use crate::security::{new_session_token, token_hash, Secret, Verified};
use crate::write_unit::WriteUnit;
use leptos_i18n::Locale as _;

/// Whose sign-in it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Patient,
    Staff,
}

/// What each kind's sign-in records and where it leads.
pub(super) struct Rules {
    pub(super) form: Form,
    pub(super) cookie: Kind,
    pub(super) failed: Action,
    pub(super) locked: Action,
    pub(super) second_step_failed: Action,
    pub(super) signed_in: Action,
    pub(super) signed_out: Action,
    pub(super) home: &'static str,
    pub(super) sign_in_page: &'static str,
    pub(super) second_step_page: &'static str,
}

impl AccountKind {
    pub(super) const fn rules(self) -> Rules {
        match self {
            AccountKind::Patient => Rules {
                form: Form::SignIn,
                cookie: Kind::Patient,
                failed: Action::SignInFailed,
                locked: Action::SignInLocked,
                second_step_failed: Action::SecondStepFailed,
                signed_in: Action::SignedIn,
                signed_out: Action::SignedOut,
                home: "/",
                sign_in_page: "/login",
                second_step_page: "/login/code",
            },
            AccountKind::Staff => Rules {
                form: Form::StaffSignIn,
                cookie: Kind::Staff,
                failed: Action::StaffSignInFailed,
                locked: Action::StaffSignInLocked,
                second_step_failed: Action::StaffSecondStepFailed,
                signed_in: Action::StaffSignedIn,
                signed_out: Action::StaffSignedOut,
                home: "/admin",
                sign_in_page: "/admin/login",
                second_step_page: "/admin/login/code",
            },
        }
    }
}

/// An account's credentials, whichever kind.
struct Credentials {
    subject: Subject,
    password_hash: String,
    /// A patient's account: whom to tell about a new device.
    patient: Option<PatientAccount>,
}

impl Credentials {
    async fn find(
        context: &ServerContext,
        kind: AccountKind,
        key: &str,
    ) -> Result<Option<Credentials>, AppError> {
        Ok(match kind {
            AccountKind::Patient => {
                accounts::by_login(&context.db, key)
                    .await?
                    .map(|a| Credentials {
                        subject: Subject::Patient(a.patient_id),
                        password_hash: a.password_hash.clone(),
                        patient: Some(a),
                    })
            }
            AccountKind::Staff => {
                staff::credentials(&context.db, key)
                    .await?
                    .map(|c| Credentials {
                        subject: Subject::Staff(c.id),
                        password_hash: c.password_hash,
                        patient: None,
                    })
            }
        })
    }

    /// Keeps a hash made with stronger settings than the stored one.
    async fn upgrade_hash(&self, context: &ServerContext, new_hash: &str) -> Result<(), AppError> {
        match self.subject {
            Subject::Patient(id) => {
                accounts::upgrade_password_hash(&context.db, id, &self.password_hash, new_hash)
                    .await?
            }
            Subject::Staff(id) => {
                staff::upgrade_password_hash(&context.db, id, &self.password_hash, new_hash).await?
            }
        };
        Ok(())
    }

    fn actor(&self) -> Actor {
        actor_of(self.subject)
    }
}

pub(super) fn actor_of(subject: Subject) -> Actor {
    match subject {
        Subject::Patient(id) => Actor::Patient(id),
        Subject::Staff(id) => Actor::Staff(id),
    }
}

/// The session this browser already has of `kind`.
fn current_session(kind: AccountKind) -> Option<(i64, Subject)> {
    let signed_in = signed_in();
    match kind {
        AccountKind::Patient => signed_in
            .patient
            .map(|p| (p.session_id, Subject::Patient(p.patient_id))),
        AccountKind::Staff => signed_in
            .staff
            .map(|s| (s.session_id, Subject::Staff(s.staff_id))),
    }
}

/// Signs in: a new session, its token in the kind's cookie — or, for an
/// account with a second step, the way to it. The answer is the address
/// to go to next.
pub async fn sign_in(
    kind: AccountKind,
    login: String,
    password: String,
) -> Result<String, AppError> {
    let rules = kind.rules();
    let context = server_context()?;
    let meta = request_meta();
    limit_by_ip(&context, &meta).await?;
    let key = login_key(&login);
    let wrong = || AppError::form(Problem::CredentialsWrong);
    if key.is_empty()
        || key.len() > 256
        || password.is_empty()
        || password.len() > MAX_PASSWORD_BYTES
    {
        return Err(wrong());
    }
    let credentials = Credentials::find(&context, kind, &key).await?;
    // Whose login it was is kept for the patient's own log; staff
    // failures name nobody.
    let patient_id = match credentials.as_ref().map(|c| c.subject) {
        Some(Subject::Patient(id)) => Some(id),
        _ => None,
    };
    // Asked for an unknown login too (of nobody's id), so that both take
    // the same work.
    let nobody = match kind {
        AccountKind::Patient => Subject::Patient(0),
        AccountKind::Staff => Subject::Staff(0),
    };
    let second_step = factors::has_second_step(
        &context.db,
        credentials.as_ref().map_or(nobody, |c| c.subject),
    )
    .await?;
    let verified = check_password(
        &context,
        rules.form,
        &key,
        Actor::Anonymous,
        credentials.as_ref().map(|c| c.password_hash.clone()),
        &password,
        Failure {
            failed: rules.failed,
            locked: Some(rules.locked),
            patient_id,
            detail: "",
        },
        if second_step {
            OnMatch::KeepCounted
        } else {
            OnMatch::Forget
        },
    )
    .await?;
    let Some(credentials) = credentials.filter(|_| verified.matched()) else {
        return Err(wrong());
    };
    if let Verified::Yes { needs_rehash: true } = verified {
        let new_hash = context.hasher.hash(Secret::new(password)).await?;
        credentials.upgrade_hash(&context, &new_hash).await?;
    }
    if second_step {
        let token = new_session_token();
        let mut tx = context.db.begin_write().await?;
        let now = context.clock.now();
        factors::begin_step(
            &mut tx,
            &token_hash(token.expose()),
            credentials.subject,
            &key,
            now,
            now + SECOND_STEP_TIME,
        )
        .await?;
        tx.commit().await?;
        set_response_header(
            http::header::SET_COOKIE,
            &context
                .sessions
                .set_second_step_cookie(rules.cookie, &token),
        );
        redirect_plain_form(&meta, rules.second_step_page);
        return Ok(rules.second_step_page.to_owned());
    }
    let unit = WriteUnit::begin(&context, credentials.actor()).await?;
    let subject = credentials.subject;
    open_session(
        &context,
        kind,
        unit,
        subject,
        credentials.patient,
        &meta,
        "",
    )
    .await
}

/// The current password of a signed-in account of `kind`, asked before a
/// change that needs it (its field: `current_password`). Wrong guesses
/// count toward the kind's sign-in lockout: a session left open on a
/// shared computer does not allow unlimited tries.
pub async fn check_current_password(
    kind: AccountKind,
    login: &str,
    actor: Actor,
    hash: Option<String>,
    password: &str,
) -> Result<(), AppError> {
    let rules = kind.rules();
    let context = server_context()?;
    let wrong = || AppError::field("current_password", Problem::PasswordWrong);
    if password.is_empty() {
        return Err(AppError::field("current_password", Problem::Required));
    }
    if password.len() > MAX_PASSWORD_BYTES {
        return Err(wrong());
    }
    let verified = check_password(
        &context,
        rules.form,
        &login_key(login),
        actor,
        hash,
        password,
        Failure {
            failed: rules.failed,
            locked: Some(rules.locked),
            patient_id: None,
            detail: "current_password",
        },
        OnMatch::Forget,
    )
    .await?;
    if verified.matched() {
        Ok(())
    } else {
        Err(wrong())
    }
}

/// Whether this browser carries a second step's cookie: the code page is
/// shown only then (whether the step is still open, the answer says).
pub fn second_step_begun(kind: AccountKind) -> bool {
    server_context().is_ok_and(|context| {
        request_cookie(
            context
                .sessions
                .second_step_cookie_name(kind.rules().cookie),
        )
        .is_some()
    })
}

/// The sign-in waiting for its second step in this browser, if any.
pub(super) async fn waiting_second_step(kind: AccountKind) -> Result<Option<SecondStep>, AppError> {
    let context = server_context()?;
    let Some(token) = request_cookie(
        context
            .sessions
            .second_step_cookie_name(kind.rules().cookie),
    ) else {
        return Ok(None);
    };
    let step = factors::find_step(&context.db, &token_hash(&token), context.clock.now()).await?;
    Ok(step.filter(|step| {
        matches!(
            (kind, step.subject),
            (AccountKind::Patient, Subject::Patient(_)) | (AccountKind::Staff, Subject::Staff(_))
        )
    }))
}

/// The second step: a code from the authenticator app, or one of the
/// recovery codes, opens the session the right password began. Counted
/// like a password, under the login's lockout; a wrong code is audited.
pub async fn sign_in_second_step(kind: AccountKind, code: String) -> Result<String, AppError> {
    let rules = kind.rules();
    let context = server_context()?;
    let meta = request_meta();
    limit_by_ip(&context, &meta).await?;
    let expired = || AppError::field("code", Problem::SecondStepExpired);
    let Some(step) = waiting_second_step(kind).await? else {
        return Err(expired());
    };
    let patient_id = match step.subject {
        Subject::Patient(id) => Some(id),
        Subject::Staff(_) => None,
    };
    let attempt = begin_attempt(
        &context,
        rules.form,
        &step.login_key,
        Actor::Anonymous,
        patient_id,
    )
    .await?;
    let factor = factors::totp_of(&context.db, step.subject)
        .await?
        .filter(|f| f.confirmed_at.is_some());
    let account = match step.subject {
        Subject::Patient(id) => accounts::by_patient(&context.db, id).await?,
        Subject::Staff(_) => None,
    };
    let typed = parse_code(&code);
    // Read before the change: a sign-in with a recovery code tells the
    // patient how many are left.
    let codes_left = match typed {
        TypedCode::Recovery(_) => factors::recovery_codes_left(&context.db, step.subject).await?,
        _ => 0,
    };
    let mut unit = WriteUnit::begin(&context, actor_of(step.subject)).await?;
    let how = match (typed, factor) {
        (TypedCode::OneTime(code), Some(factor)) => {
            match accepted_step(&factor.secret, &code, unit.now, factor.last_step) {
                Some(taken)
                    if factors::take_step(&mut unit.tx, factor.id, taken, unit.now).await? =>
                {
                    Some("one_time_code")
                }
                _ => None,
            }
        }
        (TypedCode::Recovery(_), Some(_)) => match recovery_code_hash(&code) {
            Some(hash)
                if factors::use_recovery_code(&mut unit.tx, step.subject, &hash, unit.now)
                    .await? =>
            {
                Some("recovery_code")
            }
            _ => None,
        },
        _ => None,
    };
    let Some(how) = how else {
        drop(unit);
        attempt_failed(
            &context,
            attempt,
            Actor::Anonymous,
            Failure {
                failed: rules.second_step_failed,
                locked: Some(rules.locked),
                patient_id,
                detail: "code",
            },
        )
        .await?;
        return Err(AppError::field("code", Problem::OneTimeCodeWrong));
    };
    if !factors::end_step(&mut unit.tx, step.id, unit.now).await? {
        return Err(expired());
    }
    failures::clear(&mut unit.tx, rules.form, &step.login_key).await?;
    if let (Some(account), "recovery_code") = (&account, how) {
        let message = mail::second_factor_message(
            locale_of(&account.locale),
            &account.address_as,
            FactorChange::RecoveryCodeUsed {
                left: (codes_left - 1).max(0),
            },
            unit.now,
            &context.mail.public_url,
            &context.clinic,
        );
        unit.mail(&account.recovery_email, &message).await?;
    }
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.clear_second_step_cookie(rules.cookie),
    );
    open_session(&context, kind, unit, step.subject, account, &meta, how).await
}

/// Opens `subject`'s session in `unit` (ending this browser's earlier one),
/// audited with `how` it was signed in, notes a patient's device (`account`,
/// read before `unit` began: a read inside it could wait for the writer it
/// holds), and hands the token to the browser; the answer is the kind's
/// home.
pub(super) async fn open_session(
    context: &ServerContext,
    kind: AccountKind,
    mut unit: WriteUnit,
    subject: Subject,
    account: Option<PatientAccount>,
    meta: &RequestMeta,
    how: &'static str,
) -> Result<String, AppError> {
    let rules = kind.rules();
    // A browser signing in again leaves its earlier session behind.
    if let Some((previous, _)) = current_session(kind) {
        sessions::end(&mut unit.tx, previous, EndReason::SignedOut, unit.now).await?;
    }
    let token = super::start(
        &mut unit.tx,
        &context.sessions,
        subject,
        &meta.user_agent,
        &unit.origin.ip,
        unit.now,
    )
    .await?;
    unit.audit(rules.signed_in, None, how).await?;
    if let Some(account) = &account {
        super::devices::note_sign_in(context, &mut unit, account, meta).await?;
    }
    unit.commit().await?;
    // A language chosen on this device (on the sign-in page, say) is the
    // patient's newest wish and becomes their setting; a language only
    // guessed from the browser never replaces the one they saved.
    if let (Subject::Patient(id), Some(chosen)) = (subject, chosen_locale()) {
        accounts::set_locale(&context.db, id, chosen.as_str()).await?;
    }
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.set_cookie(rules.cookie, &token),
    );
    redirect_plain_form(meta, rules.home);
    Ok(rules.home.to_owned())
}

/// Ends this browser's session of `kind` and clears its cookie.
pub async fn sign_out(kind: AccountKind) -> Result<(), AppError> {
    let rules = kind.rules();
    let context = server_context()?;
    let meta = request_meta();
    if let Some((session_id, subject)) = current_session(kind) {
        let mut unit = WriteUnit::begin(&context, actor_of(subject)).await?;
        sessions::end(&mut unit.tx, session_id, EndReason::SignedOut, unit.now).await?;
        unit.audit(rules.signed_out, None, "").await?;
        unit.commit().await?;
    }
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.clear_cookie(rules.cookie),
    );
    redirect_plain_form(&meta, rules.sign_in_page);
    Ok(())
}
