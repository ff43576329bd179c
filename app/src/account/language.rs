//! The language a person reads the cabinet in: kept in a cookie on the
//! device and, for a signed-in patient, in their account (the mail we send
//! them follows it).

use crate::context::{server_context, set_response_header, signed_in};
use crate::db::accounts;
use crate::domain::{FieldErrors, Problem};
use crate::error::AppError;
use crate::i18n::Locale;
use leptos_i18n::Locale as _;

/// The cookie the server reads the language from
/// ([`crate::context::request_meta`]).
pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

/// Keeps `locale` ("ru" or "en") as the person's language. A plain form
/// post (the switch works without the wasm) is sent back to the page it
/// came from by leptos.
pub async fn choose_language(locale: &str) -> Result<(), AppError> {
    let locale = match locale {
        "ru" => Locale::ru,
        "en" => Locale::en,
        _ => {
            return Err(AppError::Validation(FieldErrors::one(
                "locale",
                Problem::ChoiceInvalid,
            )))
        }
    };
    let name = locale.as_str();
    set_response_header(
        http::header::SET_COOKIE,
        &format!("{LOCALE_COOKIE}={name}; Path=/; Max-Age=31536000; SameSite=Lax"),
    );
    if let Some(patient) = signed_in().patient {
        let context = server_context()?;
        accounts::set_locale(&context.db, patient.patient_id, name).await?;
    }
    Ok(())
}

/// The first of our languages a browser's `Accept-Language` asks for, by
/// its weights (`q`), the earlier one on a tie: "en-GB,en;q=0.9,ru;q=0.8"
/// is English, "de,ru;q=0.5" Russian, "de" none of ours, "en;q=0" refused.
pub fn language_asked_for(accept_language: &str) -> Option<Locale> {
    let mut best: Option<(f32, Locale)> = None;
    for item in accept_language.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or("").trim();
        let weight = parts
            .find_map(|param| param.trim().strip_prefix("q="))
            .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())
            .filter(|q| (0.0..=1.0).contains(q));
        let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
        let locale = match primary.as_str() {
            "ru" => Locale::ru,
            "en" => Locale::en,
            _ => continue,
        };
        if let Some(weight) = weight.filter(|q| *q > 0.0) {
            if best.is_none_or(|(best, _)| weight > best) {
                best = Some((weight, locale));
            }
        }
    }
    best.map(|(_, locale)| locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_language_is_the_heaviest_of_ours_it_asks_for() {
        let asked = |header| language_asked_for(header);
        assert_eq!(asked("en-US,en;q=0.9"), Some(Locale::en));
        assert_eq!(
            asked("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7"),
            Some(Locale::ru)
        );
        assert_eq!(asked("en-GB,en;q=0.9,ru;q=0.8"), Some(Locale::en));
        assert_eq!(asked("de-DE,de;q=0.9,ru;q=0.5,en;q=0.4"), Some(Locale::ru));
        assert_eq!(asked("ru;q=0.3, EN;q=0.6"), Some(Locale::en));
        assert_eq!(
            asked("en;q=0.8,ru;q=0.8"),
            Some(Locale::en),
            "a tie keeps the first"
        );
        assert_eq!(asked("de,fr"), None);
        assert_eq!(asked("en;q=0,de"), None, "q=0 refuses a language");
        assert_eq!(
            asked("en;q=abc,ru;q=2"),
            None,
            "a broken weight is not a wish"
        );
        assert_eq!(asked("*"), None);
        assert_eq!(asked(""), None);
    }
}
