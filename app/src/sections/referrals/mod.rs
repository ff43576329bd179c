//! «Действующие направления»: the patient's referrals that are neither
//! used nor expired, with who issued them and until when. The patient ticks
//! one or more and presses «Записаться на прием/исследование»: a plain GET
//! form opens the booking form with «Повод обращения» filled with them, and
//! the request records which referrals it is about. Lab tests are listed
//! but cannot be ticked, and say why.

use crate::domain::request::day_text;
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a referral is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferralKind {
    Consultation,
    Study,
    LabTest,
}

impl ReferralKind {
    pub fn parse(text: &str) -> Option<ReferralKind> {
        match text {
            "consultation" => Some(ReferralKind::Consultation),
            "study" => Some(ReferralKind::Study),
            "lab_test" => Some(ReferralKind::LabTest),
            _ => None,
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            ReferralKind::Consultation => td_string!(locale, referrals.kind_consultation),
            ReferralKind::Study => td_string!(locale, referrals.kind_study),
            ReferralKind::LabTest => td_string!(locale, referrals.kind_lab_test),
        }
    }

    /// A visit is booked for a consultation or a study; a lab test is
    /// taken without one.
    pub fn bookable(self) -> bool {
        self != ReferralKind::LabTest
    }
}

/// A referral as the page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralView {
    pub id: String,
    pub kind: ReferralKind,
    pub service: String,
    pub doctor: String,
    pub specialty: String,
    pub issued_on: NaiveDate,
    pub valid_until: NaiveDate,
}

#[server(endpoint = "referrals/list")]
pub async fn my_referrals() -> Result<Vec<ReferralView>, AppError> {
    crate::context::reply(server::my_referrals().await)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::{ReferralKind, ReferralView};
    use crate::context::{current_patient, internal, server_context, ServerContext};
    use crate::db::referrals;
    use crate::error::AppError;
    use crate::requests::kinds::ReferralSeen;

    /// The patient's active referrals, soonest to expire first.
    pub async fn active(
        context: &ServerContext,
        patient_id: i64,
    ) -> Result<Vec<ReferralView>, AppError> {
        let today = context.clinic.local_date(context.clock.now());
        referrals::active_of_patient(&context.db, patient_id, today)
            .await?
            .into_iter()
            .map(|row| {
                Ok(ReferralView {
                    kind: ReferralKind::parse(&row.kind).ok_or_else(|| {
                        internal(format_args!(
                            "referral {} has kind {}",
                            row.mis_id, row.kind
                        ))
                    })?,
                    id: row.mis_id,
                    service: row.service,
                    doctor: row.doctor_name,
                    specialty: row.specialty,
                    issued_on: row.issued_on,
                    valid_until: row.valid_until,
                })
            })
            .collect()
    }

    /// The referrals a visit may be booked by, as a booking keeps them.
    pub async fn bookable(
        context: &ServerContext,
        patient_id: i64,
    ) -> Result<Vec<ReferralSeen>, AppError> {
        Ok(active(context, patient_id)
            .await?
            .into_iter()
            .filter(|r| r.kind.bookable())
            .map(|r| ReferralSeen {
                referral_id: r.id,
                service: r.service,
                doctor: r.doctor,
                valid_until: r.valid_until,
            })
            .collect())
    }

    pub async fn my_referrals() -> Result<Vec<ReferralView>, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        active(&context, patient.patient_id).await
    }
}

#[component]
pub fn ReferralsPage() -> impl IntoView {
    let locale = use_locale();
    let referrals = Resource::new(|| (), |_| my_referrals());
    view! {
        <PageTitle text=Signal::derive(move || Section::Referrals.label(locale))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match referrals.await {
                    Ok(list) => view! { <ReferralChoice list/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The referrals as checkboxes of a GET form to the booking page.
#[component]
fn ReferralChoice(list: Vec<ReferralView>) -> impl IntoView {
    let locale = use_locale();
    if list.is_empty() {
        return view! { <p class="empty">{td_string!(locale, referrals.none)}</p> }.into_any();
    }
    let any_bookable = list.iter().any(|r| r.kind.bookable());
    view! {
        <form method="get" action=Section::Booking.path() class="form">
            <p class="lead">{td_string!(locale, referrals.intro)}</p>
            <ul class="referral-list">
                {list.into_iter().map(|r| {
                    let id = format!("referral-{}", r.id);
                    let why = format!("{id}-why");
                    let input_id = id.clone();
                    let bookable = r.kind.bookable();
                    view! {
                        <li class="card referral" class:not-bookable=!bookable>
                            <label class="choice" for=id.clone()>
                                <input
                                    type="checkbox"
                                    id=input_id
                                    name="referral"
                                    value=r.id.clone()
                                    disabled=!bookable
                                    aria-describedby=(!bookable).then(|| why.clone())
                                />
                                <span>
                                    <strong>{r.service.clone()}</strong>
                                    <span class="field-hint">" · " {r.kind.label(locale)}</span>
                                </span>
                            </label>
                            <dl class="facts">
                                <dt>{td_string!(locale, referrals.issued_by)}</dt>
                                <dd>{r.doctor.clone()} ", " {r.specialty.clone()}</dd>
                                <dt>{td_string!(locale, referrals.valid)}</dt>
                                <dd>{day_text(r.issued_on, locale)} " – " {day_text(r.valid_until, locale)}</dd>
                            </dl>
                            {(!bookable).then(|| view! {
                                <p class="field-hint" id=why>{td_string!(locale, referrals.lab_test_why)}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {any_bookable.then(|| view! {
                <button type="submit" class="button primary">{td_string!(locale, referrals.book)}</button>
            })}
        </form>
    }
    .into_any()
}
