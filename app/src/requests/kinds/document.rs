//! «Запросить документы»: a document of the patient's care — for a period,
//! picked up in a clinic or e-mailed to the service agreement's address.
//!
//! Stored content is versioned. Version 1 is what was stored before the
//! documents section (type, period, delivery, comment). Version 2, written
//! from now on, adds what the section asks for — the clinic to pick up at,
//! and for the tax-deduction certificate its payer's fields — and those
//! fields are required by the type itself, not optional for the sake of old
//! rows: an old row still reads as version 1, and a row that says it is
//! version 2 but lacks a required field is an error, never a guess.

use super::{ClinicChoice, Fact, Facts, KindContent, KindForm};
use crate::domain::patient::{date, required_text};
use crate::domain::request::{day_text, optional_text, LONG_TEXT_MAX};
use crate::domain::{all_checked, FieldErrors, Inn, Problem};
use crate::forms::{form_fields, FormField};
use crate::i18n::{td_string, Locale};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// «Тип документа».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// «Результаты анализов»
    LabResults,
    /// «Результаты исследований»
    StudyResults,
    /// «Копия карты»
    RecordCopy,
    /// «Выписка (после операции)»
    SurgeryExtract,
    /// «Справка для оформления налогового вычета»
    TaxDeductionCertificate,
    /// «Выписной эпикриз»
    DischargeSummary,
}

impl DocumentType {
    pub const ALL: [DocumentType; 6] = [
        DocumentType::LabResults,
        DocumentType::StudyResults,
        DocumentType::RecordCopy,
        DocumentType::SurgeryExtract,
        DocumentType::TaxDeductionCertificate,
        DocumentType::DischargeSummary,
    ];

    /// Its name in forms and addresses (`?type=lab_results`).
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentType::LabResults => "lab_results",
            DocumentType::StudyResults => "study_results",
            DocumentType::RecordCopy => "record_copy",
            DocumentType::SurgeryExtract => "surgery_extract",
            DocumentType::TaxDeductionCertificate => "tax_deduction_certificate",
            DocumentType::DischargeSummary => "discharge_summary",
        }
    }

    pub fn parse(text: &str) -> Option<DocumentType> {
        DocumentType::ALL
            .into_iter()
            .find(|t| t.as_str() == text.trim())
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            DocumentType::LabResults => td_string!(locale, document.type_lab_results),
            DocumentType::StudyResults => td_string!(locale, document.type_study_results),
            DocumentType::RecordCopy => td_string!(locale, document.type_record_copy),
            DocumentType::SurgeryExtract => td_string!(locale, document.type_surgery_extract),
            DocumentType::TaxDeductionCertificate => {
                td_string!(locale, document.type_tax_certificate)
            }
            DocumentType::DischargeSummary => td_string!(locale, document.type_discharge_summary),
        }
    }
}

/// «Способ получения документов».
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentDelivery {
    /// «Лично (в Клинике)»
    InClinic,
    /// «На e-mail»: always the service agreement's address.
    Email,
}

impl DocumentDelivery {
    pub const fn as_str(self) -> &'static str {
        match self {
            DocumentDelivery::InClinic => "in_clinic",
            DocumentDelivery::Email => "email",
        }
    }

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            DocumentDelivery::InClinic => td_string!(locale, document.delivery_in_clinic),
            DocumentDelivery::Email => td_string!(locale, document.delivery_email),
        }
    }
}

/// «Степень родства» of the patient to the taxpayer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// «за себя»
    Myself,
    /// «супруг(а)»
    Spouse,
    /// «ребёнок»
    Child,
    /// «родитель»
    Parent,
    /// «брат/сестра»
    Sibling,
    /// «подопечный»
    Ward,
}

impl Relation {
    pub const fn as_str(self) -> &'static str {
        match self {
            Relation::Myself => "myself",
            Relation::Spouse => "spouse",
            Relation::Child => "child",
            Relation::Parent => "parent",
            Relation::Sibling => "sibling",
            Relation::Ward => "ward",
        }
    }

    pub const ALL: [Relation; 6] = [
        Relation::Myself,
        Relation::Spouse,
        Relation::Child,
        Relation::Parent,
        Relation::Sibling,
        Relation::Ward,
    ];

    pub fn label(self, locale: Locale) -> &'static str {
        match self {
            Relation::Myself => td_string!(locale, document.relation_myself),
            Relation::Spouse => td_string!(locale, document.relation_spouse),
            Relation::Child => td_string!(locale, document.relation_child),
            Relation::Parent => td_string!(locale, document.relation_parent),
            Relation::Sibling => td_string!(locale, document.relation_sibling),
            Relation::Ward => td_string!(locale, document.relation_ward),
        }
    }
}

