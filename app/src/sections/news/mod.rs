//! «Новости ЕМС»: the clinic's news as editors publish them in the admin
//! module, newest first, ten to a page, each with its own page. The text
//! is the editors' Markdown made safe on the server ([`markdown`]); the
//! picture is served by the hash of its bytes. «Акции ЕМС» shows its items
//! with the same pieces.

#[cfg(feature = "ssr")]
pub mod markdown;

use crate::domain::request::day_text;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use serde::{Deserialize, Serialize};

/// How many news items a page lists.
pub const NEWS_PER_PAGE: i64 = 10;

/// Where a content picture is served, by its hash.
pub fn picture_path(sha256: &str) -> String {
    format!("/content/pictures/{sha256}")
}

/// An item as a list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentCard {
    pub id: i64,
    pub title: String,
    /// The first paragraph as plain text, cut short.
    pub excerpt: String,
    pub picture: Option<String>,
    pub publish_on: NaiveDate,
    /// A promotion's dates.
    pub valid: Option<(NaiveDate, NaiveDate)>,
}

/// An item on its own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContentPage {
    pub id: i64,
    pub title: String,
    /// The text as safe HTML.
    pub html: String,
    pub picture: Option<String>,
    pub publish_on: NaiveDate,
    pub valid: Option<(NaiveDate, NaiveDate)>,
}

/// One page of news.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewsList {
    pub items: Vec<ContentCard>,
    pub page: i64,
    pub pages: i64,
}

#[server(endpoint = "news/list")]
pub async fn my_news(page: String) -> Result<NewsList, AppError> {
    crate::context::reply(server::my_news(page).await)
}

/// A news item or a promotion (`section`: `news` or `promotions`), if a
/// patient may see it today.
#[server(endpoint = "content/one")]
pub async fn content_item(section: String, id: String) -> Result<ContentPage, AppError> {
    crate::context::reply(server::item(&section, id).await)
}

#[cfg(feature = "ssr")]
pub(crate) mod server {
    use super::markdown;
    use super::{picture_path, ContentCard, ContentPage, NewsList, NEWS_PER_PAGE};
    use crate::context::{current_patient, refuse_patient, server_context};
    use crate::db::content::{self, ContentItem};
    use crate::domain::request::page_number;
    use crate::error::AppError;

    fn valid_of(item: &ContentItem) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        item.valid_from.zip(item.valid_until)
    }

    pub fn card_of(item: ContentItem) -> ContentCard {
        ContentCard {
            valid: valid_of(&item),
            excerpt: markdown::excerpt(&item.body, 240),
            picture: item.picture.as_deref().map(picture_path),
            id: item.id,
            title: item.title,
            publish_on: item.publish_on,
        }
    }

    pub fn page_of(item: ContentItem) -> ContentPage {
        ContentPage {
            valid: valid_of(&item),
            html: markdown::render(&item.body),
            picture: item.picture.as_deref().map(picture_path),
            id: item.id,
            title: item.title,
            publish_on: item.publish_on,
        }
    }

    pub async fn my_news(page: String) -> Result<NewsList, AppError> {
        let context = server_context()?;
        current_patient()?;
        // A mistyped page number shows the first page.
        let page = page_number(&page).unwrap_or(1);
        let today = context.clinic.local_date(context.clock.now());
        let total = content::news_count(&context.db, today).await?;
        let items = content::news_page(
            &context.db,
            today,
            NEWS_PER_PAGE,
            (page - 1) * NEWS_PER_PAGE,
        )
        .await?;
        Ok(NewsList {
            items: items.into_iter().map(card_of).collect(),
            page,
            pages: ((total + NEWS_PER_PAGE - 1) / NEWS_PER_PAGE).max(1),
        })
    }

    /// Item `id` of the section (`news`, `promotions`), if a patient may
    /// see it today.
    pub async fn item(section: &str, id: String) -> Result<ContentPage, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let kind = match section {
            "news" => "news",
            "promotions" => "promotion",
            _ => {
                return Err(AppError::field(
                    "section",
                    crate::domain::Problem::ChoiceInvalid,
                ))
            }
        };
        let today = context.clinic.local_date(context.clock.now());
        let found = match id.parse::<i64>() {
            Ok(number) => content::visible(&context.db, kind, number, today).await?,
            Err(_) => None,
        };
        match found {
            Some(item) => Ok(page_of(item)),
            None => Err(refuse_patient(&context, patient.patient_id, kind, &id).await),
        }
    }
}

