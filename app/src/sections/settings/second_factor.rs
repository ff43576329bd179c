//! «Вход с кодом из приложения» in «Настройки»: a second step of signing
//! in with a code from an authenticator app (RFC 6238). Turned on by
//! scanning a QR code drawn on the server and typing the app's first code,
//! which also gives ten recovery codes, shown once and kept hashed; new
//! recovery codes and turning it off need the current password. Every
//! change is audited and mailed to the recovery address.
//!
//! Staff set up theirs on `/admin/second-factor` with the same card.
//!
//! A patient who lost the phone signs in with a recovery code, or asks
//! reception to turn the code off after checking who they are. Password
//! recovery by e-mail never turns it off: whoever reads the mailbox must
//! not get past the second step with it.

use crate::error::AppError;
use crate::forms::{action_error, Field, FormError, FormField, PostForm, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The second step as «Настройки» shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FactorState {
    Off,
    /// A secret shown and not yet confirmed with a code from the app.
    SettingUp {
        /// The QR code of its `otpauth://` address, as SVG.
        qr_svg: String,
        /// The secret in groups of four, to type in by hand.
        secret: String,
    },
    On {
        recovery_codes_left: i64,
    },
}

/// Recovery codes, shown once: one per line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryCodes {
    pub codes: String,
}

// Each function acts for the signed-in patient, or — with `for_staff`
// sent as `on` by the admin module's page — for the signed-in staff member.

#[server(endpoint = "settings/second-factor")]
pub async fn second_factor_state(
    #[server(default)] for_staff: Option<String>,
) -> Result<FactorState, AppError> {
    crate::context::reply(server::state(for_staff.is_some()).await)
}

/// Shows a new secret to scan (needs the current password).
#[server(endpoint = "settings/second-factor/begin")]
pub async fn begin_second_factor(
    current_password: String,
    #[server(default)] for_staff: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(server::begin(for_staff.is_some(), current_password).await)
}

/// The app's first code turns the second step on; the answer is the
/// recovery codes.
#[server(endpoint = "settings/second-factor/confirm")]
pub async fn confirm_second_factor(
    code: String,
    #[server(default)] for_staff: Option<String>,
) -> Result<RecoveryCodes, AppError> {
    crate::context::reply(server::confirm(for_staff.is_some(), code).await)
}

/// New recovery codes in place of the old ones.
#[server(endpoint = "settings/second-factor/codes")]
pub async fn renew_recovery_codes(
    current_password: String,
    #[server(default)] for_staff: Option<String>,
) -> Result<RecoveryCodes, AppError> {
    crate::context::reply(server::renew_codes(for_staff.is_some(), current_password).await)
}

