//! The second step of signing in: one-time codes from an authenticator app
//! (TOTP, RFC 6238 — HMAC-SHA-1, 6 digits, 30-second steps, one step either
//! side allowed for a phone's clock), recovery codes for a lost app, and
//! the QR code that hands the secret to the app, drawn as SVG here so that
//! no script or picture service ever sees it.

use super::token::{random_bytes, token_hash, PRINTABLE};
use chrono::{DateTime, Utc};
use qrcodegen::{QrCode, QrCodeEcc};
use totp_rs::{Builder, Secret as TotpSecret, Totp};

/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;

/// Seconds per one-time code.
const STEP_SECONDS: i64 = 30;

/// A new authenticator secret: 160 random bits (RFC 4226's
/// recommendation), as base32 without padding.
pub fn new_secret() -> String {
    TotpSecret::from(random_bytes::<20>()).to_base32()
}

/// The secret in groups of four, for typing it into an app by hand.
pub fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

fn builder(secret: &str) -> Option<Builder> {
    let secret = TotpSecret::try_from_base32(secret).ok()?;
    Some(Builder::new().with_secret(secret).with_skew(0))
}

fn totp(secret: &str) -> Option<Totp> {
    builder(secret)?.build().ok()
}

/// The `otpauth://` address an authenticator app reads from the QR code:
/// the app shows the clinic's name and the login. A colon would end the
/// label early, so none is kept.
pub fn otpauth_uri(secret: &str, issuer: &str, login: &str) -> Option<String> {
    let clean = |text: &str| text.replace(':', " ").trim().to_owned();
    builder(secret)?
        .with_issuer(Some(clean(issuer)))
        .with_account_name(clean(login))
        .build()
        .ok()?
        .to_url()
        .ok()
}

/// The 30-second step `now` falls in.
pub fn step_at(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECONDS)
}

/// The code of `step` (for tests, and for nothing else).
pub fn code_at_step(secret: &str, step: i64) -> Option<String> {
    let time = u64::try_from(step * STEP_SECONDS).ok()?;
    Some(totp(secret)?.generate(time).to_string())
}

/// The step whose code `code` is, among the step of `now` and the one on
/// either side, if that step is later than `after` — the latest step
/// already taken, so that a code works once.
pub fn accepted_step(secret: &str, code: &str, now: DateTime<Utc>, after: i64) -> Option<i64> {
    let totp = totp(secret)?;
    let current = step_at(now);
    (current - 1..=current + 1)
        .filter(|step| *step > after)
        .find(|step| {
            u64::try_from(step * STEP_SECONDS)
                .ok()
                .and_then(|time| totp.check(code, time))
                .is_some()
        })
}

/// What was typed at the second step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypedCode {
    /// Six digits: a code from the app.
    OneTime(String),
    /// A recovery code, without its dashes and spaces, in lower case.
    Recovery(String),
    /// Neither: wrong, whatever it was meant to be.
    Neither,
}

/// Reads a typed code: spaces and dashes are ignored, and so is case.
pub fn parse_code(typed: &str) -> TypedCode {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
        TypedCode::OneTime(compact)
    } else if compact.len() == RECOVERY_CODE_CHARS
        && compact.bytes().all(|b| PRINTABLE.contains(&b))
    {
        TypedCode::Recovery(compact)
    } else {
        TypedCode::Neither
    }
}

/// Printable characters in a recovery code, dashes aside.
const RECOVERY_CODE_CHARS: usize = 15;

/// A new recovery code: three groups of five printable characters (about
/// 74 bits: its SHA-256 cannot be reversed by trying them all).
pub fn new_recovery_code() -> String {
    let chars = super::token::printable(RECOVERY_CODE_CHARS);
    format!("{}-{}-{}", &chars[..5], &chars[5..10], &chars[10..])
}

/// The hash a recovery code is stored under, whichever way it was typed.
pub fn recovery_code_hash(code: &str) -> Option<String> {
    match parse_code(code) {
        TypedCode::Recovery(compact) => Some(token_hash(&compact)),
        _ => None,
    }
}

/// `text` as a QR code, drawn as one SVG path with a quiet zone of four
/// modules; `label` names it for screen readers.
pub fn qr_svg(text: &str, label: &str) -> Option<String> {
    let qr = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let border = 4;
    let mut path = String::new();
    for y in 0..size {
        for x in 0..size {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    let view = size + 2 * border;
    let label = label
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {view} {view}\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{view}\" height=\"{view}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// RFC 6238's SHA-1 secret, "12345678901234567890", in base32.
    const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_are_those_of_rfc_6238_appendix_b() {
        // The RFC's 8-digit values end in these 6 digits.
        for (time, code) in [
            (59, "287082"),
            (1_111_111_109, "081804"),
            (1_234_567_890, "005924"),
            (2_000_000_000, "279037"),
        ] {
            let now = Utc.timestamp_opt(time, 0).unwrap();
            assert_eq!(
                code_at_step(RFC_SECRET, step_at(now)).as_deref(),
                Some(code)
            );
        }
    }

    #[test]
    fn a_code_is_taken_one_step_either_side_and_only_after_the_last_taken() {
        let now = Utc.timestamp_opt(1_234_567_890, 0).unwrap();
        let step = step_at(now);
        let code = code_at_step(RFC_SECRET, step).unwrap();
        assert_eq!(accepted_step(RFC_SECRET, &code, now, 0), Some(step));
        let earlier = code_at_step(RFC_SECRET, step - 1).unwrap();
        assert_eq!(accepted_step(RFC_SECRET, &earlier, now, 0), Some(step - 1));
        let too_old = code_at_step(RFC_SECRET, step - 2).unwrap();
        assert_eq!(accepted_step(RFC_SECRET, &too_old, now, 0), None);
        // Taken once: not again.
        assert_eq!(accepted_step(RFC_SECRET, &code, now, step), None);
        assert_eq!(accepted_step(RFC_SECRET, "000000", now, 0), None);
    }

    #[test]
    fn a_new_secret_is_160_bits_and_makes_an_otpauth_address() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
        let uri = otpauth_uri(&secret, "Клиника: Центр", "ivanov").unwrap();
        assert!(uri.starts_with("otpauth://totp/"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")), "{uri}");
        assert!(uri.contains("ivanov"), "{uri}");
        assert_eq!(grouped("ABCDEFGHIJ"), "ABCD EFGH IJ");
    }

    #[test]
    fn typed_codes_are_read_without_spaces_dashes_or_case() {
        assert_eq!(parse_code(" 123 456 "), TypedCode::OneTime("123456".into()));
        let code = new_recovery_code();
        assert_eq!(code.len(), 17);
        let compact = code.replace('-', "");
        assert_eq!(
            parse_code(&code.to_uppercase()),
            TypedCode::Recovery(compact.clone())
        );
        assert_eq!(
            recovery_code_hash(&code),
            recovery_code_hash(&compact.to_uppercase())
        );
        assert_eq!(parse_code("12345"), TypedCode::Neither);
        assert_eq!(parse_code("abcdefghjkmnpq1"), TypedCode::Neither);
    }

    #[test]
    fn the_qr_code_is_an_svg_path_with_its_label() {
        let svg = qr_svg("otpauth://totp/x?secret=AAAA", "QR <code>").unwrap();
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("aria-label=\"QR &lt;code>\""));
        assert!(svg.matches('M').count() > 100);
    }
}