/// The item's page address.
pub fn item_path(section: Section, id: i64) -> String {
    format!("{}/{id}", section.path())
}

#[component]
pub fn NewsPage() -> impl IntoView {
    let locale = use_locale();
    let page = use_query_map().with_untracked(|q| q.get("page").unwrap_or_default());
    let list = Resource::new(move || (), move |_| my_news(page.clone()));
    view! {
        <PageTitle text=Signal::derive(move || Section::News.label(locale))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! { <NewsCards list/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewsCards(list: NewsList) -> impl IntoView {
    let locale = use_locale();
    let (page, pages) = (list.page, list.pages);
    let link = |to: i64| format!("{}?page={to}", Section::News.path());
    view! {
        {list.items.is_empty().then(|| view! { <p class="empty">{td_string!(locale, news.none)}</p> })}
        <ul class="content-list">
            {list.items.into_iter().map(|card| view! { <ContentCardView card section=Section::News/> }).collect_view()}
        </ul>
        {(pages > 1).then(|| view! {
            <nav class="pager" aria-label=td_string!(locale, news.pages)>
                {(page > 1).then(|| view! { <a class="button" rel="prev" href=link(page - 1)>{td_string!(locale, news.newer)}</a> })}
                <span>{crate::texts::fill(td_string!(locale, news.page_of), &[("page", &page.to_string()), ("pages", &pages.to_string())])}</span>
                {(page < pages).then(|| view! { <a class="button" rel="next" href=link(page + 1)>{td_string!(locale, news.older)}</a> })}
            </nav>
        })}
    }
}

/// A news item or promotion in a list.
#[component]
pub fn ContentCardView(card: ContentCard, section: Section) -> impl IntoView {
    let href = item_path(section, card.id);
    view! {
        <li class="card content-card">
            {card.picture.clone().map(|src| view! { <img class="content-picture" src=src alt="" loading="lazy"/> })}
            <h2><a href=href>{card.title.clone()}</a></h2>
            <p class="field-hint"><ContentDates publish_on=card.publish_on valid=card.valid/></p>
            <p>{card.excerpt.clone()}</p>
        </li>
    }
    .into_any()
}

/// «1 декабря 2026» for news; «Действует с … по …» for a promotion.
#[component]
pub fn ContentDates(publish_on: NaiveDate, valid: Option<(NaiveDate, NaiveDate)>) -> impl IntoView {
    let locale = use_locale();
    match valid {
        Some((from, until)) => crate::texts::fill(
            td_string!(locale, promotions.valid),
            &[
                ("from", &day_text(from, locale)),
                ("until", &day_text(until, locale)),
            ],
        ),
        None => day_text(publish_on, locale),
    }
}

/// `/news/:id` and `/promotions/:id`: one item in full.
#[component]
pub fn ContentItemPage(section: Section) -> impl IntoView {
    let locale = use_locale();
    let id = use_params_map().with_untracked(|p| p.get("id").unwrap_or_default());
    let item = Resource::new(
        move || (),
        move |_| content_item(section.slug().to_owned(), id.clone()),
    );
    let back = match section {
        Section::Promotions => td_string!(locale, promotions.back),
        _ => td_string!(locale, news.back),
    };
    view! {
        <PageTitle text=Signal::derive(move || section.label(locale))/>
        <p><a href=section.path()>{back}</a></p>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match item.await {
                    Ok(page) => view! { <ContentArticle page/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// An item in full: picture, title, dates and text.
#[component]
pub fn ContentArticle(page: ContentPage) -> impl IntoView {
    view! {
        <article class="card content-article" aria-labelledby="content-title">
            {page.picture.clone().map(|src| view! { <img class="content-picture" src=src alt=""/> })}
            <h2 id="content-title">{page.title.clone()}</h2>
            <p class="field-hint"><ContentDates publish_on=page.publish_on valid=page.valid/></p>
            <div class="content-text" inner_html=page.html></div>
        </article>
    }
}