/// The tax-deduction certificate's own fields: every one required.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxCertificate {
    /// «ФИО налогоплательщика»
    pub taxpayer_name: String,
    /// «ФИО пациента»
    pub patient_name: String,
    pub relation: Relation,
    /// «ИНН налогоплательщика», 12 digits with both check digits right.
    pub taxpayer_inn: String,
    /// «Необходим перевод на английский язык»
    pub english_translation: bool,
}

/// Which document, and what that document needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "document_type", rename_all = "snake_case")]
pub enum DocumentWanted {
    LabResults,
    StudyResults,
    RecordCopy,
    SurgeryExtract,
    TaxDeductionCertificate(TaxCertificate),
    DischargeSummary,
}

impl DocumentWanted {
    pub fn document_type(&self) -> DocumentType {
        match self {
            DocumentWanted::LabResults => DocumentType::LabResults,
            DocumentWanted::StudyResults => DocumentType::StudyResults,
            DocumentWanted::RecordCopy => DocumentType::RecordCopy,
            DocumentWanted::SurgeryExtract => DocumentType::SurgeryExtract,
            DocumentWanted::TaxDeductionCertificate(_) => DocumentType::TaxDeductionCertificate,
            DocumentWanted::DischargeSummary => DocumentType::DischargeSummary,
        }
    }
}

/// The version a stored content says it is: only its own number reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Version<const N: u8>;

impl<const N: u8> Serialize for Version<N> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(N)
    }
}

impl<'de, const N: u8> Deserialize<'de> for Version<N> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found = u8::deserialize(deserializer)?;
        if found == N {
            Ok(Version)
        } else {
            Err(serde::de::Error::custom(format_args!(
                "version {found}, not {N}"
            )))
        }
    }
}

/// A request for documents as written from now on (version 2). Known by
/// its version; version 1 refuses any field it does not know, so a row of
/// version 2 that lost a required field never reads as version 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentRequest {
    pub version: Version<2>,
    #[serde(flatten)]
    pub wanted: DocumentWanted,
    /// «За период», from and until, both days included.
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
    pub delivery: DocumentDelivery,
    /// Where to pick the documents up, when in a clinic.
    pub clinic: Option<ClinicChoice>,
    pub comment: Option<String>,
}

/// A request for documents as stored before the documents section
/// (version 1, with no version written).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentRequestV1 {
    pub document_type: DocumentType,
    pub period_from: NaiveDate,
    pub period_until: NaiveDate,
    pub delivery: DocumentDelivery,
    #[serde(default)]
    pub comment: Option<String>,
}

form_fields! {
    /// «Запросить документы» as typed: one form for the six types; the
    /// tax-deduction certificate's own fields are required for it alone.
    pub struct DocumentForm {
        document_type: document.type_label [required],
        taxpayer_name: document.taxpayer_name,
        patient_name: document.patient_name,
        relation: document.relation,
        taxpayer_inn: document.taxpayer_inn,
        tax_year: document.tax_year,
        period_from: document.period_from [required],
        period_until: document.period_until [required],
        delivery: document.delivery [required],
        clinic: document.clinic,
        english_translation: document.english_translation,
        comment: request.comment,
    }
}

/// How many tax years back a certificate may be asked for.
pub const TAX_YEARS_BACK: i32 = 5;

/// What the document rules need: the clinic's date, the clinics to pick
/// up at, and the agreement's e-mail (none: e-mail cannot be chosen).
pub struct DocumentGiven {
    pub today: NaiveDate,
    pub clinics: Vec<ClinicChoice>,
    pub agreement_email: Option<String>,
}

/// The whole tax years a certificate may be asked for, newest first.
pub fn tax_years(today: NaiveDate) -> Vec<i32> {
    (1..=TAX_YEARS_BACK)
        .map(|back| today.year() - back)
        .collect()
}

/// A checkbox as a browser sends it: `on` when ticked, absent otherwise.
fn ticked(value: &str) -> bool {
    !value.trim().is_empty()
}

