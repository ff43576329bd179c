//! Per-IP rate limits on the forms that check a password or send mail
//! (sign-in, activation, recovery): a burst is allowed, then requests are
//! answered "too many" until the bucket refills. The buckets live in the
//! database ([`crate::db::rate_limits`]), so every instance of the server
//! behind one proxy counts the same attempts. This guards against one
//! address trying many logins; the per-login lockout (also in the database)
//! guards each account against many addresses.

use crate::db::{rate_limits, Db};
use chrono::{DateTime, Utc};
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How many attempts one address may make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Attempts allowed at once.
    pub burst: u32,
    /// Attempts regained per minute.
    pub per_minute: u32,
}

impl Default for RateLimit {
    fn default() -> RateLimit {
        RateLimit {
            burst: 20,
            per_minute: 10,
        }
    }
}

impl RateLimit {
    /// Milliseconds between two regained attempts.
    pub fn interval_ms(self) -> i64 {
        60_000 / i64::from(self.per_minute.max(1))
    }

    /// How far the schedule of allowed attempts may run ahead of now: one
    /// whole burst.
    pub fn tolerance_ms(self) -> i64 {
        self.interval_ms() * i64::from(self.burst.max(1))
    }

    /// How long to wait when the schedule stands at `allowed_at_ms` and
    /// one more attempt was refused at `now_ms`.
    pub fn wait(self, allowed_at_ms: i64, now_ms: i64) -> Duration {
        let next = allowed_at_ms.max(now_ms) + self.interval_ms() - self.tolerance_ms();
        Duration::from_millis(u64::try_from(next - now_ms).unwrap_or(0))
    }
}

/// The key an address is counted under: an IPv6 address by its /64, since
/// one household or phone gets a whole /64 and could otherwise pick a fresh
/// address for every attempt.
fn bucket_of(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            segments[4..].fill(0);
            IpAddr::V6(segments.into())
        }
    }
}

/// Spends attempts from an address's bucket in the database.
#[derive(Clone, Debug)]
pub struct IpRateLimiter {
    limit: RateLimit,
    /// Attempts counted by this process: every [`PRUNE_EVERY`]th also
    /// forgets the buckets that are full again, so the table stays small.
    counted: Arc<AtomicU64>,
}

const PRUNE_EVERY: u64 = 1000;

impl IpRateLimiter {
    pub fn new(limit: RateLimit) -> IpRateLimiter {
        IpRateLimiter {
            limit,
            counted: Arc::new(AtomicU64::new(0)),
        }
    }

    /// `Ok(Ok(()))` if `ip` may make one more attempt at `now`; otherwise
    /// how long to wait.
    pub async fn check(
        &self,
        db: &Db,
        ip: IpAddr,
        now: DateTime<Utc>,
    ) -> Result<Result<(), Duration>, sqlx::Error> {
        if self.counted.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            rate_limits::forget_full(db, now).await?;
        }
        let bucket = format!("ip:{}", bucket_of(ip));
        rate_limits::spend(db, &bucket, self.limit, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_ahead_of_now_and_then_one_attempt_per_interval() {
        let limit = RateLimit {
            burst: 3,
            per_minute: 1,
        };
        assert_eq!(limit.interval_ms(), 60_000);
        assert_eq!(limit.tolerance_ms(), 180_000);
        // Three attempts at once moved the schedule three minutes ahead:
        // the next attempt is allowed one minute from now.
        assert_eq!(limit.wait(180_000, 0), Duration::from_secs(60));
        assert_eq!(limit.wait(180_000, 30_000), Duration::from_secs(30));
        // A schedule that has fallen behind waits for nothing.
        assert_eq!(limit.wait(0, 500_000), Duration::ZERO);
    }

    #[test]
    fn a_limit_of_zero_still_means_one_attempt_per_minute() {
        let limit = RateLimit {
            burst: 0,
            per_minute: 0,
        };
        assert_eq!(limit.interval_ms(), 60_000);
        assert_eq!(limit.tolerance_ms(), 60_000);
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_bucket() {
        assert_eq!(
            bucket_of("2001:db8:1:2::1".parse().unwrap()),
            bucket_of("2001:db8:1:2:ffff::9".parse().unwrap())
        );
        assert_ne!(
            bucket_of("2001:db8:1:2::1".parse().unwrap()),
            bucket_of("2001:db8:1:3::1".parse().unwrap())
        );
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(bucket_of(v4), v4);
    }
}
