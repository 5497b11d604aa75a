//! The desk's one clock: the system clock, moved by an offset that only tests set.
//! Every part reads it and nothing else: the store stamping events, jobs and rows, the
//! queue claiming due work, the escalation sweep, the web's link expiry, sessions,
//! throttles and "is this time still to come" checks (through `Store::now`). No code
//! outside this module reads `OffsetDateTime::now_utc()`, so a test that moves this
//! clock moves the whole desk.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::{Store, from_millis, millis};

/// The time as the desk sees it: the system clock, moved by an offset that only tests
/// set (to reach tomorrow morning without waiting). Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc() + Duration::milliseconds(self.offset_ms.load(Ordering::Relaxed));
        from_millis(millis(now))
    }

    /// Moves the clock so that it now reads `at` (and runs on from there).
    pub fn set(&self, at: OffsetDateTime) {
        let offset = at - OffsetDateTime::now_utc();
        self.offset_ms.store(offset.whole_milliseconds() as i64, Ordering::Relaxed);
    }

    pub fn advance(&self, by: Duration) {
        self.offset_ms.fetch_add(by.whole_milliseconds() as i64, Ordering::Relaxed);
    }
}

impl Store {
    /// The time as the desk sees it, at the precision the database keeps (so what a
    /// write returns equals what a later read gives).
    pub fn now(&self) -> OffsetDateTime {
        self.settings().clock.now()
    }
}