impl DocumentForm {
    /// «За период»: from and until (both included), not in the future; for
    /// a tax certificate, one of its whole years or dates within them.
    fn period(
        &self,
        tax: bool,
        today: NaiveDate,
        errors: &mut FieldErrors,
    ) -> Option<(NaiveDate, NaiveDate)> {
        if tax && !self.tax_year.trim().is_empty() {
            let year = errors.check(
                "tax_year",
                self.tax_year
                    .trim()
                    .parse::<i32>()
                    .ok()
                    .filter(|y| tax_years(today).contains(y))
                    .ok_or(Problem::ChoiceInvalid),
            )?;
            return NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31));
        }
        let from = errors.check("period_from", date(&self.period_from));
        let until = errors.check("period_until", date(&self.period_until));
        let (from, until) = (from?, until?);
        let earliest =
            NaiveDate::from_ymd_opt(today.year() - TAX_YEARS_BACK, 1, 1).unwrap_or(NaiveDate::MIN);
        let problem = if until > today {
            Some(("period_until", Problem::DateInFuture))
        } else if from > until {
            Some(("period_until", Problem::PeriodReversed))
        } else if tax && from < earliest {
            Some(("period_from", Problem::TaxPeriodTooOld))
        } else {
            None
        };
        match problem {
            Some((field, problem)) => {
                errors.add(field, problem);
                None
            }
            None => Some((from, until)),
        }
    }

    /// The certificate's own fields.
    fn tax_certificate(&self, errors: &mut FieldErrors) -> Option<TaxCertificate> {
        let taxpayer_name = errors.check("taxpayer_name", required_text(&self.taxpayer_name, 200));
        let patient_name = errors.check("patient_name", required_text(&self.patient_name, 200));
        let relation = errors.check(
            "relation",
            match self.relation.trim() {
                "" => Err(Problem::Required),
                text => Relation::ALL
                    .into_iter()
                    .find(|r| r.as_str() == text)
                    .ok_or(Problem::ChoiceInvalid),
            },
        );
        let taxpayer_inn = errors
            .check("taxpayer_inn", Inn::parse(&self.taxpayer_inn))
            .map(|inn| inn.as_str().to_owned());
        Some(TaxCertificate {
            taxpayer_name: taxpayer_name?,
            patient_name: patient_name?,
            relation: relation?,
            taxpayer_inn: taxpayer_inn?,
            english_translation: ticked(&self.english_translation),
        })
    }
}

impl KindForm for DocumentForm {
    type Content = DocumentContent;
    type Given = DocumentGiven;
    const NAME: &'static str = "document";
    const FIELDS: &'static [FormField] = DocumentForm::FIELDS;

    fn parse(&self, given: &DocumentGiven) -> Result<DocumentContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let document_type = errors.check(
            "document_type",
            match self.document_type.trim() {
                "" => Err(Problem::Required),
                text => DocumentType::parse(text).ok_or(Problem::ChoiceInvalid),
            },
        );
        let tax = document_type == Some(DocumentType::TaxDeductionCertificate);
        let certificate = if tax {
            self.tax_certificate(&mut errors)
        } else {
            None
        };
        let period = self.period(tax, given.today, &mut errors);
        let delivery = errors.check(
            "delivery",
            match self.delivery.trim() {
                "" => Err(Problem::Required),
                "in_clinic" => Ok(DocumentDelivery::InClinic),
                "email" if given.agreement_email.is_some() => Ok(DocumentDelivery::Email),
                "email" => Err(Problem::NoAgreementEmail),
                _ => Err(Problem::ChoiceInvalid),
            },
        );
        let clinic = errors.check(
            "clinic",
            match (delivery, ClinicChoice::choose(&self.clinic, &given.clinics)) {
                (Some(DocumentDelivery::InClinic), Ok(None)) => Err(Problem::Required),
                (Some(DocumentDelivery::Email), _) => Ok(None),
                (_, chosen) => chosen,
            },
        );
        let comment = errors.check("comment", optional_text(&self.comment, LONG_TEXT_MAX));
        let wanted = match (document_type, certificate) {
            (Some(DocumentType::TaxDeductionCertificate), Some(certificate)) => {
                Some(DocumentWanted::TaxDeductionCertificate(certificate))
            }
            (Some(DocumentType::TaxDeductionCertificate), None) => None,
            (Some(DocumentType::LabResults), _) => Some(DocumentWanted::LabResults),
            (Some(DocumentType::StudyResults), _) => Some(DocumentWanted::StudyResults),
            (Some(DocumentType::RecordCopy), _) => Some(DocumentWanted::RecordCopy),
            (Some(DocumentType::SurgeryExtract), _) => Some(DocumentWanted::SurgeryExtract),
            (Some(DocumentType::DischargeSummary), _) => Some(DocumentWanted::DischargeSummary),
            (None, _) => None,
        };
        let (period_from, period_until) = period.unzip();
        let version = Some(Version);
        all_checked!(
            errors,
            DocumentRequest {
                version,
                wanted,
                period_from,
                period_until,
                delivery,
                clinic,
                comment
            }
        )
        .map(DocumentContent::V2)
    }
}

