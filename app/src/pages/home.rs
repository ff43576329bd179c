//! «Главная»: the first page after sign-in. It greets the patient by «Как
//! к Вам обращаться» and shows at a glance, each as a card linking to its
//! section: the next appointment with its clinic and memo, the results
//! that became ready since the patient last looked, the open requests with
//! their statuses, the balance, the newest news item — and one click to
//! send a booking. Every
//! card says plainly when it has nothing to show.
//!
//! It stays fast whatever the patient's history: a fixed handful of
//! queries, each bounded by an index and a limit, run at once.

use crate::domain::request::day_text;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::requests::{RequestList, RequestSummary};
use crate::sections::calendar::AppointmentView;
use crate::sections::finance::FinanceView;
use crate::sections::news::{item_path, ContentCard, ContentDates};
use crate::sections::results::OrderSummary;
use crate::sections::Section;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What «Главная» shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeSummary {
    pub address_as: String,
    pub next_appointment: Option<AppointmentView>,
    /// The newest few of the new results, and how many are new in all.
    pub new_results: Vec<OrderSummary>,
    pub new_results_count: u64,
    /// The latest few open requests, and how many are open in all.
    pub open_requests: Vec<RequestSummary>,
    pub open_count: u64,
    pub balance: Option<FinanceView>,
    pub news: Option<ContentCard>,
}

