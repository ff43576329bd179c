//! «Акции ЕМС»: the promotions in force today — published, begun and not
//! ended, in the clinic's date — those ending soonest first, each with its
//! own page (`news::ContentItemPage`). An ended or future promotion is
//! simply not there.

use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::news::{ContentCard, ContentCardView};
use crate::sections::Section;
use leptos::prelude::*;

#[server(endpoint = "promotions/list")]
pub async fn promotions() -> Result<Vec<ContentCard>, AppError> {
    crate::context::reply(server::promotions().await)
}

#[cfg(feature = "ssr")]
mod server {
    use crate::context::{current_patient, server_context};
    use crate::db::content;
    use crate::error::AppError;
    use crate::sections::news::server::card_of;
    use crate::sections::news::ContentCard;

    pub async fn promotions() -> Result<Vec<ContentCard>, AppError> {
        let context = server_context()?;
        current_patient()?;
        let today = context.clinic.local_date(context.clock.now());
        Ok(content::promotions_in_force(&context.db, today)
            .await?
            .into_iter()
            .map(card_of)
            .collect())
    }
}

#[component]
pub fn PromotionsPage() -> impl IntoView {
    let locale = use_locale();
    let list = Resource::new(|| (), |_| promotions());
    view! {
        <PageTitle text=Signal::derive(move || Section::Promotions.label(locale))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => view! { <p class="empty">{td_string!(locale, promotions.none)}</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="content-list">
                            {list.into_iter().map(|card| view! { <ContentCardView card section=Section::Promotions/> }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
