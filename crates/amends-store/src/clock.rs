//! The clock the job queue and the staff alerts read: the system clock, moved by an
//! offset that only tests set. Its own module because everything that waits (jobs,
//! alerts, sweeps) reads it, not only the business hours.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use time::{Duration, OffsetDateTime};

use crate::{Store, from_millis, millis};

/// The time as the job queue and the clocks of staff alerts see it: the system clock,
/// moved by an offset that only tests set (to reach tomorrow morning without waiting).
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
    /// The time as the queue and the alerts' clocks see it.
    pub fn now(&self) -> OffsetDateTime {
        self.settings().clock.now()
    }
}
