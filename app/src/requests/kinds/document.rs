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

use super::{ClinicChoice, Fact, Facts, KindContent};
use crate::domain::request::day_text;
use crate::i18n::{td_string, Locale};
use chrono::NaiveDate;
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
    fn summary_line(&self) -> String {
        let (from, until) = self.period();
        format!("{} – {}", day_text(from), day_text(until))
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
            .add(td_string!(locale, document.period), self.summary_line())
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
        assert_eq!(content.summary(), "01.01.2026 – 30.06.2026");
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
}
