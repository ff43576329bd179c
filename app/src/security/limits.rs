//! Per-IP rate limits on the forms that check a password or send mail
//! (sign-in, activation, recovery), with the `governor` crate: a burst is
//! allowed, then requests are answered "too many" until the bucket refills.
//! This guards against one address trying many logins; the per-login
//! lockout guards each account against many addresses.

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
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

#[derive(Clone, Debug)]
pub struct IpRateLimiter {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl IpRateLimiter {
    pub fn new(limit: RateLimit) -> IpRateLimiter {
        let per_minute = NonZeroU32::new(limit.per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new(limit.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        IpRateLimiter {
            limiter: Arc::new(RateLimiter::keyed(
                Quota::per_minute(per_minute).allow_burst(burst),
            )),
        }
    }

    /// `Ok` if `ip` may make one more attempt now; otherwise how long to wait.
    pub fn check(&self, ip: IpAddr) -> Result<(), Duration> {
        self.limiter
            .check_key(&bucket_of(ip))
            .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))?;
        // Forget addresses whose buckets are full again, so the map stays small.
        if self.limiter.len() > 10_000 {
            self.limiter.retain_recent();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gets_its_burst_and_then_waits_while_others_go_on() {
        let limiter = IpRateLimiter::new(RateLimit {
            burst: 3,
            per_minute: 1,
        });
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(limiter.check(one).is_ok());
        }
        let wait = limiter.check(one).unwrap_err();
        assert!(wait > Duration::from_secs(50) && wait <= Duration::from_secs(60));
        assert!(limiter.check(two).is_ok());
    }

    #[test]
    fn ipv6_addresses_of_one_64_share_a_bucket() {
        let limiter = IpRateLimiter::new(RateLimit {
            burst: 1,
            per_minute: 1,
        });
        assert!(limiter.check("2001:db8:1:2::1".parse().unwrap()).is_ok());
        assert!(limiter
            .check("2001:db8:1:2:ffff::9".parse().unwrap())
            .is_err());
        assert!(limiter.check("2001:db8:1:3::1".parse().unwrap()).is_ok());
    }
}
