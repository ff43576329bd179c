//! `/calendar`: the month view (`?month=yyyy-mm`, the clinic's current
//! month by default) and the list of upcoming appointments, or of past
//! ones (`?list=past`, newest first). Plain links and HTML: nothing of it
//! runs in the browser.

use super::{AppointmentStatus, AppointmentView};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::islands::use_locale;
use crate::layout::PageTitle;
use crate::pages::LoadFailed;
use crate::sections::Section;
use chrono::{Datelike, Days, Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// What the calendar page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarData {
    /// The first day of the month shown.
    pub month: NaiveDate,
    /// The clinic's date today.
    pub today: NaiveDate,
    /// The appointments of the month shown, by start.
    pub in_month: Vec<AppointmentView>,
    /// Upcoming ones by start, or past ones newest first.
    pub list: Vec<AppointmentView>,
    pub past: bool,
}

/// The month of `month` (`yyyy-mm`), or of `today` when it is empty or
/// not a month: a mistyped address shows the calendar, not an error.
#[cfg(feature = "ssr")]
pub fn month_of(month: &str, today: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2200).contains(&d.year()) && month.len() == 7)
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

/// The weeks (Monday first) that hold the month starting on `first`.
pub fn weeks_of(first: NaiveDate) -> Vec<[NaiveDate; 7]> {
    let start = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let next_month = first + Months::new(1);
    let mut weeks = Vec::new();
    let mut monday = start;
    while monday < next_month {
        weeks.push(std::array::from_fn(|i| monday + Days::new(i as u64)));
        monday = monday + Days::new(7);
    }
    weeks
}

#[server(endpoint = "calendar/month")]
pub async fn calendar(month: String, past: bool) -> Result<CalendarData, AppError> {
    crate::context::reply(server::calendar(month, past).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::{month_of, CalendarData};
    use crate::context::{current_patient, server_context};
    use crate::db::appointments;
    use crate::error::AppError;
    use crate::sections::calendar::server::view_of;
    use chrono::{Duration, Months};

    /// How far the list looks ahead, and back.
    const LIST_SPAN: Duration = Duration::days(2 * 366);

    pub async fn calendar(month: String, past: bool) -> Result<CalendarData, AppError> {
        let context = server_context()?;
        let patient = current_patient()?;
        let now = context.clock.now();
        let today = context.clinic.local_date(now);
        let first = month_of(&month, today);
        let start = context.clinic.day_starts(first);
        let end = context.clinic.day_starts(first + Months::new(1));
        let in_month =
            appointments::of_patient_between(&context.db, patient.patient_id, start, end).await?;
        let mut list = if past {
            appointments::of_patient_between(&context.db, patient.patient_id, now - LIST_SPAN, now)
                .await?
        } else {
            appointments::of_patient_between(&context.db, patient.patient_id, now, now + LIST_SPAN)
                .await?
        };
        if past {
            list.reverse();
        }
        let view = |rows: Vec<_>| {
            rows.into_iter()
                .map(|row| view_of(&context, row))
                .collect::<Result<Vec<_>, AppError>>()
        };
        Ok(CalendarData {
            month: first,
            today,
            in_month: view(in_month)?,
            list: view(list)?,
            past,
        })
    }
}

/// The month's name in the reader's language, as a heading says it.
pub fn month_name(month: u32, locale: Locale) -> &'static str {
    match month {
        1 => td_string!(locale, calendar.month_1),
        2 => td_string!(locale, calendar.month_2),
        3 => td_string!(locale, calendar.month_3),
        4 => td_string!(locale, calendar.month_4),
        5 => td_string!(locale, calendar.month_5),
        6 => td_string!(locale, calendar.month_6),
        7 => td_string!(locale, calendar.month_7),
        8 => td_string!(locale, calendar.month_8),
        9 => td_string!(locale, calendar.month_9),
        10 => td_string!(locale, calendar.month_10),
        11 => td_string!(locale, calendar.month_11),
        _ => td_string!(locale, calendar.month_12),
    }
}

/// The weekdays, Monday first: the short name shown and the full one read
/// out.
fn weekdays(locale: Locale) -> [(&'static str, &'static str); 7] {
    [
        (
            td_string!(locale, calendar.mon),
            td_string!(locale, calendar.monday),
        ),
        (
            td_string!(locale, calendar.tue),
            td_string!(locale, calendar.tuesday),
        ),
        (
            td_string!(locale, calendar.wed),
            td_string!(locale, calendar.wednesday),
        ),
        (
            td_string!(locale, calendar.thu),
            td_string!(locale, calendar.thursday),
        ),
        (
            td_string!(locale, calendar.fri),
            td_string!(locale, calendar.friday),
        ),
        (
            td_string!(locale, calendar.sat),
            td_string!(locale, calendar.saturday),
        ),
        (
            td_string!(locale, calendar.sun),
            td_string!(locale, calendar.sunday),
        ),
    ]
}

fn month_heading(first: NaiveDate, locale: Locale) -> String {
    format!("{} {}", month_name(first.month(), locale), first.year())
}

fn month_link(first: NaiveDate) -> String {
    format!(
        "{}?month={}",
        Section::Calendar.path(),
        first.format("%Y-%m")
    )
}

