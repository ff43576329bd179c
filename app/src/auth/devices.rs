//! The devices a patient signs in on. Each browser gets a long-lived
//! cookie with a random token at sign-in; the cabinet keeps its hash per
//! patient. A sign-in from a device the patient's cabinet has not seen,
//! once it knows another one, is audited and — unless the patient turned
//! it off in «Настройки» — e-mailed to their recovery address.

use crate::context::{set_response_header, RequestMeta, ServerContext};
use crate::db::accounts::PatientAccount;
use crate::db::audit::Action;
use crate::db::known_devices::{self, Seen};
use crate::domain::device_label;
use crate::error::AppError;
use crate::mail::{self, locale_of, NewDeviceSignIn};
use crate::security::{new_session_token, token_hash, Secret};
use crate::write_unit::WriteUnit;

/// Whether a cookie's value can be a token we handed out (64 hex digits).
fn is_token(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Records the sign-in of `account` on this request's device in `unit`,
/// queues the new-device notice when it is due, and hands the device its
/// cookie (anew, so it lasts 400 days from this sign-in).
pub async fn note_sign_in(
    context: &ServerContext,
    unit: &mut WriteUnit,
    account: &PatientAccount,
    meta: &RequestMeta,
) -> Result<(), AppError> {
    let name = context.sessions.device_cookie_name();
    let token = crate::context::request_cookie(name)
        .filter(|value| is_token(value))
        .map(Secret::new)
        .unwrap_or_else(new_session_token);
    let seen = known_devices::sign_in_on(
        &mut unit.tx,
        account.patient_id,
        &token_hash(token.expose()),
        unit.now,
    )
    .await?;
    if seen == Seen::New {
        unit.audit(Action::NewDeviceSignedIn, None, "").await?;
        if account.new_device_mail {
            let device = device_label(&meta.user_agent);
            let message = mail::new_device_message(
                locale_of(&account.locale),
                &account.address_as,
                &NewDeviceSignIn {
                    at: unit.now,
                    device: &device,
                    ip: &unit.origin.ip,
                },
                &context.mail.public_url,
                &context.clinic,
            );
            unit.mail(&account.recovery_email, &message).await?;
        }
    }
    set_response_header(
        http::header::SET_COOKIE,
        &context.sessions.set_device_cookie(&token),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::is_token;

    #[test]
    fn only_a_token_we_could_have_made_is_taken_from_the_cookie() {
        assert!(is_token(&"ab12".repeat(16)));
        assert!(!is_token("short"));
        assert!(!is_token(&"zz".repeat(32)));
        assert!(!is_token(&"a".repeat(65)));
    }
}
