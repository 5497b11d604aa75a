//! Rate limits for the public doors (the complaint form, customer links, sign-in):
//! a fixed window of requests per key. Over the limit a request gets 429 with
//! `Retry-After`. Kept in memory: each instance limits what it serves.
//!
//! Password guesses (sign-in, a password change) are slowed per account *and* address
//! with growing delays, never per account alone: whoever guesses slows only themselves,
//! and the owner signing in from another address is never locked out by them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use amends_store::Clock;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub requests: u32,
    pub per: Duration,
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed sign-ins per address, whatever the account.
    pub sign_in: Limit,
    /// Failed password tries per account and address (sign-in, password change): a
    /// person who mistypes a few times is not affected; past that, each failure doubles
    /// the wait.
    pub guesses: Backoff,
    pub complaint: Limit,
    pub link: Limit,
    /// The longest a request may take from its headers to its answer, reading the body
    /// included; past it the client gets 408 and the connection is closed.
    pub request_deadline: Duration,
    /// The longest a client may take to send a request's headers; past it the
    /// connection is closed without an answer.
    pub header_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in: Limit { requests: 20, per: Duration::from_secs(60) },
            guesses: Backoff { free: 5, first: Duration::from_secs(1), longest: Duration::from_secs(15 * 60) },
            complaint: Limit { requests: 5, per: Duration::from_secs(60) },
            link: Limit { requests: 60, per: Duration::from_secs(60) },
            request_deadline: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// Growing delays: the first `free` failures in a row cost nothing; then each one
/// makes the next try wait, `first` and doubling up to `longest`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub free: u32,
    pub first: Duration,
    pub longest: Duration,
}

impl Backoff {
    /// How long to wait after `failures` failures in a row.
    pub fn wait_after(self, failures: u32) -> Duration {
        match failures.checked_sub(self.free) {
            None => Duration::ZERO,
            Some(past) => self.first.saturating_mul(1 << past.min(20)).min(self.longest),
        }
    }
}

/// Failures in a row for one key, the last one's time, and until when the key waits.
#[derive(Debug, Clone, Copy)]
struct Streak {
    failures: u32,
    last: OffsetDateTime,
    until: OffsetDateTime,
}