/// A request for documents, of either version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DocumentContent {
    V2(DocumentRequest),
    V1(DocumentRequestV1),
}

impl DocumentContent {
    pub fn document_type(&self) -> DocumentType {
        match self {
            DocumentContent::V2(request) => request.wanted.document_type(),
            DocumentContent::V1(request) => request.document_type,
        }
    }

    fn period(&self) -> (NaiveDate, NaiveDate) {
        match self {
            DocumentContent::V2(r) => (r.period_from, r.period_until),
            DocumentContent::V1(r) => (r.period_from, r.period_until),
        }
    }
}

impl KindContent for DocumentContent {
    /// Told by its period: the list names its kind beside it, the page its
    /// type.
    fn summary_line(&self, locale: Locale) -> String {
        let (from, until) = self.period();
        format!("{} – {}", day_text(from, locale), day_text(until, locale))
    }

    fn facts(&self, locale: Locale) -> Vec<Fact> {
        let (delivery, clinic, comment, tax) = match self {
            DocumentContent::V2(r) => (
                r.delivery,
                r.clinic.as_ref(),
                r.comment.clone(),
                match &r.wanted {
                    DocumentWanted::TaxDeductionCertificate(tax) => Some(tax),
                    _ => None,
                },
            ),
            DocumentContent::V1(r) => (r.delivery, None, r.comment.clone(), None),
        };
        let mut facts = Facts::default().add(
            td_string!(locale, document.type_label),
            self.document_type().label(locale).to_owned(),
        );
        if let Some(tax) = tax {
            facts = facts
                .add(
                    td_string!(locale, document.taxpayer_name),
                    tax.taxpayer_name.clone(),
                )
                .add(
                    td_string!(locale, document.patient_name),
                    tax.patient_name.clone(),
                )
                .add(
                    td_string!(locale, document.relation),
                    tax.relation.label(locale).to_owned(),
                )
                .add(
                    td_string!(locale, document.taxpayer_inn),
                    tax.taxpayer_inn.clone(),
                )
                .add(
                    td_string!(locale, document.english_translation),
                    tax.english_translation
                        .then(|| td_string!(locale, document.yes).to_owned()),
                );
        }
        facts
            .add(
                td_string!(locale, document.period),
                self.summary_line(locale),
            )
            .add(
                td_string!(locale, document.delivery),
                delivery.label(locale).to_owned(),
            )
            .add(
                td_string!(locale, document.clinic),
                clinic.map(|c| c.name.clone()),
            )
            .add(td_string!(locale, request.comment), comment)
            .done()
    }
}

