//! «Подписка на календарь» in «Настройки»: a secret address of an `.ics`
//! feed of the patient's appointments for their own calendar app. Made,
//! made anew (the old address stops working) and turned off here; only a
//! hash of its key is kept, so the address is shown once, when made. The
//! patient chooses whether it names doctors and clinics or only says
//! «Приём в клинике».

use crate::error::AppError;
use crate::forms::{action_error, FormError, PostForm, SubmitButton, Then};
use crate::i18n::td_string;
use crate::islands::{use_locale, FormEnhancer};
use crate::pages::LoadFailed;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The feed as «Настройки» shows it: since when, and with what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedState {
    pub created: String,
    pub with_details: bool,
}

/// A feed's address, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedAddress {
    pub url: String,
}

#[server(endpoint = "settings/calendar-feed")]
pub async fn calendar_feed() -> Result<Option<FeedState>, AppError> {
    crate::context::reply(server::calendar_feed().await)
}

/// Makes the feed (anew): its address. `with_details` is `on` when ticked.
#[server(endpoint = "settings/calendar-feed/make")]
pub async fn make_calendar_feed(
    #[server(default)] with_details: Option<String>,
) -> Result<FeedAddress, AppError> {
    crate::context::reply(server::make_calendar_feed(with_details.is_some()).await)
}

#[server(endpoint = "settings/calendar-feed/revoke")]
pub async fn revoke_calendar_feed() -> Result<(), AppError> {
    crate::context::reply(server::revoke_calendar_feed().await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{FeedAddress, FeedState};
    use crate::context::{current_patient, server_context};
    use crate::db::audit::{Action, Actor};
    use crate::db::calendar_feeds;
    use crate::error::AppError;
    use crate::security::{new_session_token, token_hash};
    use crate::write_unit::WriteUnit;

    pub async fn calendar_feed() -> Result<Option<FeedState>, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        Ok(calendar_feeds::of_patient(&context.db, patient.patient_id)
            .await?
            .map(|(with_details, created)| FeedState {
                created: context
                    .clinic
                    .local_time(created, crate::context::request_locale()),
                with_details,
            }))
    }

    pub async fn make_calendar_feed(with_details: bool) -> Result<FeedAddress, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let token = new_session_token();
        let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
        calendar_feeds::replace(
            &mut unit.tx,
            patient.patient_id,
            &token_hash(token.expose()),
            with_details,
            unit.now,
        )
        .await?;
        let detail = if with_details {
            "with details"
        } else {
            "times only"
        };
        unit.audit(Action::CalendarFeedCreated, None, detail)
            .await?;
        unit.commit().await?;
        Ok(FeedAddress {
            url: format!(
                "{}/calendar/feed/{}.ics",
                context.mail.public_url.trim_end_matches('/'),
                token.expose()
            ),
        })
    }

    pub async fn revoke_calendar_feed() -> Result<(), AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let mut unit = WriteUnit::begin(&context, Actor::Patient(patient.patient_id)).await?;
        if calendar_feeds::delete(&mut unit.tx, patient.patient_id).await? {
            unit.audit(Action::CalendarFeedRevoked, None, "").await?;
        }
        unit.commit().await
    }
}

/// The card: the feed's state, «Создать ссылку» (anew), «Отключить», and
/// the address in place of the form once made.
#[component]
pub fn CalendarFeedCard() -> impl IntoView {
    let locale = use_locale();
    let state = Resource::new(|| (), |_| calendar_feed());
    view! {
        <section class="card" aria-labelledby="feed-title">
            <h2 id="feed-title">{td_string!(locale, settings.feed_title)}</h2>
            <p class="field-hint">{td_string!(locale, settings.feed_hint)}</p>
            <Suspense fallback=move || view! { <p>{td_string!(locale, settings.loading)}</p> }>
                {move || Suspend::new(async move {
                    match state.await {
                        Ok(state) => view! { <FeedForms state/> }.into_any(),
                        Err(error) => view! { <LoadFailed error/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn FeedForms(state: Option<FeedState>) -> impl IntoView {
    let locale = use_locale();
    let make = ServerAction::<MakeCalendarFeed>::new();
    let revoke = ServerAction::<RevokeCalendarFeed>::new();
    let make_error = action_error(make);
    let with_details = state.as_ref().is_some_and(|s| s.with_details);
    let exists = state.is_some();
    view! {
        <FormEnhancer>
            {state.map(|state| view! {
                <p>
                    {td_string!(locale, settings.feed_made)} " " {state.created} " · "
                    {if state.with_details { td_string!(locale, settings.feed_with_details_short) } else { td_string!(locale, settings.feed_time_only_short) }}
                </p>
                <PostForm action=revoke then=Then::Reload>
                    <button type="submit" class="button" data-sending=td_string!(locale, form.sending)>
                        {td_string!(locale, settings.feed_revoke)}
                    </button>
                </PostForm>
            })}
            <PostForm action=make then=Then::ShowOutput class="form">
                <FormError error=make_error/>
                <label class="choice">
                    <input type="checkbox" name="with_details" checked=with_details/>
                    {td_string!(locale, settings.feed_with_details)}
                </label>
                <SubmitButton label=if exists { td_string!(locale, settings.feed_make_again) } else { td_string!(locale, settings.feed_make) }/>
            </PostForm>
            <div class="notice success" data-output hidden tabindex="-1">
                <p>{td_string!(locale, settings.feed_address)}</p>
                <p><code class="feed-url" data-output-field="url"></code></p>
                <p class="field-hint">{td_string!(locale, settings.feed_shown_once)}</p>
            </div>
        </FormEnhancer>
    }
}
