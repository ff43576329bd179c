//! Texts with values in them. A locale text names its values in braces —
//! «Заявка {number}: {status}» — and [`fill`] puts them in, so a sentence
//! is one text in each language, never glued from fragments, and each
//! language orders its values as its grammar needs.

use crate::i18n::Locale;

/// `template` with each `{name}` replaced by its value from `values`; a
/// value is never read for braces again. A name `values` lacks stays as it
/// is (a test of the locale files keeps both languages' names the same).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after
            .find('}')
            .map(|close| (&after[..close], &after[close + 1..]))
            .and_then(|(name, tail)| {
                values
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| (*value, tail))
            });
        match named {
            Some((value, tail)) => {
                out.push_str(value);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text before and after `{name}` in `template`, for a page that
/// shows the value in its own element (a number in bold).
pub fn around<'a>(template: &'a str, name: &str) -> (&'a str, &'a str) {
    let placeholder = format!("{{{name}}}");
    template
        .split_once(placeholder.as_str())
        .unwrap_or((template, ""))
}

/// The three forms of a counted noun, as a locale file keeps them under
/// `one`, `few` and `many`: «{count} заявка», «{count} заявки»,
/// «{count} заявок». English says the same in `few` and `many`.
pub struct CountForms {
    pub one: &'static str,
    pub few: &'static str,
    pub many: &'static str,
}

/// `count` with the form of the noun its language needs (CLDR's rules for
/// whole numbers): Russian 1, 21, 101 → one; 2–4, 22–24 → few; 0, 5–20,
/// 25–30, 111–114 → many. English 1 → one, everything else many.
pub fn counted(locale: Locale, count: u64, forms: CountForms) -> String {
    let form = match locale {
        Locale::ru => match (count % 10, count % 100) {
            (1, tens) if tens != 11 => forms.one,
            (2..=4, tens) if !(12..=14).contains(&tens) => forms.few,
            _ => forms.many,
        },
        Locale::en if count == 1 => forms.one,
        Locale::en => forms.many,
    };
    fill(form, &[("count", &count.to_string())])
}

/// [`counted`] with the forms kept under `$key` in the locale files:
/// `count_text!(locale, home.open_count, 5)`.
#[macro_export]
macro_rules! count_text {
    ($locale:expr, $($key:ident).+, $count:expr) => {{
        let locale = $locale;
        $crate::texts::counted(
            locale,
            $count,
            $crate::texts::CountForms {
                one: $crate::i18n::td_string!(locale, $($key).+.one),
                few: $crate::i18n::td_string!(locale, $($key).+.few),
                many: $crate::i18n::td_string!(locale, $($key).+.many),
            },
        )
    }};
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[test]
    fn a_count_takes_the_form_of_the_noun_its_language_needs() {
        let requests = || CountForms {
            one: "{count} заявка",
            few: "{count} заявки",
            many: "{count} заявок",
        };
        let ru = |n| counted(Locale::ru, n, requests());
        for (n, form) in [
            (0, "заявок"),
            (1, "заявка"),
            (2, "заявки"),
            (4, "заявки"),
            (5, "заявок"),
            (11, "заявок"),
            (12, "заявок"),
            (14, "заявок"),
            (21, "заявка"),
            (22, "заявки"),
            (25, "заявок"),
            (101, "заявка"),
            (111, "заявок"),
            (112, "заявок"),
            (1_000_003, "заявки"),
        ] {
            assert_eq!(ru(n), format!("{n} {form}"));
        }
        let en = |n| {
            counted(
                Locale::en,
                n,
                CountForms {
                    one: "{count} request",
                    few: "{count} requests",
                    many: "{count} requests",
                },
            )
        };
        assert_eq!(en(1), "1 request");
        assert_eq!(en(0), "0 requests");
        assert_eq!(en(21), "21 requests");
    }

    #[test]
    fn values_go_in_by_name_in_the_order_the_language_needs() {
        assert_eq!(
            fill(
                "Заявка {number}: {status}",
                &[("status", "Принята"), ("number", "З-1")]
            ),
            "Заявка З-1: Принята"
        );
        assert_eq!(
            fill("{a}{b} {a}", &[("a", "1"), ("b", "{a}")]),
            "1{a} 1",
            "a value is not filled again"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
        assert_eq!(around("Номер {number}.", "number"), ("Номер ", "."));
    }

    /// Every text of a locale file with the names of its values.
    fn texts(json: &str) -> BTreeMap<String, BTreeSet<String>> {
        fn walk(
            prefix: &str,
            value: &serde_json::Value,
            out: &mut BTreeMap<String, BTreeSet<String>>,
        ) {
            match value {
                serde_json::Value::Object(map) => {
                    for (key, value) in map {
                        walk(&format!("{prefix}.{key}"), value, out);
                    }
                }
                serde_json::Value::String(text) => {
                    let names = text
                        .split('{')
                        .skip(1)
                        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
                        .collect();
                    out.insert(prefix.to_owned(), names);
                }
                _ => {}
            }
        }
        let mut out = BTreeMap::new();
        walk("", &serde_json::from_str(json).unwrap(), &mut out);
        out
    }

    #[test]
    fn both_languages_have_every_text_with_the_same_values() {
        let ru = texts(include_str!("../locales/ru.json"));
        let en = texts(include_str!("../locales/en.json"));
        assert_eq!(ru.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
        for (key, names) in &ru {
            assert_eq!(Some(names), en.get(key), "the values of {key}");
        }
    }
}