#[cfg(test)]
mod tests {
    use super::super::{RequestContent, RequestKind};
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn tax_request() -> DocumentContent {
        DocumentContent::V2(DocumentRequest {
            version: Version,
            wanted: DocumentWanted::TaxDeductionCertificate(TaxCertificate {
                taxpayer_name: "Иванов Михаил Андреевич".into(),
                patient_name: "Иванова Анна Сергеевна".into(),
                relation: Relation::Spouse,
                taxpayer_inn: "500100732259".into(),
                english_translation: false,
            }),
            period_from: day(2025, 1, 1),
            period_until: day(2025, 12, 31),
            delivery: DocumentDelivery::InClinic,
            clinic: Some(ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }),
            comment: None,
        })
    }

    #[test]
    fn a_request_stored_before_versions_still_reads_as_version_one() {
        let stored = r#"{"kind":"document","document_type":"tax_deduction_certificate","period_from":"2026-01-01","period_until":"2026-06-30","delivery":"email","comment":null}"#;
        let content: RequestContent = serde_json::from_str(stored).unwrap();
        assert_eq!(content.kind(), RequestKind::Document);
        let RequestContent::Document(DocumentContent::V1(old)) = &content else {
            panic!("{content:?}");
        };
        assert_eq!(old.document_type, DocumentType::TaxDeductionCertificate);
        assert_eq!(content.summary(Locale::ru), "01.01.2026 – 30.06.2026");
        assert_eq!(content.summary(Locale::en), "1 Jan 2026 – 30 Jun 2026");
    }

    #[test]
    fn a_new_request_is_written_as_version_two_and_reads_back_the_same() {
        let content = RequestContent::Document(tax_request());
        let stored = serde_json::to_string(&content).unwrap();
        assert!(stored.contains(r#""kind":"document""#), "{stored}");
        assert!(stored.contains(r#""version":2"#), "{stored}");
        assert!(stored.contains(r#""document_type":"tax_deduction_certificate""#));
        assert_eq!(
            serde_json::from_str::<RequestContent>(&stored).unwrap(),
            content
        );
        let facts = content.facts(Locale::ru);
        assert!(facts.iter().any(|f| f.value == "500100732259"), "{facts:?}");
        assert!(facts
            .iter()
            .any(|f| f.value == "Клиника на Спиридоньевском"));
    }

    #[test]
    fn a_version_two_tax_certificate_without_its_payer_is_an_error_not_an_old_request() {
        let content = RequestContent::Document(tax_request());
        let mut stored: serde_json::Value = serde_json::to_value(&content).unwrap();
        stored.as_object_mut().unwrap().remove("taxpayer_inn");
        assert!(serde_json::from_value::<RequestContent>(stored).is_err());

        let future = r#"{"kind":"document","version":3,"document_type":"lab_results","period_from":"2026-01-01","period_until":"2026-06-30","delivery":"email","clinic":null,"comment":null}"#;
        assert!(serde_json::from_str::<RequestContent>(future).is_err());
    }

    fn given(agreement_email: Option<&str>) -> DocumentGiven {
        DocumentGiven {
            today: day(2026, 11, 26),
            clinics: vec![ClinicChoice {
                code: "spir".into(),
                name: "Клиника на Спиридоньевском".into(),
            }],
            agreement_email: agreement_email.map(str::to_owned),
        }
    }

    fn lab_results() -> DocumentForm {
        DocumentForm {
            document_type: "lab_results".into(),
            period_from: "2026-01-01".into(),
            period_until: "2026-06-30".into(),
            delivery: "email".into(),
            ..DocumentForm::default()
        }
    }

    fn tax_form() -> DocumentForm {
        DocumentForm {
            document_type: "tax_deduction_certificate".into(),
            taxpayer_name: "Смирнов Михаил Андреевич".into(),
            patient_name: "Смирнова Анна Сергеевна".into(),
            relation: "spouse".into(),
            taxpayer_inn: "5001 0073 2259".into(),
            tax_year: "2025".into(),
            delivery: "in_clinic".into(),
            clinic: "spir".into(),
            english_translation: "on".into(),
            ..DocumentForm::default()
        }
    }

    #[test]
    fn every_document_field_has_a_label_and_every_mistake_names_a_field() {
        let garbage = DocumentForm {
            document_type: "passport".into(),
            period_from: "вчера".into(),
            period_until: "31.02.2026".into(),
            delivery: "pigeon".into(),
            clinic: "nowhere".into(),
            comment: "я".repeat(LONG_TEXT_MAX + 1),
            ..DocumentForm::default()
        };
        super::super::checks::fields_are_labelled_and_mistakes_name_them(
            &given(Some("a@example.ru")),
            garbage,
        );
        let tax_garbage = DocumentForm {
            taxpayer_inn: "12345".into(),
            relation: "cousin".into(),
            tax_year: "1999".into(),
            ..tax_form()
        };
        super::super::checks::fields_are_labelled_and_mistakes_name_them(&given(None), tax_garbage);
    }

    #[test]
    fn a_document_period_runs_forward_and_not_into_the_future() {
        let given = given(Some("a@example.ru"));
        let content = lab_results().parse(&given).unwrap();
        assert_eq!(content.document_type(), DocumentType::LabResults);
        let problem = |from: &str, until: &str, field: &str| {
            DocumentForm {
                period_from: from.into(),
                period_until: until.into(),
                ..lab_results()
            }
            .parse(&given)
            .unwrap_err()
            .of(field)
        };
        assert_eq!(
            problem("2026-06-30", "2026-01-01", "period_until"),
            Some(Problem::PeriodReversed)
        );
        assert_eq!(
            problem("2026-01-01", "2026-11-27", "period_until"),
            Some(Problem::DateInFuture)
        );
        assert_eq!(
            problem("", "2026-11-01", "period_from"),
            Some(Problem::Required)
        );
        // Any past period will do for a document other than the certificate.
        let old = DocumentForm {
            period_from: "2001-01-01".into(),
            period_until: "2001-12-31".into(),
            ..lab_results()
        };
        assert!(old.parse(&given).is_ok());
    }

    #[test]
    fn email_delivery_needs_the_agreements_email_and_pick_up_needs_a_clinic() {
        let refused = lab_results().parse(&given(None)).unwrap_err();
        assert_eq!(refused.of("delivery"), Some(Problem::NoAgreementEmail));
        let no_clinic = DocumentForm {
            delivery: "in_clinic".into(),
            ..lab_results()
        };
        assert_eq!(
            no_clinic.parse(&given(None)).unwrap_err().of("clinic"),
            Some(Problem::Required)
        );
        let picked = DocumentForm {
            clinic: "spir".into(),
            ..no_clinic
        };
        let DocumentContent::V2(request) = picked.parse(&given(None)).unwrap() else {
            panic!("a new request is version 2");
        };
        assert_eq!(request.clinic.map(|c| c.code).as_deref(), Some("spir"));
        let emailed = DocumentForm {
            clinic: "spir".into(),
            ..lab_results()
        };
        let DocumentContent::V2(request) = emailed.parse(&given(Some("a@example.ru"))).unwrap()
        else {
            panic!("a new request is version 2");
        };
        assert_eq!(request.clinic, None, "a clinic means nothing for e-mail");
    }

    #[test]
    fn the_tax_certificate_needs_its_own_fields_a_right_inn_and_a_period_of_the_last_five_years() {
        let with_email = given(Some("a@example.ru"));
        let given = given(None);
        let DocumentContent::V2(request) = tax_form().parse(&given).unwrap() else {
            panic!("a new request is version 2");
        };
        assert_eq!(
            (request.period_from, request.period_until),
            (day(2025, 1, 1), day(2025, 12, 31))
        );
        let DocumentWanted::TaxDeductionCertificate(tax) = request.wanted else {
            panic!("{:?}", request.wanted);
        };
        assert_eq!(
            tax.taxpayer_inn, "500100732259",
            "kept without the spaces typed"
        );
        assert!(tax.english_translation);

        let errors = DocumentForm {
            taxpayer_name: " ".into(),
            relation: String::new(),
            taxpayer_inn: "500100732258".into(),
            ..tax_form()
        }
        .parse(&given)
        .unwrap_err();
        assert_eq!(errors.of("taxpayer_name"), Some(Problem::Required));
        assert_eq!(errors.of("relation"), Some(Problem::Required));
        assert_eq!(errors.of("taxpayer_inn"), Some(Problem::InnChecksum));

        let by_dates = |from: &str, until: &str| DocumentForm {
            tax_year: String::new(),
            period_from: from.into(),
            period_until: until.into(),
            ..tax_form()
        };
        assert!(by_dates("2021-01-01", "2021-03-31").parse(&given).is_ok());
        assert_eq!(
            by_dates("2020-12-31", "2021-03-31")
                .parse(&given)
                .unwrap_err()
                .of("period_from"),
            Some(Problem::TaxPeriodTooOld)
        );
        let old_year = DocumentForm {
            tax_year: "2020".into(),
            ..tax_form()
        };
        assert_eq!(
            old_year.parse(&given).unwrap_err().of("tax_year"),
            Some(Problem::ChoiceInvalid)
        );
        assert_eq!(tax_years(day(2026, 11, 26)), [2025, 2024, 2023, 2022, 2021]);
        // The other types ignore the certificate's fields.
        let lab = DocumentForm {
            taxpayer_inn: "garbage".into(),
            ..lab_results()
        };
        assert!(lab.parse(&with_email).is_ok());
    }
}
