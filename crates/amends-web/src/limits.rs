//! Rate limits for the public doors (the complaint form, customer links, sign-in):
//! a fixed window of requests per key. Over the limit a request gets 429 with
//! `Retry-After`. Kept in memory: each instance limits what it serves.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub requests: u32,
    pub per: Duration,
}

#[derive(Debug, Clone)]
pub struct Limits {
    /// Failed sign-ins per address.
    pub sign_in: Limit,
    /// Failed sign-ins per account (email), from any address: slows a spread-out
    /// guessing of one password. A person who mistypes a few times is not affected.
    pub sign_in_account: Limit,
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
            sign_in_account: Limit { requests: 10, per: Duration::from_secs(15 * 60) },
            complaint: Limit { requests: 5, per: Duration::from_secs(60) },
            link: Limit { requests: 60, per: Duration::from_secs(60) },
            request_deadline: Duration::from_secs(60),
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// A bucket's name and the key counted in it (an address, an email).
type WindowKey = (&'static str, String);
/// When the window started, and the requests counted in it.
type Window = (Instant, u32);

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<WindowKey, Window>>,
}

impl RateLimiter {
    /// Counts one request for `key` in `bucket`. Err carries the seconds to wait.
    pub fn check(&self, bucket: &'static str, key: &str, limit: Limit) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(mut windows) = self.windows.lock() else { return Ok(()) };
        if windows.len() > 100_000 {
            // Forget finished windows so that many clients cannot grow the map forever.
            windows.retain(|_, (start, _)| now.duration_since(*start) < limit.per);
        }
        let entry = windows.entry((bucket, key.to_owned())).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.per {
            *entry = (now, 0);
        }
        entry.1 += 1;
        if entry.1 > limit.requests {
            let wait = limit.per.saturating_sub(now.duration_since(entry.0));
            return Err(wait.as_secs().max(1));
        }
        Ok(())
    }

    pub fn check_ip(&self, bucket: &'static str, ip: IpAddr, limit: Limit) -> Result<(), u64> {
        self.check(bucket, &ip.to_string(), limit)
    }

    /// Whether `key` is already over its limit, without counting a request.
    pub fn peek(&self, bucket: &'static str, key: &str, limit: Limit) -> Result<(), u64> {
        let now = Instant::now();
        let Ok(windows) = self.windows.lock() else { return Ok(()) };
        match windows.get(&(bucket, key.to_owned())) {
            Some((start, count)) if now.duration_since(*start) < limit.per && *count >= limit.requests => {
                Err(limit.per.saturating_sub(now.duration_since(*start)).as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Sign-in throttling, asked before the password is checked: refused while the
    /// address or the account has had too many failures lately. Err carries the
    /// seconds to wait. A right password is refused too while throttled, so guessing
    /// learns nothing from a throttled try.
    pub fn sign_in_allowed(&self, limits: &Limits, ip: IpAddr, email: &str) -> Result<(), u64> {
        self.peek("sign_in_ip", &ip.to_string(), limits.sign_in)?;
        self.peek("sign_in_account", &email.trim().to_lowercase(), limits.sign_in_account)
    }

    /// Counts a failed sign-in against the address and the account.
    pub fn sign_in_failed(&self, limits: &Limits, ip: IpAddr, email: &str) {
        let _ = self.check("sign_in_ip", &ip.to_string(), limits.sign_in);
        let _ = self.check("sign_in_account", &email.trim().to_lowercase(), limits.sign_in_account);
    }
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

    #[test]
    fn sign_in_is_throttled_per_address_and_per_account() {
        let limiter = RateLimiter::default();
        let limits = Limits {
            sign_in: Limit { requests: 3, per: Duration::from_secs(60) },
            sign_in_account: Limit { requests: 2, per: Duration::from_secs(60) },
            ..Limits::default()
        };
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        assert!(limiter.sign_in_allowed(&limits, a, "ann@x.example").is_ok());
        limiter.sign_in_failed(&limits, a, "ann@x.example");
        limiter.sign_in_failed(&limits, b, "ANN@x.example ");
        assert!(limiter.sign_in_allowed(&limits, a, "bob@x.example").is_ok(), "another account from a");
        assert!(limiter.sign_in_allowed(&limits, b, "ann@x.example").is_err(), "the account, from anywhere");
        limiter.sign_in_failed(&limits, a, "c@x.example");
        limiter.sign_in_failed(&limits, a, "d@x.example");
        assert!(limiter.sign_in_allowed(&limits, a, "e@x.example").is_err(), "the address, for any account");
        assert!(limiter.sign_in_allowed(&limits, b, "e@x.example").is_ok());
    }
}
