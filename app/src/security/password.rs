//! Password hashing with argon2id (OWASP's minimum: 19 MiB, 2 passes, 1 lane),
//! stored as PHC strings so the parameters travel with each hash, and hashed
//! off the async threads, on a few threads of its own with a bounded queue,
//! so a burst of sign-ins neither stalls other requests nor exhausts memory.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::fmt;
use std::sync::{mpsc, Arc, LazyLock, Mutex};
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

/// Runs argon2 on `password` with `salt` and the given algorithm, version
/// and parameters, in `memory` — grown to what the parameters need, and
/// kept by the caller for the next hash: the PHC hash.
fn compute<'a>(
    password: &[u8],
    salt: Salt<'a>,
    algorithm: Algorithm,
    version: Version,
    params: Params,
    memory: &mut Vec<Block>,
) -> argon2::password_hash::Result<PasswordHash<'a>> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let blocks = params.block_count();
    if memory.len() < blocks {
        memory.resize(blocks, Block::default());
    }
    let argon2 = Argon2::new(algorithm, version, params.clone());
    let output_len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(output_len, |out| {
        Ok(argon2.hash_password_into_with_memory(
            password,
            salt_bytes,
            out,
            &mut memory[..blocks],
        )?)
    })?;
    Ok(PasswordHash {
        algorithm: algorithm.ident(),
        version: Some(version.into()),
        params: ParamsString::try_from(&params)?,
        salt: Some(salt),
        hash: Some(output),
    })
}

/// [`hash_password`] in `memory`.
fn hash_in(password: &Secret, memory: &mut Vec<Block>) -> Result<String, PasswordHashError> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None)
        .map_err(|e| PasswordHashError::Failed(e.to_string()))?;
    compute(
        password.expose().as_bytes(),
        salt.as_salt(),
        Algorithm::Argon2id,
        Version::V0x13,
        params,
        memory,
    )
    .map(|hash| hash.to_string())
    .map_err(|e| PasswordHashError::Failed(e.to_string()))
}

/// [`verify_password`] in `memory`.
fn verify_in(password: &Secret, hash: &str, memory: &mut Vec<Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return false;
    };
    let (Ok(algorithm), Ok(version), Ok(params)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed
            .version
            .map(Version::try_from)
            .transpose()
            .map(Option::unwrap_or_default),
        Params::try_from(&parsed),
    ) else {
        return false;
    };
    compute(
        password.expose().as_bytes(),
        salt,
        algorithm,
        version,
        params,
        memory,
    )
    // `Output` compares in constant time.
    .is_ok_and(|computed| computed.hash == Some(expected))
}

/// Hashes a password into a PHC string. CPU-heavy: call it through [`Hasher`].
pub fn hash_password(password: &Secret) -> Result<String, PasswordHashError> {
    hash_in(password, &mut Vec::new())
}

/// Whether `password` matches the PHC string `hash`. A malformed hash never matches.
pub fn verify_password(password: &Secret, hash: &str) -> bool {
    verify_in(password, hash, &mut Vec::new())
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

/// Runs argon2 on threads of its own, one per permit, with at most
/// `waiting` more checks queued behind them; beyond that a check is refused
/// at once ([`PasswordHashError::Busy`]). Each check works in 19 MiB for
/// about 50 ms: a burst of sign-ins is answered "busy" quickly rather than
/// piling up memory and waiting time for everyone else.
///
/// Each thread keeps its 19 MiB from one check to the next. Allocated and
/// freed for every check, on whichever of the runtime's blocking threads
/// ran it, the allocator kept them per thread: 32 sign-ins took the server
/// from 44 MB to 313 MB (BENCHMARKS.md, issue 16); kept, two threads hold
/// 38 MiB.
#[derive(Clone, Debug)]
pub struct Hasher {
    jobs: mpsc::Sender<Job>,
    places: Arc<Semaphore>,
}

/// A check for a hashing thread, given that thread's memory.
type Job = Box<dyn FnOnce(&mut Vec<Block>) + Send>;

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
    /// `threads` hashing threads (they end when the last clone of the
    /// hasher is dropped) and room for `waiting` checks behind them.
    pub fn new(threads: usize, waiting: usize) -> Hasher {
        let threads = threads.max(1);
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let started = std::thread::Builder::new()
                .name(format!("argon2-{n}"))
                .spawn(move || {
                    let mut memory = Vec::new();
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        let Ok(job) = job else { return };
                        // A panicking check loses its answer (the caller
                        // hears an error), not the thread.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                            job(&mut memory)
                        }));
                    }
                });
            if let Err(error) = started {
                tracing::error!(%error, "cannot start a password hashing thread");
            }
        }
        Hasher {
            jobs,
            places: Arc::new(Semaphore::new(threads + waiting)),
        }
    }

    /// A thread for every other core (at least one), so that a burst of
    /// sign-ins leaves the other half of the machine to the pages (with a
    /// thread per core, argon2 alone can keep every core busy), and a queue
    /// of [`WAITING_PER_CORE`] checks per core.
    pub fn for_this_machine() -> Hasher {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hasher::new((cores / 2).max(1), cores * WAITING_PER_CORE)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<Block>) -> T + Send + 'static,
    ) -> Result<T, PasswordHashError> {
        let _place = self
            .places
            .try_acquire()
            .map_err(|_| PasswordHashError::Busy)?;
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |memory| {
                let _ = answer.send(work(memory));
            }))
            .map_err(|_| PasswordHashError::Failed("no password hashing thread runs".into()))?;
        answered
            .await
            .map_err(|_| PasswordHashError::Failed("a password check failed".into()))
    }

    pub async fn hash(&self, password: Secret) -> Result<String, PasswordHashError> {
        self.run(move |memory| hash_in(&password, memory)).await?
    }

    /// Checks `password` against `hash`, or against a dummy hash when there
    /// is no account, taking the same time either way.
    pub async fn verify(
        &self,
        password: Secret,
        hash: Option<String>,
    ) -> Result<Verified, PasswordHashError> {
        self.run(move |memory| match hash {
            Some(hash) if verify_in(&password, &hash, memory) => Verified::Yes {
                needs_rehash: needs_rehash(&hash),
            },
            Some(_) => Verified::No,
            None => {
                let _ = verify_in(&password, &DUMMY_HASH, memory);
                Verified::No
            }
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

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
        // The same hash as argon2's own hasher makes, checked by its own
        // verifier: hashes stored before and after stay interchangeable.
        use argon2::password_hash::PasswordVerifier;
        let parsed = PasswordHash::new(&hash).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse battery staple", &parsed)
            .is_ok());
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
