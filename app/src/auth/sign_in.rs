//! Signing in and out, one function for both kinds of account: patients
//! at `/login`, staff at `/admin/login`. What differs — where the
//! credentials are, the lockout's form, the audit's actions, the cookie and
//! the page after — is [`AccountKind`]'s; the rules are the same, so they
//! cannot drift apart: an unknown login and a wrong password get the same
//! answer in the same time, every attempt counts before the slow check, a
//! failure and the lockout it starts are audited.

use super::attempts::{check_password, Failure};
use super::Kind;
use crate::context::{
    chosen_locale, limit_by_ip, redirect_plain_form, request_meta, server_context,
    set_response_header, signed_in, ServerContext,
};
use crate::db::accounts::PatientAccount;
use crate::db::audit::{Action, Actor};
use crate::db::failures::Form;
use crate::db::sessions::{self, EndReason, Subject};
use crate::db::{accounts, staff};
use crate::domain::{login_key, Problem, MAX_PASSWORD_BYTES};
use crate::error::AppError;
use crate::security::{Secret, Verified};
use crate::write_unit::WriteUnit;
use leptos_i18n::Locale as _;

/// Whose sign-in it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountKind {
    Patient,
    Staff,
}

/// What each kind's sign-in records and where it leads.
struct Rules {
    form: Form,
    cookie: Kind,
    failed: Action,
    locked: Action,
    signed_in: Action,
    signed_out: Action,
    home: &'static str,
    sign_in_page: &'static str,
}

impl AccountKind {
    const fn rules(self) -> Rules {
        match self {
            AccountKind::Patient => Rules {
                form: Form::SignIn,
                cookie: Kind::Patient,
                failed: Action::SignInFailed,
                locked: Action::SignInLocked,
                signed_in: Action::SignedIn,
                signed_out: Action::SignedOut,
                home: "/",
                sign_in_page: "/login",
            },
            AccountKind::Staff => Rules {
                form: Form::StaffSignIn,
                cookie: Kind::Staff,
                failed: Action::StaffSignInFailed,
                locked: Action::StaffSignInLocked,
                signed_in: Action::StaffSignedIn,
                signed_out: Action::StaffSignedOut,
                home: "/admin",
                sign_in_page: "/admin/login",
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

fn actor_of(subject: Subject) -> Actor {
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

/// Signs in: a new session, its token in the kind's cookie.
pub async fn sign_in(kind: AccountKind, login: String, password: String) -> Result<(), AppError> {
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
    )
    .await?;
    let Some(credentials) = credentials.filter(|_| verified.matched()) else {
        return Err(wrong());
    };
    if let Verified::Yes { needs_rehash: true } = verified {
        let new_hash = context.hasher.hash(Secret::new(password)).await?;
        credentials.upgrade_hash(&context, &new_hash).await?;
    }

    let mut unit = WriteUnit::begin(&context, credentials.actor()).await?;
    // A browser signing in again leaves its earlier session behind.
    if let Some((previous, _)) = current_session(kind) {
        sessions::end(&mut unit.tx, previous, EndReason::SignedOut, unit.now).await?;
    }
    let token = super::start(
        &mut unit.tx,
        &context.sessions,
        credentials.subject,
        &meta.user_agent,
        &unit.origin.ip,
        unit.now,
    )
    .await?;
    unit.audit(rules.signed_in, None, "").await?;
    if let Some(account) = &credentials.patient {
        super::devices::note_sign_in(&context, &mut unit, account, &meta).await?;
    }
    unit.commit().await?;
    // A language chosen on this device (on the sign-in page, say) is the
    // patient's newest wish and becomes their setting; a language only
    // guessed from the browser never replaces the one they saved.
    if let (Subject::Patient(id), Some(chosen)) = (credentials.subject, chosen_locale()) {
        accounts::set_locale(&context.db, id, chosen.as_str()).await?;
    }
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.set_cookie(rules.cookie, &token),
    );
    redirect_plain_form(&meta, rules.home);
    Ok(())
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
