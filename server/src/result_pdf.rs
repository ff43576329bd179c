//! A lab result as a PDF the server makes, for an order the MIS sent no
//! PDF of: its panel, date and laboratory, then each value with its unit,
//! reference range and out-of-range mark — in the patient's language, in
//! DejaVu Sans (embedded, subset to the glyphs used, with a ToUnicode map
//! so the Cyrillic text can be searched and copied). No personal data.
//!
//! Written with `pdf-writer` and `subsetter` (both typst's) and read with
//! `ttf-parser`: small crates with no native code.

use app::sections::results::ResultDocument;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;

/// DejaVu Sans (Bitstream Vera licence: `server/fonts/DejaVuSans-LICENSE.txt`).
static FONT: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");

/// A4 in points, and the margins.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;

/// Where each column starts, and how wide it may be.
const COLUMNS: [(f32, f32); 5] = [
    (MARGIN, 160.0),
    (MARGIN + 165.0, 60.0),
    (MARGIN + 230.0, 55.0),
    (MARGIN + 290.0, 90.0),
    (MARGIN + 385.0, 110.0),
];

/// A piece of text placed on a page.
struct Placed {
    x: f32,
    y: f32,
    size: f32,
    text: String,
}

/// A line drawn on a page (the table's rules).
struct Rule {
    y: f32,
}

#[derive(Default)]
struct Page {
    texts: Vec<Placed>,
    rules: Vec<Rule>,
}

/// The font, read once per document.
struct Font<'a> {
    face: ttf_parser::Face<'a>,
    units_per_em: f32,
}

impl<'a> Font<'a> {
    fn load() -> Result<Font<'static>, String> {
        let face = ttf_parser::Face::parse(FONT, 0).map_err(|e| e.to_string())?;
        Ok(Font {
            units_per_em: f32::from(face.units_per_em()),
            face,
        })
    }

    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map_or(0, |g| g.0)
    }

    /// The glyph's advance in thousandths of the font size.
    fn advance(&self, glyph: u16) -> f32 {
        let units = self
            .face
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// `text` broken into lines no wider than `width`, at spaces where it
    /// can, else anywhere.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if self.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                line.push(c);
                if self.width(&line, size) > width && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                }
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }
}

/// Lays the document out on as many pages as it takes.
fn lay_out(font: &Font<'_>, document: &ResultDocument) -> Vec<Page> {
    const BODY: f32 = 9.5;
    const LEADING: f32 = 12.5;
    let mut pages = vec![Page::default()];
    let mut y = PAGE_HEIGHT - MARGIN - 18.0;
    let width = PAGE_WIDTH - 2.0 * MARGIN;
    let place = |pages: &mut Vec<Page>, x: f32, y: f32, size: f32, text: &str| {
        if let Some(page) = pages.last_mut() {
            page.texts.push(Placed {
                x,
                y,
                size,
                text: text.to_owned(),
            });
        }
    };
    for line in font.wrap(&document.title, 18.0, width) {
        place(&mut pages, MARGIN, y, 18.0, &line);
        y -= 24.0;
    }
    y -= 4.0;
    for (label, value) in &document.facts {
        for line in font.wrap(&format!("{label}: {value}"), 11.0, width) {
            place(&mut pages, MARGIN, y, 11.0, &line);
            y -= 15.0;
        }
    }
    y -= 10.0;
    let headings = |pages: &mut Vec<Page>, y: &mut f32| {
        let lines: Vec<Vec<String>> = document
            .headings
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, w))| font.wrap(text, BODY, w))
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for (column, lines) in lines.iter().enumerate() {
            for (i, line) in lines.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                let line_y = *y - i as f32 * LEADING;
                place(pages, COLUMNS[column].0, line_y, BODY, line);
            }
        }
        #[allow(clippy::cast_precision_loss)]
        let bottom = *y - (height as f32 - 1.0) * LEADING - 5.0;
        if let Some(page) = pages.last_mut() {
            page.rules.push(Rule { y: bottom });
        }
        *y = bottom - LEADING;
    };
    headings(&mut pages, &mut y);
    for row in &document.rows {
        let lines: Vec<Vec<String>> = row
            .iter()
            .zip(COLUMNS)
            .map(|(text, (_, w))| font.wrap(text, BODY, w))
            .collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        #[allow(clippy::cast_precision_loss)]
        let needed = height as f32 * LEADING;
        if y - needed < MARGIN + 20.0 {
            pages.push(Page::default());
            y = PAGE_HEIGHT - MARGIN - 10.0;
            headings(&mut pages, &mut y);
        }
        for (column, lines) in lines.iter().enumerate() {
            for (i, line) in lines.iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                let line_y = y - i as f32 * LEADING;
                place(&mut pages, COLUMNS[column].0, line_y, BODY, line);
            }
        }
        y -= needed + 3.0;
    }
    if y < MARGIN + 20.0 {
        pages.push(Page::default());
        y = PAGE_HEIGHT - MARGIN - 10.0;
    }
    for line in font.wrap(&document.footer, 8.5, width) {
        place(&mut pages, MARGIN, y - 6.0, 8.5, &line);
        y -= 11.0;
    }
    pages
}

