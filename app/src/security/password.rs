//! Password hashing with argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane),
//! stored as PHC strings so the parameters travel with each hash, and hashed
//! off the async threads behind a semaphore so a burst of sign-ins neither
//! stalls other requests nor exhausts memory.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::fmt;
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;

/// A password or token: never printed, never serialized.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PasswordHashError {
    /// Every hashing place is taken: the caller is answered "busy" at once
    /// instead of waiting in a queue without end.
    #[error("every password check is busy")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

/// The parameters new hashes are made with.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

fn argon2() -> Result<Argon2<'static>, PasswordHashError> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| PasswordHashError::Failed(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string. CPU-heavy: call it through [`Hasher`].
pub fn hash_password(password: &Secret) -> Result<String, PasswordHashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()?
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordHashError::Failed(e.to_string()))
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &Secret, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.expose().as_bytes(), &parsed)
        .is_ok()
}

/// Whether `hash` was made with weaker parameters (or another algorithm)
/// than new hashes are, and should be replaced at the next sign-in.
pub fn needs_rehash(hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return true;
    };
    if parsed.algorithm.as_str() != "argon2id" || parsed.version != Some(0x13) {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    params.m_cost() < MEMORY_KIB || params.t_cost() < PASSES || params.p_cost() < LANES
}

/// A hash of a random password nobody knows: verifying against it when a
/// login does not exist takes as long as a real check, so the answer's
/// timing does not tell whether the login exists.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let mut random = [0u8; 32];
    argon2::password_hash::rand_core::RngCore::fill_bytes(&mut OsRng, &mut random);
    let password = Secret::new(super::token::to_hex(&random));
    hash_password(&password).unwrap_or_default()
});

/// Computes the dummy hash now (at start-up), so the first unknown login is
/// not the one answer that takes twice as long.
pub fn prepare_dummy_hash() {
    LazyLock::force(&DUMMY_HASH);
}

/// Runs argon2 on the blocking thread pool, at most `permits` at a time,
/// with at most `waiting` more checks queued behind them; beyond that a
/// check is refused at once ([`PasswordHashError::Busy`]). Each check holds
/// 19 MiB for about 50 ms: a burst of sign-ins is answered "busy" quickly
/// rather than piling up memory and waiting time for everyone else.
#[derive(Clone, Debug)]
pub struct Hasher {
    permits: Arc<Semaphore>,
    places: Arc<Semaphore>,
}

/// Checks queued per core behind the running ones.
pub const WAITING_PER_CORE: usize = 8;

/// The outcome of checking a password.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verified {
    Yes { needs_rehash: bool },
    No,
}

impl Verified {
    pub fn matched(self) -> bool {
        matches!(self, Verified::Yes { .. })
    }
}

impl Hasher {
    pub fn new(permits: usize, waiting: usize) -> Hasher {
        let permits = permits.max(1);
        Hasher {
            permits: Arc::new(Semaphore::new(permits)),
            places: Arc::new(Semaphore::new(permits + waiting)),
        }
    }

    /// One permit per core (hashing is CPU-bound), and a queue of
    /// [`WAITING_PER_CORE`] checks per core: at about 50 ms a check, the
    /// last in the queue waits under half a second.
    pub fn for_this_machine() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher::new(cores, cores * WAITING_PER_CORE)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PasswordHashError> {
        let _place = self
            .places
            .try_acquire()
            .map_err(|_| PasswordHashError::Busy)?;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| PasswordHashError::Failed(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| PasswordHashError::Failed(e.to_string()))
    }

    pub async fn hash(&self, password: Secret) -> Result<String, PasswordHashError> {
        self.run(move || hash_password(&password)).await?
    }

    /// Checks `password` against `hash`, or against a dummy hash when there
    /// is no account, taking the same time either way.
    pub async fn verify(
        &self,
        password: Secret,
        hash: Option<String>,
    ) -> Result<Verified, PasswordHashError> {
        self.run(move || match hash {
            Some(hash) if verify_password(&password, &hash) => Verified::Yes {
                needs_rehash: needs_rehash(&hash),
            },
            Some(_) => Verified::No,
            None => {
                let _ = verify_password(&password, &DUMMY_HASH);
                Verified::No
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let hash = hash_password(&Secret::new("correct horse battery staple")).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(
            &Secret::new("correct horse battery staple"),
            &hash
        ));
        assert!(!verify_password(
            &Secret::new("correct horse battery stapler"),
            &hash
        ));
        assert!(!verify_password(&Secret::new("x"), "not a phc string"));
    }

    #[test]
    fn a_secret_never_shows_in_debug_output() {
        assert_eq!(format!("{:?}", Secret::new("hunter2")), "Secret(***)");
    }

    #[test]
    fn hashes_with_weaker_parameters_are_marked_for_rehashing() {
        let current = hash_password(&Secret::new("x")).unwrap();
        assert!(!needs_rehash(&current));
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"x", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weak));
        let argon2i = Argon2::new(
            Algorithm::Argon2i,
            Version::V0x13,
            Params::new(MEMORY_KIB, PASSES, LANES, None).unwrap(),
        )
        .hash_password(b"x", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&argon2i));
        assert!(verify_password(&Secret::new("x"), &weak));
    }

    #[tokio::test]
    async fn the_hasher_answers_no_for_a_missing_account_after_doing_the_same_work() {
        let hasher = Hasher::new(1, 0);
        let hash = hasher.hash(Secret::new("a long passphrase")).await.unwrap();
        assert_eq!(
            hasher
                .verify(Secret::new("a long passphrase"), Some(hash.clone()))
                .await
                .unwrap(),
            Verified::Yes {
                needs_rehash: false
            }
        );
        assert_eq!(
            hasher
                .verify(Secret::new("wrong"), Some(hash))
                .await
                .unwrap(),
            Verified::No
        );
        assert_eq!(
            hasher
                .verify(Secret::new("a long passphrase"), None)
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn checks_beyond_the_running_and_the_queued_are_refused_at_once() {
        let hasher = Hasher::new(1, 2);
        let checks: Vec<_> = (0..6)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify(Secret::new("p"), None).await })
            })
            .collect();
        let mut busy = 0;
        for check in checks {
            match check.await.unwrap() {
                Ok(Verified::No) => {}
                Err(PasswordHashError::Busy) => busy += 1,
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(busy, 3);
        // Once they are done, there is room again.
        assert!(hasher.verify(Secret::new("p"), None).await.is_ok());
    }
}
