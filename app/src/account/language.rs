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
