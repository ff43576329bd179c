//! Passkeys (WebAuthn, with `webauthn-rs`): the cabinet as the relying
//! party a patient's phone or computer keeps a key for. The browser signs a
//! random challenge with the key after the patient unlocks it (a
//! fingerprint, a face, the device's PIN — user verification is always
//! asked), and the server checks the signature against the public key it
//! kept when the key was added. Nothing secret ever leaves the device.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use std::time::Duration;
use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// How long the browser waits for the patient to unlock the key.
pub const CEREMONY_TIME: Duration = Duration::from_secs(180);

/// The relying party's id and origin for the cabinet at `public_url`: its
/// host name and the address the browser shows. Browsers refuse passkeys
/// on a bare IP address, so a cabinet on this computer's loopback address
/// (the default one) is `localhost`, on the same port; another IP address
/// has none.
pub fn relying_party(public_url: &str) -> Option<(String, Url)> {
    let mut origin = Url::parse(public_url).ok()?;
    let loopback = matches!(origin.host_str(), Some("127.0.0.1" | "[::1]"));
    if loopback {
        origin.set_host(Some("localhost")).ok()?;
    }
    let id = origin.domain()?.to_owned();
    origin.set_path("");
    Some((id, origin))
}

/// The cabinet's relying party, named after the clinic in the device's
/// prompt; none where `public_url` has no host name. On this computer
/// (`localhost`) any port is the cabinet's: a device keeps one key for
/// `localhost` whatever the port, and a server started on a free port (a
/// test, a second instance) is still the same cabinet.
pub fn relying_party_of(public_url: &str, clinic_name: &str) -> Option<Webauthn> {
    let (id, origin) = relying_party(public_url)?;
    WebauthnBuilder::new(&id, &origin)
        .ok()?
        .allow_any_port(id == "localhost")
        .rp_name(clinic_name)
        .timeout(CEREMONY_TIME)
        .build()
        .ok()
}

/// A credential id as it is kept and looked up: base64url, no padding.
pub fn credential_key(id: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(id)
}

/// The longest name a patient may give a key.
pub const MAX_NAME_CHARS: usize = 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cabinet_on_a_host_name_is_its_own_relying_party() {
        let (id, origin) = relying_party("https://lk.clinic.ru").unwrap();
        assert_eq!(id, "lk.clinic.ru");
        assert_eq!(origin.as_str(), "https://lk.clinic.ru/");
        assert!(relying_party_of("https://lk.clinic.ru", "Клиника").is_some());
    }

    #[test]
    fn a_cabinet_on_the_loopback_address_is_localhost_on_the_same_port() {
        let (id, origin) = relying_party("http://127.0.0.1:3300").unwrap();
        assert_eq!(id, "localhost");
        assert_eq!(origin.as_str(), "http://localhost:3300/");
        let (id, _) = relying_party("http://[::1]:3000").unwrap();
        assert_eq!(id, "localhost");
    }

    #[test]
    fn a_cabinet_on_another_ip_address_has_no_passkeys() {
        assert!(relying_party("http://10.0.0.5:3000").is_none());
        assert!(relying_party_of("http://10.0.0.5:3000", "Клиника").is_none());
        assert!(relying_party("not a url").is_none());
    }

    #[test]
    fn credential_ids_are_kept_as_unpadded_base64url() {
        assert_eq!(credential_key(&[0xfb, 0xff, 0x01]), "-_8B");
    }
}
