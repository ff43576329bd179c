//! «Ваши предложения»: a mistake found in the cabinet or an idea for it,
//! for the portal team.

use super::{Fact, Facts, KindContent, KindForm};
use crate::domain::patient::required_text;
use crate::domain::request::LONG_TEXT_MAX;
use crate::domain::{all_checked, FieldErrors, Problem};
use crate::forms::{form_fields, FormField};
use crate::i18n::{td_string, Locale};
use serde::{Deserialize, Serialize};

form_fields! {
    /// The feedback form as typed.
    pub struct FeedbackForm {
        feedback_type: feedback.type_label [required],
        message: feedback.message [required],
    }
}

/// A mistake, or an idea.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackType {
    Error,
    Suggestion,
}

impl FeedbackType {
    pub const ALL: [FeedbackType; 2] = [FeedbackType::Error, FeedbackType::Suggestion];

    pub const fn as_str(self) -> &'static str {
        match self {
            FeedbackType::Error => "error",
            FeedbackType::Suggestion => "suggestion",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            FeedbackType::Error => td_string!(locale, feedback.type_error),
            FeedbackType::Suggestion => td_string!(locale, feedback.type_suggestion),
        }
    }
}

/// A feedback message as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackContent {
    pub feedback_type: FeedbackType,
    pub message: String,
}

impl KindForm for FeedbackForm {
    type Content = FeedbackContent;
    type Given = ();
    const NAME: &'static str = "feedback";
    const FIELDS: &'static [FormField] = FeedbackForm::FIELDS;

    fn parse(&self, _: &()) -> Result<FeedbackContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let feedback_type = errors.check(
            "feedback_type",
            match self.feedback_type.trim() {
                "" => Err(Problem::Required),
                text => FeedbackType::ALL
                    .into_iter()
                    .find(|t| t.as_str() == text)
                    .ok_or(Problem::ChoiceInvalid),
            },
        );
        let message = errors.check("message", required_text(&self.message, LONG_TEXT_MAX));
        all_checked!(
            errors,
            FeedbackContent {
                feedback_type,
                message
            }
        )
    }
}

impl KindContent for FeedbackContent {
    fn summary_line(&self, _locale: Locale) -> String {
        self.message.clone()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        Facts::default()
            .add(
                (FeedbackForm::feedback_type.label)(locale),
                self.feedback_type.label(locale).to_owned(),
            )
            .add((FeedbackForm::message.label)(locale), self.message.clone())
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks;
    use super::*;

    #[test]
    fn every_field_has_a_label_and_every_mistake_names_a_field() {
        let garbage = FeedbackForm {
            feedback_type: "praise".into(),
            message: "я".repeat(LONG_TEXT_MAX + 1),
        };
        checks::fields_are_labelled_and_mistakes_name_them(&(), garbage);
    }

    #[test]
    fn feedback_is_a_mistake_or_an_idea_with_a_message() {
        let ok = FeedbackForm {
            feedback_type: "suggestion".into(),
            message: "Добавьте тёмную тему".into(),
        }
        .parse(&())
        .unwrap();
        assert_eq!(ok.feedback_type, FeedbackType::Suggestion);
        let errors = FeedbackForm {
            feedback_type: "praise".into(),
            message: String::new(),
        }
        .parse(&())
        .unwrap_err();
        assert_eq!(errors.of("feedback_type"), Some(Problem::ChoiceInvalid));
        assert_eq!(errors.of("message"), Some(Problem::Required));
    }
}
