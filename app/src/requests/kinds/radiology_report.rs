//! «Получить заключение» on a radiology study of the patient's results:
//! the report is e-mailed to the service agreement's address. One open
//! request per study.

use super::document::DocumentDelivery;
use super::{Fact, Facts, KindContent};
use crate::domain::request::day_text;
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiologyReportContent {
    /// The study's id in the MIS.
    pub study_id: String,
    /// The study as the MIS names it.
    pub study: String,
    pub study_date: NaiveDate,
}

impl KindContent for RadiologyReportContent {
    fn summary_line(&self) -> String {
        self.study.clone()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        Facts::default()
            .add(td_string!(locale, radiology.study), self.study.clone())
            .add(
                td_string!(locale, radiology.study_date),
                day_text(self.study_date),
            )
            .add(
                td_string!(locale, document.delivery),
                DocumentDelivery::Email.label(locale).to_owned(),
            )
            .done()
    }

    fn about(&self) -> Option<String> {
        Some(self.study_id.clone())
    }
}
