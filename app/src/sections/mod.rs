//! The cabinet's sections, in the order of the «Главное меню».
//!
//! Each section has its own folder here (`booking/`, `documents/`, …): its
//! page, its components, its server functions and its shared types.

pub mod all_requests;
pub mod booking;
pub mod calendar;
pub mod documents;
pub mod feedback;
pub mod finance;
pub mod home_visit;
pub mod news;
pub mod promotions;
pub mod referrals;
mod request_form;
pub mod results;
pub mod settings;

use crate::i18n::{td_string, Locale};

/// One entry of the «Главное меню».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    Booking,
    Documents,
    Calendar,
    Referrals,
    Results,
    HomeVisit,
    News,
    Promotions,
    Finance,
    Requests,
    Settings,
    Feedback,
}

impl Section {
    /// All sections in menu order.
    pub const ALL: [Section; 12] = [
        Section::Booking,
        Section::Documents,
        Section::Calendar,
        Section::Referrals,
        Section::Results,
        Section::HomeVisit,
        Section::News,
        Section::Promotions,
        Section::Finance,
        Section::Requests,
        Section::Settings,
        Section::Feedback,
    ];

    /// The section's route.
    pub const fn path(self) -> &'static str {
        match self {
            Section::Booking => "/booking",
            Section::Documents => "/documents",
            Section::Calendar => "/calendar",
            Section::Referrals => "/referrals",
            Section::Results => "/results",
            Section::HomeVisit => "/home-visit",
            Section::News => "/news",
            Section::Promotions => "/promotions",
            Section::Finance => "/finance",
            Section::Requests => "/requests",
            Section::Settings => "/settings",
            Section::Feedback => "/feedback",
        }
    }

    /// The route's path segment: the path without its leading `/`.
    pub fn slug(self) -> &'static str {
        self.path().trim_start_matches('/')
    }

    /// The menu label, which is also the page heading.
    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Section::Booking => td_string!(locale, menu.booking),
            Section::Documents => td_string!(locale, menu.documents),
            Section::Calendar => td_string!(locale, menu.calendar),
            Section::Referrals => td_string!(locale, menu.referrals),
            Section::Results => td_string!(locale, menu.results),
            Section::HomeVisit => td_string!(locale, menu.home_visit),
            Section::News => td_string!(locale, menu.news),
            Section::Promotions => td_string!(locale, menu.promotions),
            Section::Finance => td_string!(locale, menu.finance),
            Section::Requests => td_string!(locale, menu.requests),
            Section::Settings => td_string!(locale, menu.settings),
            Section::Feedback => td_string!(locale, menu.feedback),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_main_menu_has_the_twelve_entries_of_the_manual_in_order() {
        let labels: Vec<_> = Section::ALL.iter().map(|s| s.label(Locale::ru)).collect();
        assert_eq!(
            labels,
            [
                "Записаться на прием/исследование",
                "Запросить документы",
                "Календарь событий",
                "Действующие направления",
                "Результаты анализов и исследований",
                "Вызвать врача на дом",
                "Новости ЕМС",
                "Акции ЕМС",
                "Финансы",
                "Все запросы",
                "Настройки",
                "Ваши предложения",
            ]
        );
    }

    #[test]
    fn every_section_has_its_own_route_and_an_english_label() {
        let paths: HashSet<_> = Section::ALL.iter().map(|s| s.path()).collect();
        assert_eq!(paths.len(), Section::ALL.len());
        for section in Section::ALL {
            assert!(!section.label(Locale::en).is_empty());
        }
    }
}
