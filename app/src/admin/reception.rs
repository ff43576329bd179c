//! «Открыть Личный кабинет» (reception): find the patient by MIS id or add
//! them, record the service agreement, and issue temporary credentials —
//! shown once, to print for the patient, valid 30 days and single use.
//! Issuing again revokes the earlier ones.

use crate::error::AppError;
use crate::forms::{action_error, Field, FormError, FormField, PostForm, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Temporary credentials, as printed for the patient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCredentials {
    pub patient_name: String,
    pub login: String,
    pub password: String,
    /// The last moment they work, in the clinic's time.
    pub valid_until: String,
}

#[server(endpoint = "admin/cabinets/open")]
#[allow(clippy::too_many_arguments)] // one argument per form field
pub async fn open_cabinet(
    full_name: String,
    birth_date: String,
    mis_patient_id: String,
    agreement_number: String,
    agreement_date: String,
    agreement_email: String,
    sms_phone: String,
) -> Result<IssuedCredentials, AppError> {
    crate::context::reply(
        server::open_cabinet(server::CabinetForm {
            full_name,
            birth_date,
            mis_patient_id,
            agreement_number,
            agreement_date,
            agreement_email,
            sms_phone,
        })
        .await,
    )
}

#[cfg(feature = "ssr")]
mod server {
    use super::{AppError, IssuedCredentials};
    use crate::context::{require_staff, server_context};
    use crate::db::accounts::{self, NewTemporaryCredentials};
    use crate::db::audit::{Action, Actor};
    use crate::db::patients::{self, NewPatient, NewServiceAgreement};
    use crate::domain::{patient, Email, FieldErrors, Problem, StaffRole};
    use crate::security::{new_temporary_login, new_temporary_password};
    use crate::write_unit::WriteUnit;
    use chrono::Duration;

    /// How long temporary credentials work.
    pub const TEMPORARY_VALIDITY: Duration = Duration::days(30);

    pub struct CabinetForm {
        pub full_name: String,
        pub birth_date: String,
        pub mis_patient_id: String,
        pub agreement_number: String,
        pub agreement_date: String,
        pub agreement_email: String,
        pub sms_phone: String,
    }

    pub async fn open_cabinet(form: CabinetForm) -> Result<IssuedCredentials, AppError> {
        let staff = require_staff(StaffRole::Reception)?;
        let context = server_context()?;
        let now = context.clock.now();
        let today = context
            .clinic
            .local_time(now, crate::context::request_locale())
            .get(..10)
            .and_then(|d| patient::date(d).ok())
            .unwrap_or(now.date_naive());

        let mut errors = FieldErrors::new();
        let full_name = errors.check("full_name", patient::required_text(&form.full_name, 200));
        let birth_date = errors.check("birth_date", patient::birth_date(&form.birth_date, today));
        let mis_id = errors.check(
            "mis_patient_id",
            patient::mis_patient_id(&form.mis_patient_id),
        );
        let number = errors.check(
            "agreement_number",
            patient::required_text(&form.agreement_number, 64),
        );
        let signed_on = errors.check("agreement_date", patient::date(&form.agreement_date));
        let email = errors.check("agreement_email", Email::parse(&form.agreement_email));
        let phone = errors.check("sms_phone", patient::phone(&form.sms_phone));
        let (
            Some(full_name),
            Some(birth_date),
            Some(mis_id),
            Some(number),
            Some(signed_on),
            Some(email),
            Some(phone),
        ) = (
            full_name, birth_date, mis_id, number, signed_on, email, phone,
        )
        else {
            return Err(errors.into());
        };

        let login = new_temporary_login();
        let password = new_temporary_password();
        let password_hash = context.hasher.hash(password.clone()).await?;

        let mut unit = WriteUnit::begin(&context, Actor::Staff(staff.staff_id)).await?;
        let (tx, now) = (&mut unit.tx, unit.now);
        let patient_id = match patients::by_mis_id(tx, &mis_id).await? {
            Some(existing) => {
                let same = existing.birth_date == birth_date
                    && existing.full_name.to_lowercase() == full_name.to_lowercase();
                if !same {
                    return Err(AppError::field(
                        "mis_patient_id",
                        Problem::MisIdOtherPatient,
                    ));
                }
                if accounts::exists_for(tx, existing.id).await? {
                    return Err(AppError::form(Problem::CabinetExists));
                }
                existing.id
            }
            None => {
                patients::insert(
                    tx,
                    &NewPatient {
                        mis_patient_id: &mis_id,
                        full_name: &full_name,
                        birth_date,
                    },
                    now,
                )
                .await?
            }
        };
        if patients::agreement_id(tx, patient_id, &number)
            .await?
            .is_none()
        {
            if patients::agreement_number_taken(tx, &number).await? {
                return Err(AppError::field(
                    "agreement_number",
                    Problem::AgreementNumberTaken,
                ));
            }
            patients::insert_agreement(
                tx,
                &NewServiceAgreement {
                    patient_id,
                    number: &number,
                    signed_on,
                    email: email.as_str(),
                    sms_phone: &phone,
                },
                now,
            )
            .await?;
        }
        accounts::revoke_temporary_credentials(tx, patient_id, now).await?;
        let expires_at = now + TEMPORARY_VALIDITY;
        accounts::insert_temporary_credentials(
            tx,
            &NewTemporaryCredentials {
                patient_id,
                login: &login,
                password_hash: &password_hash,
                expires_at,
            },
            now,
        )
        .await?;
        unit.audit(Action::TemporaryCredentialsIssued, Some(patient_id), "")
            .await?;
        unit.commit().await?;
        Ok(IssuedCredentials {
            patient_name: full_name,
            login,
            password: password.expose().to_owned(),
            valid_until: context
                .clinic
                .local_time(expires_at, crate::context::request_locale()),
        })
    }
}

/// `/admin/cabinets/new`: the form, then — in its place, once the server
/// issued them — the slip with the temporary credentials, shown once.
#[component]
pub fn OpenCabinetPage() -> impl IntoView {
    let locale = use_locale();
    let action = ServerAction::<OpenCabinet>::new();
    let error = action_error(action);
    view! {
        <h1 class="page-title">{td_string!(locale, admin.open_cabinet)}</h1>
        <FormEnhancer>
            <PostForm action=action then=Then::ShowOutput class="form card">
                <p class="lead">{td_string!(locale, admin.open_cabinet_intro)}</p>
                <FormError error=error/>
                <Field field=FormField::optional("full_name", |l| td_string!(l, admin.full_name)) autocomplete="off" error=error/>
                <Field field=FormField::optional("birth_date", |l| td_string!(l, admin.birth_date)) input_type="date" error=error/>
                <Field field=FormField::optional("mis_patient_id", |l| td_string!(l, admin.mis_patient_id)) error=error/>
                <Field field=FormField::optional("agreement_number", |l| td_string!(l, admin.agreement_number)) error=error/>
                <Field field=FormField::optional("agreement_date", |l| td_string!(l, admin.agreement_date)) input_type="date" error=error/>
                <Field field=FormField::optional("agreement_email", |l| td_string!(l, admin.agreement_email)) input_type="email" error=error/>
                <Field field=FormField::optional("sms_phone", |l| td_string!(l, admin.sms_phone)) input_type="tel" error=error/>
                <SubmitButton label=td_string!(locale, admin.issue)/>
            </PostForm>
            <IssuedSlip/>
        </FormEnhancer>
    }
}

/// The slip to print for the patient, filled from the answer of
/// [`OpenCabinet`] ([`IssuedCredentials`]) in the browser: shown once,
/// never again.
#[component]
fn IssuedSlip() -> impl IntoView {
    let locale = use_locale();
    view! {
        <section class="card slip" aria-labelledby="slip-title" data-output hidden tabindex="-1">
            <h2 id="slip-title">{td_string!(locale, admin.slip_title)} " " <span data-output-field="patient_name"></span></h2>
            <dl class="facts">
                <dt>{td_string!(locale, activation.temporary_login)}</dt>
                <dd><code class="credential" data-output-field="login"></code></dd>
                <dt>{td_string!(locale, activation.temporary_password)}</dt>
                <dd><code class="credential" data-output-field="password"></code></dd>
                <dt>{td_string!(locale, admin.valid_until)}</dt>
                <dd data-output-field="valid_until"></dd>
            </dl>
            <p>{td_string!(locale, admin.slip_note)}</p>
            <p class="field-hint">{td_string!(locale, admin.shown_once)}</p>
            <p>
                <button type="button" class="button primary" data-print>{td_string!(locale, admin.print)}</button>
                " "
                <a class="button" href="/admin/cabinets/new" rel="external">{td_string!(locale, admin.next_patient)}</a>
            </p>
        </section>
    }
}
