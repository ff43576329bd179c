//! Texts with values in them. A locale text names its values in braces —
//! «Заявка {number}: {status}» — and [`fill`] puts them in, so a sentence
//! is one text in each language, never glued from fragments, and each
//! language orders its values as its grammar needs.

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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

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