/// The document as PDF bytes.
pub fn render(document: &ResultDocument) -> Result<Vec<u8>, String> {
    let font = Font::load()?;
    let pages = lay_out(&font, document);

    // The glyphs used, renumbered for the subset; their CIDs are the new ids.
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut used: BTreeMap<u16, (char, f32)> = BTreeMap::new();
    for placed in pages.iter().flat_map(|p| &p.texts) {
        for c in placed.text.chars() {
            let glyph = font.glyph(c);
            let cid = remapper.remap(glyph);
            used.entry(cid).or_insert((c, font.advance(glyph)));
        }
    }
    let subset = subsetter::subset(FONT, 0, &remapper).map_err(|e| format!("{e:?}"))?;

    let mut next = 1;
    let mut new_ref = || {
        let id = Ref::new(next);
        next += 1;
        id
    };
    let catalog_id = new_ref();
    let tree_id = new_ref();
    let info_id = new_ref();
    let type0_id = new_ref();
    let cid_id = new_ref();
    let descriptor_id = new_ref();
    let cmap_id = new_ref();
    let file_id = new_ref();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (new_ref(), new_ref())).collect();
    let font_name = Name(b"F1");
    let base_font = Name(b"ABCDEF+DejaVuSans");

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr(&document_lang(document)));
    pdf.document_info(info_id)
        .title(TextStr(&document.title))
        .producer(TextStr("Patient Cabinet"));
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(i32::try_from(page_ids.len()).map_err(|e| e.to_string())?);

    for (page, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut writer = pdf.page(*page_id);
        writer
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(*content_id);
        writer.resources().fonts().pair(font_name, type0_id);
        writer.finish();

        let mut content = Content::new();
        content.set_stroke_gray(0.6).set_line_width(0.5);
        for rule in &page.rules {
            content
                .move_to(MARGIN, rule.y)
                .line_to(PAGE_WIDTH - MARGIN, rule.y)
                .stroke();
        }
        content.set_fill_gray(0.1);
        for placed in &page.texts {
            let mut encoded = Vec::with_capacity(placed.text.len() * 2);
            for c in placed.text.chars() {
                let cid = remapper.get(font.glyph(c)).unwrap_or(0);
                encoded.extend_from_slice(&cid.to_be_bytes());
            }
            content
                .begin_text()
                .set_font(font_name, placed.size)
                .next_line(placed.x, placed.y)
                .show(Str(&encoded))
                .end_text();
        }
        pdf.stream(*content_id, &content.finish());
    }

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0_id)
        .base_font(base_font)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let mut cid_font = pdf.cid_font(cid_id);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base_font)
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    let mut widths = cid_font.widths();
    for (cid, (_, advance)) in &used {
        widths.consecutive(*cid, [*advance]);
    }
    widths.finish();
    cid_font.finish();

    let scale = |units: i16| f32::from(units) * 1000.0 / font.units_per_em;
    let bbox = font.face.global_bounding_box();
    pdf.font_descriptor(descriptor_id)
        .name(base_font)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(font.face.ascender()))
        .descent(scale(font.face.descender()))
        .cap_height(scale(
            font.face.capital_height().unwrap_or(font.face.ascender()),
        ))
        .stem_v(80.0)
        .font_file2(file_id);

    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (cid, (c, _)) in &used {
        cmap.pair(*cid, *c);
    }
    pdf.stream(cmap_id, &cmap.finish());
    pdf.stream(file_id, &subset);
    Ok(pdf.finish())
}

/// The document's language, as its title's script tells.
fn document_lang(document: &ResultDocument) -> String {
    if document
        .title
        .chars()
        .any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
    {
        "ru".to_owned()
    } else {
        "en".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(rows: usize) -> ResultDocument {
        ResultDocument {
            title: "Результаты анализов".into(),
            facts: vec![
                ("Исследование".into(), "Общий анализ крови".into()),
                ("Дата взятия".into(), "03.11.2026".into()),
            ],
            headings: [
                "Показатель".into(),
                "Результат".into(),
                "Ед.".into(),
                "Референсный интервал".into(),
                "Отметка".into(),
            ],
            rows: (0..rows)
                .map(|i| {
                    [
                        format!("Гемоглобин № {i}"),
                        "135,5".into(),
                        "г/л".into(),
                        "120–160".into(),
                        "↑ выше нормы".into(),
                    ]
                })
                .collect(),
            footer: "Сформировано Личным кабинетом пациента".into(),
        }
    }

    #[test]
    fn the_pdf_holds_its_cyrillic_text_for_a_reader_to_extract() {
        let bytes = render(&document(3)).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        let text = pdf.extract_text(&[1]).unwrap();
        for expected in [
            "Результаты анализов",
            "Гемоглобин № 2",
            "г/л",
            "Референсный",
        ] {
            assert!(text.contains(expected), "{expected:?} not in {text:?}");
        }
        // Subset: far smaller than the 740 KB font.
        assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
    }

    #[test]
    fn a_long_result_continues_on_more_pages() {
        let bytes = render(&document(120)).unwrap();
        let pdf = lopdf::Document::load_mem(&bytes).unwrap();
        assert!(pdf.get_pages().len() >= 3);
        let last = u32::try_from(pdf.get_pages().len()).unwrap();
        assert!(pdf.extract_text(&[last]).unwrap().contains("Сформировано"));
    }
}
