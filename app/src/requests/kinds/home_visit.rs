//! «Вызвать врача на дом»: the address, a phone to call back and why; the
//! request goes to the home-care department (ОНиЭП).

use super::{Fact, Facts, KindContent, KindForm};
use crate::domain::patient::{phone, required_text};
use crate::domain::request::{optional_text, LINE_MAX, LONG_TEXT_MAX, SHORT_MAX};
use crate::domain::{all_checked, FieldErrors};
use crate::forms::{form_fields, FormField};
use crate::i18n::Locale;
use serde::{Deserialize, Serialize};

form_fields! {
    /// The home-visit form as typed.
    pub struct HomeVisitForm {
        phone: home_visit.phone [required],
        street: home_visit.street [required],
        house: home_visit.house [required],
        building: home_visit.building,
        apartment: home_visit.apartment [required],
        entrance: home_visit.entrance,
        floor: home_visit.floor,
        intercom: home_visit.intercom,
        reason: home_visit.reason [required],
        desired_time: home_visit.desired_time,
        comment: request.comment,
    }
}

/// A home-visit request as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisitContent {
    /// Normalised to `+7XXXXXXXXXX`.
    pub phone: String,
    pub street: String,
    pub house: String,
    #[serde(default)]
    pub building: Option<String>,
    pub apartment: String,
    #[serde(default)]
    pub entrance: Option<String>,
    #[serde(default)]
    pub floor: Option<String>,
    #[serde(default)]
    pub intercom: Option<String>,
    pub reason: String,
    #[serde(default)]
    pub desired_time: Option<String>,
    #[serde(default)]
    pub comment: Option<String>,
}

impl KindForm for HomeVisitForm {
    type Content = HomeVisitContent;
    type Given = ();
    const NAME: &'static str = "home_visit";
    const FIELDS: &'static [FormField] = HomeVisitForm::FIELDS;

    fn parse(&self, _: &()) -> Result<HomeVisitContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let short = |input: &str| optional_text(input, SHORT_MAX);
        let phone = errors.check("phone", phone(&self.phone));
        let street = errors.check("street", required_text(&self.street, LINE_MAX));
        let house = errors.check("house", required_text(&self.house, SHORT_MAX));
        let building = errors.check("building", short(&self.building));
        let apartment = errors.check("apartment", required_text(&self.apartment, SHORT_MAX));
        let entrance = errors.check("entrance", short(&self.entrance));
        let floor = errors.check("floor", short(&self.floor));
        let intercom = errors.check("intercom", short(&self.intercom));
        let reason = errors.check("reason", required_text(&self.reason, LONG_TEXT_MAX));
        let desired_time =
            errors.check("desired_time", optional_text(&self.desired_time, LINE_MAX));
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        all_checked!(
            errors,
            HomeVisitContent {
                phone,
                street,
                house,
                building,
                apartment,
                entrance,
                floor,
                intercom,
                reason,
                desired_time,
                comment
            }
        )
    }
}

impl KindContent for HomeVisitContent {
    fn summary_line(&self, _locale: Locale) -> String {
        self.reason.clone()
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        let label = |field: FormField| (field.label)(locale);
        Facts::default()
            .add(label(HomeVisitForm::phone), self.phone.clone())
            .add(label(HomeVisitForm::street), self.street.clone())
            .add(label(HomeVisitForm::house), self.house.clone())
            .add(label(HomeVisitForm::building), self.building.clone())
            .add(label(HomeVisitForm::apartment), self.apartment.clone())
            .add(label(HomeVisitForm::entrance), self.entrance.clone())
            .add(label(HomeVisitForm::floor), self.floor.clone())
            .add(label(HomeVisitForm::intercom), self.intercom.clone())
            .add(label(HomeVisitForm::reason), self.reason.clone())
            .add(
                label(HomeVisitForm::desired_time),
                self.desired_time.clone(),
            )
            .add(label(HomeVisitForm::comment), self.comment.clone())
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::super::checks;
    use super::*;
    use crate::domain::Problem;

    #[test]
    fn every_field_has_a_label_and_every_mistake_names_a_field() {
        let long = "я".repeat(LONG_TEXT_MAX + 1);
        let garbage = HomeVisitForm {
            phone: "12345".into(),
            street: long.clone(),
            house: long.clone(),
            building: long.clone(),
            apartment: long.clone(),
            entrance: long.clone(),
            floor: long.clone(),
            intercom: long.clone(),
            reason: long.clone(),
            desired_time: long.clone(),
            comment: long,
        };
        checks::fields_are_labelled_and_mistakes_name_them(&(), garbage);
    }

    #[test]
    fn a_home_visit_needs_a_phone_an_address_and_a_reason() {
        let form = HomeVisitForm {
            phone: "8 (916) 123-45-67".into(),
            street: "ул. Щепкина".into(),
            house: "35".into(),
            apartment: "12".into(),
            reason: "Температура 39".into(),
            floor: "4".into(),
            ..HomeVisitForm::default()
        };
        let visit = form.parse(&()).unwrap();
        assert_eq!(visit.phone, "+79161234567");
        assert_eq!(visit.floor.as_deref(), Some("4"));
        assert_eq!(visit.entrance, None);

        let errors = HomeVisitForm {
            phone: "12345".into(),
            intercom: "x".repeat(SHORT_MAX + 1),
            ..HomeVisitForm::default()
        }
        .parse(&())
        .unwrap_err();
        assert_eq!(errors.of("phone"), Some(Problem::PhoneInvalid));
        for field in ["street", "house", "apartment", "reason"] {
            assert_eq!(errors.of(field), Some(Problem::Required), "{field}");
        }
        assert_eq!(errors.of("intercom"), Some(Problem::TooLong));
        assert_eq!(errors.of("entrance"), None, "optional");
    }
}