/// Turns the second step off (or stops setting it up).
#[server(endpoint = "settings/second-factor/remove")]
pub async fn remove_second_factor(
    #[server(default)] current_password: String,
    #[server(default)] for_staff: Option<String>,
) -> Result<(), AppError> {
    crate::context::reply(server::remove(for_staff.is_some(), current_password).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::super::server::{check_current_password, tell_factor_change};
    use super::{FactorState, RecoveryCodes};
    use crate::auth::sign_in::{self, AccountKind};
    use crate::auth::{PatientSession, StaffSession};
    use crate::context::{current_patient, current_staff, server_context, ServerContext};
    use crate::db::accounts::PatientAccount;
    use crate::db::audit::{Action, Actor};
    use crate::db::second_factor as factors;
    use crate::db::sessions::Subject;
    use crate::db::staff;
    use crate::domain::{login_key, Problem};
    use crate::error::AppError;
    use crate::mail::FactorChange;
    use crate::security::second_factor::{
        accepted_step, grouped, new_recovery_code, new_secret, otpauth_uri, parse_code, qr_svg,
        recovery_code_hash, TypedCode, RECOVERY_CODES,
    };
    use crate::write_unit::WriteUnit;

    /// Whose second step a request changes.
    enum Owner {
        Patient(PatientSession),
        Staff(StaffSession),
    }

    impl Owner {
        /// The signed-in staff member (whatever their roles, and before
        /// they set up a second step the clinic requires), or patient.
        fn current(for_staff: bool) -> Result<Owner, AppError> {
            Ok(if for_staff {
                Owner::Staff(current_staff()?)
            } else {
                Owner::Patient(current_patient()?)
            })
        }

        fn subject(&self) -> Subject {
            match self {
                Owner::Patient(p) => Subject::Patient(p.patient_id),
                Owner::Staff(s) => Subject::Staff(s.staff_id),
            }
        }

        fn actor(&self) -> Actor {
            match self {
                Owner::Patient(p) => Actor::Patient(p.patient_id),
                Owner::Staff(s) => Actor::Staff(s.staff_id),
            }
        }

        fn login(&self) -> &str {
            match self {
                Owner::Patient(p) => &p.login,
                Owner::Staff(s) => &s.login,
            }
        }

        /// The current password must be right; wrong ones count toward
        /// the sign-in lockout, as in «Настройки».
        async fn check_password(
            &self,
            context: &ServerContext,
            password: &str,
        ) -> Result<(), AppError> {
            let staff = match self {
                Owner::Patient(patient) => {
                    return check_current_password(context, patient, password)
                        .await
                        .map(|_| ())
                }
                Owner::Staff(staff) => staff,
            };
            let hash = staff::credentials(&context.db, &login_key(&staff.login))
                .await?
                .map(|c| c.password_hash);
            sign_in::check_current_password(
                AccountKind::Staff,
                &staff.login,
                Actor::Staff(staff.staff_id),
                hash,
                password,
            )
            .await
        }

        /// A patient's account, to mail about a change — read before the
        /// change begins (a read inside it could wait for the connection it
        /// holds). Staff accounts have no e-mail: the audit log keeps theirs.
        async fn account(
            &self,
            context: &ServerContext,
        ) -> Result<Option<PatientAccount>, AppError> {
            match self {
                Owner::Patient(patient) => {
                    Ok(crate::db::accounts::by_patient(&context.db, patient.patient_id).await?)
                }
                Owner::Staff(_) => Ok(None),
            }
        }
    }

    /// Mails the patient of `account` about `change`, in `unit`.
    async fn tell(
        context: &ServerContext,
        unit: &mut WriteUnit,
        account: Option<PatientAccount>,
        change: FactorChange<'_>,
    ) -> Result<(), AppError> {
        match account {
            Some(account) => tell_factor_change(context, unit, &account, change).await,
            None => Ok(()),
        }
    }

    pub async fn state(for_staff: bool) -> Result<FactorState, AppError> {
        let context = server_context()?;
        let owner = Owner::current(for_staff)?;
        let subject = owner.subject();
        Ok(match factors::totp_of(&context.db, subject).await? {
            None => FactorState::Off,
            Some(factor) if factor.confirmed_at.is_some() => FactorState::On {
                recovery_codes_left: factors::recovery_codes_left(&context.db, subject).await?,
            },
            Some(factor) => {
                let locale = crate::context::request_locale();
                let uri = otpauth_uri(&factor.secret, &context.clinic.name, owner.login())
                    .ok_or_else(|| crate::context::internal("no otpauth address"))?;
                FactorState::SettingUp {
                    qr_svg: qr_svg(
                        &uri,
                        crate::i18n::td_string!(locale, second_factor.qr_label),
                    )
                    .ok_or_else(|| crate::context::internal("no QR code"))?,
                    secret: grouped(&factor.secret),
                }
            }
        })
    }

    pub async fn begin(for_staff: bool, current_password: String) -> Result<(), AppError> {
        let context = server_context()?;
        let owner = Owner::current(for_staff)?;
        owner.check_password(&context, &current_password).await?;
        if factors::totp_on(&context.db, owner.subject()).await? {
            return Err(AppError::form(Problem::SecondFactorOn));
        }
        let mut unit = WriteUnit::begin(&context, owner.actor()).await?;
        factors::put_unconfirmed(&mut unit.tx, owner.subject(), &new_secret(), unit.now).await?;
        unit.commit().await
    }

    /// Ten new codes, their hashes kept in `unit` in place of the old ones.
    async fn new_codes(unit: &mut WriteUnit, subject: Subject) -> Result<RecoveryCodes, AppError> {
        let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
        let hashes: Vec<String> = codes
            .iter()
            .filter_map(|code| recovery_code_hash(code))
            .collect();
        factors::replace_recovery_codes(&mut unit.tx, subject, &hashes, unit.now).await?;
        Ok(RecoveryCodes {
            codes: codes.join("\n"),
        })
    }

    pub async fn confirm(for_staff: bool, code: String) -> Result<RecoveryCodes, AppError> {
        let context = server_context()?;
        let owner = Owner::current(for_staff)?;
        let subject = owner.subject();
        let wrong = || AppError::field("code", Problem::OneTimeCodeWrong);
        let factor = match factors::totp_of(&context.db, subject).await? {
            Some(factor) if factor.confirmed_at.is_none() => factor,
            Some(_) => return Err(AppError::form(Problem::SecondFactorOn)),
            None => return Err(AppError::form(Problem::SecondFactorOff)),
        };
        let TypedCode::OneTime(code) = parse_code(&code) else {
            return Err(wrong());
        };
        let account = owner.account(&context).await?;
        let mut unit = WriteUnit::begin(&context, owner.actor()).await?;
        let Some(step) = accepted_step(&factor.secret, &code, unit.now, factor.last_step) else {
            return Err(wrong());
        };
        if !factors::take_step(&mut unit.tx, factor.id, step, unit.now).await? {
            return Err(wrong());
        }
        let codes = new_codes(&mut unit, subject).await?;
        unit.audit(Action::SecondFactorAdded, None, "").await?;
        tell(&context, &mut unit, account, FactorChange::Added).await?;
        unit.commit().await?;
        Ok(codes)
    }

    pub async fn renew_codes(
        for_staff: bool,
        current_password: String,
    ) -> Result<RecoveryCodes, AppError> {
        let context = server_context()?;
        let owner = Owner::current(for_staff)?;
        owner.check_password(&context, &current_password).await?;
        if !factors::totp_on(&context.db, owner.subject()).await? {
            return Err(AppError::form(Problem::SecondFactorOff));
        }
        let account = owner.account(&context).await?;
        let mut unit = WriteUnit::begin(&context, owner.actor()).await?;
        let codes = new_codes(&mut unit, owner.subject()).await?;
        unit.audit(Action::FactorRecoveryCodesRenewed, None, "")
            .await?;
        tell(&context, &mut unit, account, FactorChange::CodesRenewed).await?;
        unit.commit().await?;
        Ok(codes)
    }

    /// Turning a confirmed second step off needs the current password;
    /// dropping one still being set up does not.
    pub async fn remove(for_staff: bool, current_password: String) -> Result<(), AppError> {
        let context = server_context()?;
        let owner = Owner::current(for_staff)?;
        if factors::totp_on(&context.db, owner.subject()).await? {
            owner.check_password(&context, &current_password).await?;
        }
        let account = owner.account(&context).await?;
        let mut unit = WriteUnit::begin(&context, owner.actor()).await?;
        if factors::remove(&mut unit.tx, owner.subject()).await? {
            unit.audit(Action::SecondFactorRemoved, None, "self")
                .await?;
            tell(&context, &mut unit, account, FactorChange::Removed).await?;
        }
        unit.commit().await
    }
}

/// The card: the second step's state and what can be done with it — the
/// patient's in «Настройки», or (`staff`) the staff member's in the admin
/// module.
#[component]
pub fn SecondFactorCard(#[prop(optional)] staff: bool) -> impl IntoView {
    let locale = use_locale();
    let state = Resource::new(
        move || staff,
        |staff| second_factor_state(staff.then(|| "on".to_owned())),
    );
    view! {
        <section class="card" aria-labelledby="second-factor-title">
            <h2 id="second-factor-title">{td_string!(locale, second_factor.title)}</h2>
            <p class="field-hint">{td_string!(locale, second_factor.hint)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(state) => view! { <SecondFactorForms state staff/> }.into_any(),
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The current password, which turning on, new codes and turning off ask
/// — and adding or removing a passkey (`id`: «Настройки» asks it in
/// several forms) — and whose second step it is.
#[component]
pub(super) fn CurrentPassword(
    #[prop(into)] error: Signal<Option<AppError>>,
    staff: bool,
    id: &'static str,
) -> impl IntoView {
    view! {
        <ForStaff staff/>
        <Field
            field=FormField::optional("current_password", |l| td_string!(l, settings.current_password))
            id=id
            input_type="password"
            autocomplete="current-password"
            error=error
        />
    }
}

/// Marks a form as the staff member's, not the patient's.
#[component]
fn ForStaff(staff: bool) -> impl IntoView {
    staff.then(|| view! { <input type="hidden" name="for_staff" value="on"/> })
}

/// The recovery codes, filled from the answer and shown in place of the form.
#[component]
fn CodesOutput(lead: &'static str, staff: bool) -> impl IntoView {
    let locale = use_locale();
    let done = if staff {
        "/admin/second-factor"
    } else {
        "/settings#second-factor-title"
    };
    view! {
        <div class="notice success" data-output hidden tabindex="-1">
            <p>{lead}</p>
            <pre class="recovery-codes" data-output-field="codes"></pre>
            <p class="field-hint">{td_string!(locale, second_factor.codes_once)}</p>
            <a class="button" href=done>{td_string!(locale, second_factor.done)}</a>
        </div>
    }
}

#[component]
fn SecondFactorForms(state: FactorState, staff: bool) -> impl IntoView {
    let locale = use_locale();
    match state {
        FactorState::Off => {
            let begin = ServerAction::<BeginSecondFactor>::new();
            let error = action_error(begin);
            view! {
                <FormEnhancer>
                    <PostForm action=begin then=Then::Reload class="form">
                        <FormError error=error/>
                        <CurrentPassword error=error staff id="factor-on-password"/>
                        <SubmitButton label=td_string!(locale, second_factor.turn_on)/>
                    </PostForm>
                </FormEnhancer>
            }
            .into_any()
        }
        FactorState::SettingUp { qr_svg, secret } => {
            let confirm = ServerAction::<ConfirmSecondFactor>::new();
            let cancel = ServerAction::<RemoveSecondFactor>::new();
            let error = action_error(confirm);
            view! {
                <FormEnhancer>
                    <ol class="steps">
                        <li>
                            <p>{td_string!(locale, second_factor.scan)}</p>
                            <div class="qr-code" inner_html=qr_svg></div>
                            <p class="field-hint">{td_string!(locale, second_factor.by_hand)}</p>
                            <p><code class="totp-secret">{secret}</code></p>
                        </li>
                        <li>
                            <PostForm action=confirm then=Then::ShowOutput class="form">
                                <FormError error=error/>
                                <ForStaff staff/>
                                <Field
                                    field=FormField::optional("code", |l| td_string!(l, second_factor.first_code))
                                    id="factor-code"
                                    autocomplete="one-time-code"
                                    inputmode="numeric"
                                    error=error
                                />
                                <SubmitButton label=td_string!(locale, second_factor.confirm)/>
                            </PostForm>
                            <CodesOutput lead=td_string!(locale, second_factor.turned_on) staff/>
                        </li>
                    </ol>
                    <PostForm action=cancel then=Then::Reload>
                        <ForStaff staff/>
                        <button type="submit" class="button link" data-sending=td_string!(locale, form.sending)>
                            {td_string!(locale, second_factor.cancel)}
                        </button>
                    </PostForm>
                </FormEnhancer>
            }
            .into_any()
        }
        FactorState::On {
            recovery_codes_left,
        } => {
            let renew = ServerAction::<RenewRecoveryCodes>::new();
            let remove = ServerAction::<RemoveSecondFactor>::new();
            let renew_error = action_error(renew);
            let remove_error = action_error(remove);
            view! {
                <p class="notice success" role="status">
                    {td_string!(locale, second_factor.is_on)} " "
                    {td_string!(locale, second_factor.codes_left)} " " {recovery_codes_left}
                </p>
                <FormEnhancer>
                    <h3>{td_string!(locale, second_factor.renew_title)}</h3>
                    <PostForm action=renew then=Then::ShowOutput class="form">
                        <FormError error=renew_error/>
                        <CurrentPassword error=renew_error staff id="factor-codes-password"/>
                        <SubmitButton label=td_string!(locale, second_factor.renew)/>
                    </PostForm>
                    <CodesOutput lead=td_string!(locale, second_factor.renewed) staff/>
                </FormEnhancer>
                <FormEnhancer>
                    <h3>{td_string!(locale, second_factor.turn_off_title)}</h3>
                    <PostForm action=remove then=Then::Reload class="form">
                        <FormError error=remove_error/>
                        <CurrentPassword error=remove_error staff id="factor-off-password"/>
                        <SubmitButton label=td_string!(locale, second_factor.turn_off)/>
                    </PostForm>
                </FormEnhancer>
            }
            .into_any()
        }
    }
}
