//! The editors' text as HTML a patient's page can hold: Markdown (bold,
//! italics, lists, headings, links, quotes) and nothing that runs. Raw
//! HTML is shown as the text it is; pictures inside the text are left out
//! (an item has its own, checked picture); a link goes only to `http(s):`,
//! `mailto:` or a page of ours, else it is plain text; headings start
//! below the page's own.

use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// Whether a link may be followed from a patient's page.
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:")
        || (lower.starts_with('/') && !lower.starts_with("//"))
}

/// A heading two levels down: the page has its title and the item's.
fn lower(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The text as safe HTML.
pub fn render(markdown: &str) -> String {
    let mut kept_links: Vec<bool> = Vec::new();
    let events =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| match event {
            Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => None,
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let keep = safe_link(&dest_url);
                kept_links.push(keep);
                keep.then_some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            }
            Event::End(TagEnd::Link) => kept_links
                .pop()
                .unwrap_or(false)
                .then_some(Event::End(TagEnd::Link)),
            Event::Start(Tag::Heading {
                level,
                id: _,
                classes: _,
                attrs: _,
            }) => Some(Event::Start(Tag::Heading {
                level: lower(level),
                id: None,
                classes: Vec::new(),
                attrs: Vec::new(),
            })),
            Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(lower(level)))),
            other => Some(other),
        });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// The first paragraph as plain text, cut short: what a list shows.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let mut text = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::End(TagEnd::Paragraph) if !text.is_empty() => break,
            _ => {}
        }
    }
    let cut: String = text.chars().take(max_chars).collect();
    if cut.chars().count() < text.chars().count() {
        format!("{}…", cut.trim_end())
    } else {
        cut
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_its_html() {
        let html = render("# Часы работы\n\nС **1 января** клиника *открыта*.\n\n- пн–пт\n- сб");
        assert!(html.contains("<h3>Часы работы</h3>"), "{html}");
        assert!(html.contains("<strong>1 января</strong>") && html.contains("<em>открыта</em>"));
        assert!(html.contains("<li>пн–пт</li>"));
    }

    #[test]
    fn html_and_scripts_are_shown_as_text_and_never_run() {
        for evil in [
            "<script>alert(1)</script>",
            "Текст <img src=x onerror=alert(1)> дальше",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<a href=\"javascript:alert(1)\">жми</a>",
        ] {
            let html = render(evil);
            assert!(
                !html.contains("<script")
                    && !html.contains("<img")
                    && !html.contains("<iframe")
                    && !html.contains("<a "),
                "{evil} → {html}"
            );
        }
        assert!(render("<script>alert(1)</script>").contains("&lt;script&gt;"));
    }

    #[test]
    fn only_safe_links_are_links_and_pictures_are_left_out() {
        let html = render("[сайт](https://emcmos.ru) [раздел](/promotions) [x](javascript:alert(1)) [y](//evil.example) <javascript:alert(2)> ![p](https://evil.example/p.png)");
        assert!(
            html.contains("<a href=\"https://emcmos.ru\">сайт</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"/promotions\">раздел</a>"));
        assert!(
            !html.contains("javascript:alert(1)\"") && !html.contains("href=\"//"),
            "{html}"
        );
        assert!(!html.contains("<img"));
        assert!(
            html.contains(">x<") || html.contains(" x "),
            "the text of a refused link stays: {html}"
        );
    }

    #[test]
    fn an_excerpt_is_the_first_paragraph_cut_short() {
        assert_eq!(
            excerpt("Первый **абзац**.\n\nВторой.", 100),
            "Первый абзац."
        );
        assert_eq!(excerpt("абвгд", 3), "абв…");
    }
}
