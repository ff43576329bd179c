//! What the PDF of a result says, in the reader's language: the server
//! lays it out and writes it (`server/src/result_pdf.rs`).

use super::ResultDetail;
use crate::i18n::{td_string, Locale};

/// The document's text.
pub struct ResultDocument {
    /// «Результаты анализов».
    pub title: String,
    /// Label and value lines under the title: panel, date, laboratory.
    pub facts: Vec<(String, String)>,
    /// The table's column headings.
    pub headings: [String; 5],
    /// One row per value: name, value, unit, reference range, mark.
    pub rows: Vec<[String; 5]>,
    /// The last line: who made the document, and when.
    pub footer: String,
}

/// The result as the PDF shows it, in `locale`.
pub fn pdf_document(
    detail: &ResultDetail,
    locale: Locale,
    clinic: &str,
    at: &str,
) -> ResultDocument {
    let order = &detail.order;
    ResultDocument {
        title: td_string!(locale, results.pdf_title).to_owned(),
        facts: vec![
            (
                td_string!(locale, results.pdf_panel).to_owned(),
                order.panel.clone(),
            ),
            (
                td_string!(locale, results.taken_on).to_owned(),
                crate::domain::request::day_text(order.taken_on, locale),
            ),
            (
                td_string!(locale, results.lab).to_owned(),
                order.lab.clone(),
            ),
        ],
        headings: [
            td_string!(locale, results.analyte).to_owned(),
            td_string!(locale, results.value).to_owned(),
            td_string!(locale, results.unit).to_owned(),
            td_string!(locale, results.reference).to_owned(),
            td_string!(locale, results.pdf_mark).to_owned(),
        ],
        rows: detail
            .analytes
            .iter()
            .map(|a| {
                [
                    a.name.clone(),
                    a.value(locale),
                    a.unit.clone().unwrap_or_default(),
                    a.reference(locale),
                    a.mark.map(|m| m.text(locale)).unwrap_or_default(),
                ]
            })
            .collect(),
        footer: crate::texts::fill(
            td_string!(locale, results.pdf_footer),
            &[("clinic", clinic), ("at", at)],
        ),
    }
}
