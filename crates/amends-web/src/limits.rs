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
    pub sign_in: Limit,
    pub complaint: Limit,
    pub link: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            sign_in: Limit { requests: 20, per: Duration::from_secs(60) },
            complaint: Limit { requests: 5, per: Duration::from_secs(60) },
            link: Limit { requests: 60, per: Duration::from_secs(60) },
        }
    }
}

/// (bucket, key) → (window start, requests in it).
type Windows = HashMap<(&'static str, String), (Instant, u32)>;

#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
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
}