#[server(endpoint = "home/summary")]
pub async fn my_home() -> Result<HomeSummary, AppError> {
    crate::context::reply(server::my_home().await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::HomeSummary;
    use crate::context::{current_patient, server_context};
    use crate::db::{appointments, content, finance, requests, results};
    use crate::error::AppError;
    use crate::requests::engine;
    use crate::sections::calendar::server::view_of;
    use crate::sections::finance::server::sums_of;
    use crate::sections::news::server::card_of;
    use crate::sections::results::server::summary_of;

    /// How many new results and open requests the cards list.
    const CARD_ITEMS: i64 = 3;

    pub async fn my_home() -> Result<HomeSummary, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let (db, id, now) = (&context.db, patient.patient_id, context.clock.now());
        let today = context.clinic.local_date(now);
        let locale = crate::context::request_locale();
        // Seven independent reads, all at once — one round: the page waits
        // for the slowest, not for their sum, and none depends on how long
        // the patient's history is.
        let (next, new_results, new_count, open, open_count, totals, news) = tokio::join!(
            appointments::next_of_patient(db, id, now),
            results::new_of_patient(db, id, CARD_ITEMS),
            results::new_count_of_patient(db, id),
            requests::open_of_patient(db, id, CARD_ITEMS),
            requests::open_count_of_patient(db, id),
            finance::totals(db, id),
            content::news_page(db, today, 1, 0),
        );
        Ok(HomeSummary {
            address_as: patient.address_as.clone(),
            next_appointment: next?.map(|row| view_of(&context, row)).transpose()?,
            new_results: new_results?
                .into_iter()
                .map(|row| summary_of(row, None))
                .collect(),
            new_results_count: new_count?.unsigned_abs(),
            open_requests: open?
                .iter()
                .map(|row| engine::summary(&context, row, locale))
                .collect::<Result<_, _>>()?,
            open_count: open_count?.unsigned_abs(),
            balance: totals?.map(sums_of),
            news: news?.into_iter().next().map(card_of),
        })
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let locale = use_locale();
    let summary = Resource::new(|| (), |_| my_home());
    view! {
        <PageTitle text=Signal::derive(move || td_string!(locale, menu.home))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match summary.await {
                    Ok(summary) => view! { <Cards summary/> }.into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Cards(summary: HomeSummary) -> impl IntoView {
    let locale = use_locale();
    let greeting = crate::texts::fill(
        td_string!(locale, home.greeting),
        &[("name", &summary.address_as)],
    );
    view! {
        <p class="lead greeting">{greeting}</p>
        <p><a class="button primary" href=Section::Booking.path()>{td_string!(locale, home.book)}</a></p>
        <div class="home-cards">
            <NextVisitCard appointment=summary.next_appointment/>
            <NewResultsCard results=summary.new_results count=summary.new_results_count/>
            <OpenRequestsCard requests=summary.open_requests count=summary.open_count/>
            <BalanceCard balance=summary.balance/>
            <NewsCard news=summary.news/>
        </div>
    }
}

/// A card: its title links to the section.
#[component]
fn Card(
    id: &'static str,
    title: &'static str,
    section: Section,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card home-card" aria-labelledby=id>
            <h2 id=id><a href=section.path()>{title}</a></h2>
            {children()}
        </section>
    }
}

#[component]
fn NextVisitCard(appointment: Option<AppointmentView>) -> impl IntoView {
    let locale = use_locale();
    let body = match appointment {
        None => view! {
            <p class="empty">{td_string!(locale, home.no_visit)}</p>
        }
        .into_any(),
        Some(a) => {
            let path = a.path();
            let memo = a.memo_text.is_some() || a.memo_pdf;
            view! {
                <p class="home-visit-when"><a href=path.clone()>{day_text(a.day, locale)} " " {a.time.clone()}</a></p>
                <p>{a.with.clone()} {a.specialty.clone().map(|s| format!(", {s}"))}</p>
                <p class="field-hint">{a.clinic_name.clone()} ", " {a.clinic_address.clone()}</p>
                {memo.then(|| view! {
                    <p><a href=format!("{path}/memo") download>{td_string!(locale, calendar.memo_download)}</a></p>
                })}
            }
            .into_any()
        }
    };
    view! {
        <Card id="home-visit" title=td_string!(locale, home.next_visit) section=Section::Calendar>
            {body}
        </Card>
    }
}

#[component]
fn NewResultsCard(results: Vec<OrderSummary>, count: u64) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Card id="home-results" title=td_string!(locale, home.new_results) section=Section::Results>
            {if results.is_empty() {
                view! { <p class="empty">{td_string!(locale, home.no_new_results)}</p> }.into_any()
            } else {
                view! {
                    <p class="card-count">{crate::count_text!(locale, home.new_results_count, count)}</p>
                    <ul class="plain-list">
                        {results.into_iter().map(|r| view! {
                            <li>
                                <a href=r.path()>{r.panel.clone()}</a>
                                " · " {day_text(r.taken_on, locale)}
                                {(r.flagged > 0).then(|| view! {
                                    " " <span class="mark high">"! " {td_string!(locale, home.has_flagged)}</span>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </Card>
    }
}

#[component]
fn OpenRequestsCard(requests: Vec<RequestSummary>, count: u64) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Card id="home-requests" title=td_string!(locale, home.open_requests) section=Section::Requests>
            {if requests.is_empty() {
                view! { <p class="empty">{td_string!(locale, home.no_open_requests)}</p> }.into_any()
            } else {
                view! {
                    <p class="card-count">{crate::count_text!(locale, home.open_count, count)}</p>
                    <RequestList requests/>
                }
                .into_any()
            }}
        </Card>
    }
}

#[component]
fn BalanceCard(balance: Option<FinanceView>) -> impl IntoView {
    let locale = use_locale();
    let body = match balance {
        None => view! { <p class="empty">{td_string!(locale, finance.none)}</p> }.into_any(),
        Some(b) if b.third_party_payer => view! {
            <p class="amount">{b.balance().text(locale)}</p>
            <p class="field-hint">{td_string!(locale, finance.lag)}</p>
        }
        .into_any(),
        Some(b) => view! {
            <dl class="facts">
                <dt>{td_string!(locale, finance.deposit)}</dt>
                <dd class="amount">{b.deposit.text(locale)}</dd>
                <dt>{td_string!(locale, finance.debt)}</dt>
                <dd class="amount">{b.debt.text(locale)}</dd>
            </dl>
            <p class="field-hint">{td_string!(locale, finance.lag)}</p>
        }
        .into_any(),
    };
    view! {
        <Card id="home-balance" title=td_string!(locale, home.balance) section=Section::Finance>
            {body}
        </Card>
    }
}

#[component]
fn NewsCard(news: Option<ContentCard>) -> impl IntoView {
    let locale = use_locale();
    view! {
        <Card id="home-news" title=td_string!(locale, home.news) section=Section::News>
            {match news {
                None => view! { <p class="empty">{td_string!(locale, home.no_news)}</p> }.into_any(),
                Some(item) => view! {
                    <p><a href=item_path(Section::News, item.id)>{item.title.clone()}</a></p>
                    <p class="field-hint"><ContentDates publish_on=item.publish_on valid=None/></p>
                    <p>{item.excerpt.clone()}</p>
                }
                .into_any(),
            }}
        </Card>
    }
}
