//! Random secrets from the operating system's CSPRNG: session tokens,
//! temporary credentials, recovery codes, CSP nonces — and the hash under
//! which a token is stored.

use super::Secret;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

pub(crate) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        hex.push(DIGITS[usize::from(byte >> 4)] as char);
        hex.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    hex
}

/// A session token: 256 random bits, as 64 hex digits.
pub fn new_session_token() -> Secret {
    Secret::new(to_hex(&random_bytes::<32>()))
}

/// The hash a token is stored under. A token has 256 random bits, so a fast
/// hash is enough: nobody can guess one from its hash.
pub fn token_hash(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

/// The hex SHA-256 of a file's bytes, kept to check them when read back.
pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

/// A uniformly random number below `bound`, without modulo bias.
fn below(bound: u32) -> u32 {
    let zone = u32::MAX - (u32::MAX % bound);
    loop {
        let value = OsRng.next_u32();
        if value < zone {
            return value % bound;
        }
    }
}

/// Characters that cannot be mistaken for each other on a printout.
pub(super) const PRINTABLE: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

pub(super) fn printable(len: usize) -> String {
    (0..len)
        .map(|_| PRINTABLE[below(PRINTABLE.len() as u32) as usize] as char)
        .collect()
}

/// A temporary login for reception to print: `t-` and 8 characters.
pub fn new_temporary_login() -> String {
    format!("t-{}", printable(8))
}

/// A temporary password for reception to print: 4 groups of 5 characters
/// (about 99 bits), long enough to pass the password rules itself.
pub fn new_temporary_password() -> Secret {
    let groups: Vec<String> = (0..4).map(|_| printable(5)).collect();
    Secret::new(groups.join("-"))
}

/// Random bytes from the operating system.
pub(super) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// A six-digit recovery code.
pub fn new_recovery_code() -> Secret {
    Secret::new(format!("{:06}", below(1_000_000)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn session_tokens_are_256_bits_and_do_not_repeat() {
        let tokens: HashSet<String> = (0..1000)
            .map(|_| new_session_token().expose().to_owned())
            .collect();
        assert_eq!(tokens.len(), 1000);
        assert!(tokens.iter().all(|t| t.len() == 64));
    }

    #[test]
    fn a_token_is_stored_as_its_sha256() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn temporary_credentials_and_codes_have_their_printed_shapes() {
        let login = new_temporary_login();
        assert!(login.starts_with("t-") && login.len() == 10);
        let password = new_temporary_password();
        assert_eq!(password.expose().chars().count(), 23);
        assert!(crate::domain::new_password_problem(
            password.expose(),
            &crate::domain::PasswordContext {
                login: &login,
                clinic_name: "Клиника",
                temporary_password: None
            }
        )
        .is_ok());
        let code = new_recovery_code();
        assert_eq!(code.expose().len(), 6);
        assert!(code.expose().chars().all(|c| c.is_ascii_digit()));
    }
}
