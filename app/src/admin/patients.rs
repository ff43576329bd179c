//! «Отключить Личный кабинет» (admin): closes a patient's cabinet account —
//! every session of it ends at once and it can no longer sign in. The
//! patient and their records stay.

use crate::error::AppError;
use crate::forms::{action_error, Field, FormError};
use crate::i18n::{t, td_string, use_i18n};
use leptos::prelude::*;

#[server(endpoint = "admin/patients/disable")]
pub async fn disable_cabinet(mis_patient_id: String) -> Result<(), AppError> {
    crate::context::reply(server::disable_cabinet(mis_patient_id).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::AppError;
    use crate::context::{request_meta, require_staff, server_context};
    use crate::db::audit::{self, Action, Actor, Entry};
    use crate::db::sessions::{self, EndReason, Subject};
    use crate::db::{accounts, patients};
    use crate::domain::{patient, Problem, StaffRole};

    pub async fn disable_cabinet(mis_patient_id: String) -> Result<(), AppError> {
        let admin = require_staff(StaffRole::Admin)?;
        let context = server_context()?;
        let mis_id = patient::mis_patient_id(&mis_patient_id)
            .map_err(|p| AppError::field("mis_patient_id", p))?;
        let now = context.clock.now();
        let mut tx = context.db.begin_write().await?;
        let Some(patient) = patients::by_mis_id(&mut tx, &mis_id).await? else {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        };
        if !accounts::disable(&mut tx, patient.id, now).await? {
            return Err(AppError::field("mis_patient_id", Problem::NoCabinet));
        }
        sessions::end_all_of(
            &mut tx,
            Subject::Patient(patient.id),
            None,
            EndReason::AccountDisabled,
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &Entry::new(
                Action::CabinetDisabled,
                Actor::Staff(admin.staff_id),
                Some(patient.id),
                &request_meta().origin(),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[component]
pub fn DisableCabinetForm() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<DisableCabinet>::new();
    let error = action_error(action);
    view! {
        <section class="card" aria-labelledby="disable-cabinet-title">
            <h2 id="disable-cabinet-title">{t!(i18n, admin.disable_cabinet)}</h2>
            <p class="field-hint">{t!(i18n, admin.disable_cabinet_hint)}</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                <FormError error=error/>
                <Field
                    label=Signal::derive(move || td_string!(i18n.get_locale(), admin.mis_patient_id))
                    name="mis_patient_id"
                    autocomplete="off"
                    error=error
                />
                <button type="submit" class="button">{t!(i18n, admin.disable_cabinet)}</button>
                {move || matches!(action.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="notice success" role="status">{t!(i18n, admin.cabinet_disabled)}</p>
                })}
            </ActionForm>
        </section>
    }
}
