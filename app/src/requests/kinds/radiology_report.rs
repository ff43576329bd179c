//! «Получить заключение» on a radiology study of the patient's results:
//! the report is e-mailed to the service agreement's address. One open
//! request per study; only a study whose report is ready may be asked
//! about.

use super::document::DocumentDelivery;
use super::{Fact, Facts, KindContent, KindForm};
use crate::domain::request::day_text;
use crate::domain::{FieldErrors, Problem, FORM};
use crate::forms::{form_fields, FormField};
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

form_fields! {
    /// «Получить заключение» as sent: the study (a hidden field).
    pub struct RadiologyReportForm {
        study: radiology.study,
    }
}

/// What the form is checked against: the study it names, as the server
/// found it among the patient's (`None`: not theirs, or not there).
pub struct StudyGiven {
    pub study: Option<(RadiologyReportContent, bool)>,
}

impl KindForm for RadiologyReportForm {
    type Content = RadiologyReportContent;
    type Given = StudyGiven;
    const NAME: &'static str = "radiology_report";
    const FIELDS: &'static [FormField] = RadiologyReportForm::FIELDS;

    fn parse(&self, given: &StudyGiven) -> Result<RadiologyReportContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        // A hidden field: what is wrong with it is said of the form.
        let content = errors.check(
            FORM,
            match &given.study {
                Some((content, true)) if content.study_id == self.study.trim() => {
                    Ok(content.clone())
                }
                Some((content, false)) if content.study_id == self.study.trim() => {
                    Err(Problem::ReportNotReady)
                }
                _ => Err(Problem::ChoiceInvalid),
            },
        );
        match content {
            Some(content) if errors.is_empty() => Ok(content),
            _ => Err(errors),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RadiologyReportContent {
    /// The study's id in the MIS.
    pub study_id: String,
    /// The study as the MIS names it.
    pub study: String,
    pub study_date: NaiveDate,
}

impl KindContent for RadiologyReportContent {
    fn summary_line(&self, _locale: Locale) -> String {
        self.study.clone()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        Facts::default()
            .add(td_string!(locale, radiology.study), self.study.clone())
            .add(
                td_string!(locale, radiology.study_date),
                day_text(self.study_date, locale),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn study(ready: bool) -> StudyGiven {
        StudyGiven {
            study: Some((
                RadiologyReportContent {
                    study_id: "S-1".into(),
                    study: "МРТ, коленный сустав".into(),
                    study_date: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
                },
                ready,
            )),
        }
    }

    #[test]
    fn a_report_is_asked_for_only_of_the_patients_study_once_it_is_ready() {
        let form = RadiologyReportForm {
            study: "S-1".into(),
        };
        assert_eq!(form.parse(&study(true)).unwrap().study_id, "S-1");
        let not_ready = form.parse(&study(false)).unwrap_err();
        assert_eq!(not_ready.of(FORM), Some(Problem::ReportNotReady));
        let other = RadiologyReportForm {
            study: "S-2".into(),
        };
        assert_eq!(
            other.parse(&study(true)).unwrap_err().of(FORM),
            Some(Problem::ChoiceInvalid)
        );
        assert_eq!(
            form.parse(&StudyGiven { study: None })
                .unwrap_err()
                .of(FORM),
            Some(Problem::ChoiceInvalid)
        );
    }
}