/// A bucket's name and the key counted in it (an address, an email).
type WindowKey = (&'static str, String);
/// When the window started, and the requests counted in it.
type Window = (OffsetDateTime, u32);

/// Counts requests and failures per key, on the desk's clock (so a test moves time past
/// a window or a delay instead of waiting for it).
#[derive(Default)]
pub struct RateLimiter {
    clock: Clock,
    windows: Mutex<HashMap<WindowKey, Window>>,
    streaks: Mutex<HashMap<WindowKey, Streak>>,
}

/// How long from `then` to `now`; nothing if `then` is later.
fn since(now: OffsetDateTime, then: OffsetDateTime) -> Duration {
    Duration::try_from(now - then).unwrap_or(Duration::ZERO)
}

impl RateLimiter {
    pub fn new(clock: Clock) -> Self {
        Self { clock, ..Self::default() }
    }

    /// Counts one request for `key` in `bucket`. Err carries the seconds to wait.
    pub fn check(&self, bucket: &'static str, key: &str, limit: Limit) -> Result<(), u64> {
        let now = self.clock.now();
        let Ok(mut windows) = self.windows.lock() else { return Ok(()) };
        if windows.len() > 100_000 {
            // Forget finished windows so that many clients cannot grow the map forever.
            windows.retain(|_, (start, _)| since(now, *start) < limit.per);
        }
        let entry = windows.entry((bucket, key.to_owned())).or_insert((now, 0));
        if since(now, entry.0) >= limit.per {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > limit.requests {
            let wait = limit.per.saturating_sub(since(now, entry.0));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    pub fn check_ip(&self, bucket: &'static str, ip: IpAddr, limit: Limit) -> Result<(), u64> {
        self.check(bucket, &ip.to_string(), limit)
    }

    /// Whether `key` is already over its limit, without counting a request.
    pub fn peek(&self, bucket: &'static str, key: &str, limit: Limit) -> Result<(), u64> {
        let now = self.clock.now();
        let Ok(windows) = self.windows.lock() else { return Ok(()) };
        match windows.get(&(bucket, key.to_owned())) {
            Some((start, count)) if since(now, *start) < limit.per && *count >= limit.requests => {
                Err(limit.per.saturating_sub(since(now, *start)).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Password guessing, asked before the password is checked: refused while the
    /// address has had too many failures lately (any account), or this account from
    /// this address is waiting out its delay. Err carries the seconds to wait. A right
    /// password is refused too while waiting, so guessing learns nothing from it.
    pub fn guess_allowed(&self, limits: &Limits, ip: IpAddr, account: &str) -> Result<(), u64> {
        self.peek("sign_in_ip", &ip.to_string(), limits.sign_in)?;
        let now = self.clock.now();
        let Ok(streaks) = self.streaks.lock() else { return Ok(()) };
        match streaks.get(&guess_key(ip, account)) {
            Some(streak) if streak.until > now => Err(since(streak.until, now).as_secs_f64().ceil() as u64),
            _ => Ok(()),
        }
    }

    /// Counts a wrong password against the address and against this account from it.
    pub fn guess_failed(&self, limits: &Limits, ip: IpAddr, account: &str) {
        let _ = self.check("sign_in_ip", &ip.to_string(), limits.sign_in);
        let now = self.clock.now();
        let Ok(mut streaks) = self.streaks.lock() else { return };
        // A streak is forgotten once it has been quiet as long as the longest wait.
        let forget = limits.guesses.longest.max(Duration::from_secs(60));
        if streaks.len() > 100_000 {
            streaks.retain(|_, s| since(now, s.last) < forget);
        }
        let streak = streaks.entry(guess_key(ip, account)).or_insert(Streak { failures: 0, last: now, until: now });
        if since(now, streak.last) >= forget {
            streak.failures = 0;
        }
        streak.failures = streak.failures.saturating_add(1);
        streak.last = now;
        streak.until = now + limits.guesses.wait_after(streak.failures);
    }

    /// The right password: this account from this address starts afresh.
    pub fn guess_succeeded(&self, ip: IpAddr, account: &str) {
        if let Ok(mut streaks) = self.streaks.lock() {
            streaks.remove(&guess_key(ip, account));
        }
    }
}

fn guess_key(ip: IpAddr, account: &str) -> WindowKey {
    ("guess", format!("{ip} {}", account.trim().to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_counts_and_refuses_past_the_limit() {
        let limiter = RateLimiter::default();
        let limit = Limit { requests: 2, per: Duration::from_secs(60) };
        assert!(limiter.check("t", "a", limit).is_ok());
        assert!(limiter.check("t", "a", limit).is_ok());
        let wait = limiter.check("t", "a", limit).unwrap_err();
        assert!((1..=60).contains(&wait));
        assert!(limiter.check("t", "b", limit).is_ok(), "keys are counted apart");
    }

    fn limits() -> Limits {
        Limits {
            sign_in: Limit { requests: 6, per: Duration::from_secs(60) },
            guesses: Backoff { free: 2, first: Duration::from_secs(10), longest: Duration::from_secs(60) },
            ..Limits::default()
        }
    }

    #[test]
    fn guesses_wait_longer_and_longer() {
        let b = limits().guesses;
        let waits: Vec<u64> = (0..8).map(|n| b.wait_after(n).as_secs()).collect();
        assert_eq!(waits, [0, 0, 10, 20, 40, 60, 60, 60]);
        assert_eq!(b.wait_after(u32::MAX), b.longest);
    }

    #[test]
    fn a_guesser_slows_only_themselves() {
        let limiter = RateLimiter::default();
        let limits = limits();
        let (attacker, owner): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!(limiter.guess_allowed(&limits, attacker, "ann@x.example").is_ok());
        limiter.guess_failed(&limits, attacker, "ann@x.example");
        assert!(limiter.guess_allowed(&limits, attacker, "ann@x.example").is_ok(), "a mistype is free");
        limiter.guess_failed(&limits, attacker, "ANN@x.example ");
        let wait = limiter.guess_allowed(&limits, attacker, "ann@x.example").unwrap_err();
        assert_eq!(wait, 10, "the same account from the same address waits");
        assert!(limiter.guess_allowed(&limits, owner, "ann@x.example").is_ok(), "the owner elsewhere does not");
        assert!(limiter.guess_allowed(&limits, attacker, "bob@x.example").is_ok(), "another account from there");
        limiter.guess_failed(&limits, owner, "ann@x.example");
        limiter.guess_succeeded(owner, "ann@x.example");
        limiter.guess_failed(&limits, owner, "ann@x.example");
        assert!(limiter.guess_allowed(&limits, owner, "ann@x.example").is_ok(), "a success starts afresh");
    }

    #[test]
    fn an_address_guessing_many_accounts_is_refused_for_all() {
        let limiter = RateLimiter::default();
        let limits = limits();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for n in 0..6 {
            limiter.guess_failed(&limits, a, &format!("user{n}@x.example"));
        }
        assert!(limiter.guess_allowed(&limits, a, "new@x.example").is_err(), "the address, for any account");
        assert!(limiter.guess_allowed(&limits, b, "new@x.example").is_ok());
    }
}