#[component]
pub fn CalendarPage() -> impl IntoView {
    let locale = use_locale();
    let query = use_query_map();
    let month = query.with_untracked(|q| q.get("month").unwrap_or_default());
    let past = query.with_untracked(|q| q.get("list").as_deref() == Some("past"));
    let data = Resource::new(move || (), move |_| calendar(month.clone(), past));
    view! {
        <PageTitle text=Signal::derive(move || Section::Calendar.label(locale))/>
        <Suspense fallback=move || view! { <p class="skeleton">{td_string!(locale, settings.loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(data) => view! {
                        <MonthView data=data.clone()/>
                        <AppointmentList data/>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadFailed error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The month as a table, Monday first; each appointment a link to its page.
#[component]
fn MonthView(data: CalendarData) -> impl IntoView {
    let locale = use_locale();
    let first = data.month;
    let previous = first - Months::new(1);
    let next = first + Months::new(1);
    let heading = month_heading(first, locale);
    let weeks = weeks_of(first);
    let appointments = data.in_month;
    view! {
        <section class="card month" aria-labelledby="month-title">
            <div class="month-nav">
                <a class="button" href=month_link(previous) rel="prev">
                    <span aria-hidden="true">"‹ "</span>{month_heading(previous, locale)}
                </a>
                <h2 id="month-title">{heading.clone()}</h2>
                <a class="button" href=month_link(next) rel="next">
                    {month_heading(next, locale)}<span aria-hidden="true">" ›"</span>
                </a>
            </div>
            <table class="month-grid">
                <caption class="visually-hidden">{heading}</caption>
                <thead>
                    <tr>
                        {weekdays(locale).into_iter().map(|(short, full)| view! {
                            <th scope="col" abbr=full>{short}</th>
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {weeks.into_iter().map(|week| view! {
                        <tr>
                            {week.into_iter().map(|day| {
                                let here: Vec<AppointmentView> =
                                    appointments.iter().filter(|a| a.day == day).cloned().collect();
                                let other_month = day.month() != first.month();
                                let busy = !here.is_empty();
                                let today = (day == data.today).then_some("date");
                                view! {
                                    <td class:other-month=other_month class:has-appointments=busy aria-current=today>
                                        <span class="day-number">{day.day()}</span>
                                        {busy.then(|| view! {
                                            <ul class="day-appointments">
                                                {here.into_iter().map(|a| view! {
                                                    <li>
                                                        <a href=a.path() class=format!("appointment-chip chip-{}", status_class(a.status))>
                                                            {a.time.clone()}
                                                            <span class="visually-hidden">" " {a.with.clone()}</span>
                                                        </a>
                                                    </li>
                                                }).collect_view()}
                                            </ul>
                                        })}
                                    </td>
                                }
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

fn status_class(status: AppointmentStatus) -> &'static str {
    match status {
        AppointmentStatus::Booked => "booked",
        AppointmentStatus::Cancelled => "cancelled",
        AppointmentStatus::Done => "done",
    }
}

/// «Предстоящие» / «Прошедшие» as tabs (links), and the list.
#[component]
fn AppointmentList(data: CalendarData) -> impl IntoView {
    let locale = use_locale();
    let current = |past: bool| (data.past == past).then_some("page");
    let empty = data.list.is_empty();
    view! {
        <nav class="tabs" aria-label=td_string!(locale, calendar.lists)>
            <a href=Section::Calendar.path() class="tab" aria-current=current(false)>
                {td_string!(locale, calendar.upcoming)}
            </a>
            <a href=format!("{}?list=past", Section::Calendar.path()) class="tab" aria-current=current(true)>
                {td_string!(locale, calendar.past)}
            </a>
        </nav>
        {empty.then(|| view! {
            <p class="empty">
                {if data.past { td_string!(locale, calendar.none_past) } else { td_string!(locale, calendar.none_upcoming) }}
            </p>
        })}
        <ul class="appointment-list">
            {data.list.into_iter().map(|a| view! { <AppointmentLine appointment=a/> }).collect_view()}
        </ul>
    }
}

/// One appointment of a list: when, with whom, where.
#[component]
fn AppointmentLine(appointment: AppointmentView) -> impl IntoView {
    let locale = use_locale();
    let a = appointment;
    let marked = (a.status != AppointmentStatus::Booked).then(|| a.status.label(locale));
    view! {
        <li class="appointment-item">
            <a href=a.path() class="request-link">
                <span class="request-head">
                    <strong>{crate::domain::request::day_text(a.day, locale)} " " {a.time.clone()}</strong>
                    {marked.map(|label| view! { <span class="status">{label}</span> })}
                </span>
                <span class="request-kind">
                    {a.with.clone()}
                    {a.specialty.clone().map(|s| format!(", {s}"))}
                </span>
                <span class="request-summary">{a.visit_type.clone()} " · " {a.clinic_name.clone()}</span>
            </a>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_month_is_shown_in_whole_weeks_from_monday() {
        let weeks = weeks_of(day(2026, 12, 1));
        assert_eq!(weeks.len(), 5);
        assert_eq!(
            weeks[0][0],
            day(2026, 11, 30),
            "1 December 2026 is a Tuesday"
        );
        assert_eq!(weeks[4][6], day(2027, 1, 3));
        // February 2027 starts on a Monday and fills four weeks exactly.
        assert_eq!(weeks_of(day(2027, 2, 1)).len(), 4);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_month_that_does_not_parse_is_the_current_one() {
        let today = day(2026, 12, 2);
        assert_eq!(month_of("2027-03", today), day(2027, 3, 1));
        assert_eq!(month_of("", today), day(2026, 12, 1));
        assert_eq!(month_of("2027-13", today), day(2026, 12, 1));
        assert_eq!(month_of("2027-3", today), day(2026, 12, 1));
        assert_eq!(month_of("9999-01", today), day(2026, 12, 1));
    }
}
