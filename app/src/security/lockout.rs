//! Growing delays after failed attempts at one login: the first few
//! failures cost nothing, then each one locks the login for twice as long as
//! the one before, up to an hour. A success forgets the count; so does a day
//! without failures.

use crate::db::failures::Failures;
use chrono::{DateTime, Duration, Utc};

/// Failures allowed before the first lock.
pub const FREE_FAILURES: i32 = 5;
const FIRST_LOCK: Duration = Duration::minutes(1);
const LONGEST_LOCK: Duration = Duration::hours(1);
/// A quiet day forgets earlier failures.
const MEMORY: Duration = Duration::days(1);

/// When the login may be tried again, if it is locked at `now`.
pub fn locked_until(failures: Option<&Failures>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    failures
        .and_then(|f| f.locked_until)
        .filter(|until| *until > now)
}

/// The failures after one more failure at `now`.
pub fn after_failure(previous: Option<&Failures>, now: DateTime<Utc>) -> Failures {
    let count = match previous {
        Some(f) if now - f.last_failure_at < MEMORY => f.count.saturating_add(1),
        _ => 1,
    };
    let locked_until = (count >= FREE_FAILURES).then(|| now + lock_for(count));
    Failures {
        count,
        last_failure_at: now,
        locked_until,
    }
}

/// How long the `count`-th failure locks the login.
fn lock_for(count: i32) -> Duration {
    let doublings = (count - FREE_FAILURES).clamp(0, 10) as u32;
    let lock = FIRST_LOCK * 2i32.pow(doublings);
    lock.min(LONGEST_LOCK)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + Duration::minutes(minutes)
    }

    #[test]
    fn four_failures_cost_nothing_and_the_fifth_locks_for_a_minute() {
        let mut failures = None;
        for minute in 0..4 {
            let next = after_failure(failures.as_ref(), at(minute));
            assert_eq!(next.locked_until, None);
            failures = Some(next);
        }
        let fifth = after_failure(failures.as_ref(), at(4));
        assert_eq!(fifth.count, 5);
        assert_eq!(fifth.locked_until, Some(at(5)));
        assert_eq!(locked_until(Some(&fifth), at(4)), Some(at(5)));
        assert_eq!(locked_until(Some(&fifth), at(5)), None);
    }

    #[test]
    fn each_further_failure_doubles_the_lock_up_to_an_hour() {
        let mut failures = Failures {
            count: 5,
            last_failure_at: at(0),
            locked_until: Some(at(1)),
        };
        let mut locks = Vec::new();
        for step in 1..=8 {
            failures = after_failure(Some(&failures), at(step * 100));
            locks.push((failures.locked_until.unwrap() - at(step * 100)).num_minutes());
        }
        assert_eq!(locks, vec![2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_day_without_failures_forgets_the_count() {
        let old = Failures {
            count: 9,
            last_failure_at: at(0),
            locked_until: Some(at(60)),
        };
        let next = after_failure(Some(&old), at(24 * 60 + 1));
        assert_eq!(next.count, 1);
        assert_eq!(next.locked_until, None);
    }
}
