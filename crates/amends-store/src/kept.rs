//! Settings read from the database and kept in the process for a few seconds: every
//! page and every message reads them, and an admin seldom changes them.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a kept value is used before it is read again: a change made on another
/// instance sharing the database shows within this.
const FRESH: Duration = Duration::from_secs(5);

/// One value, kept for [`FRESH`]; a change made on this instance forgets it at once.
pub(crate) struct Kept<T>(Mutex<Option<(Instant, T)>>);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Kept(Mutex::new(None))
    }
}

impl<T: Clone> Kept<T> {
    /// The value, while it is fresh.
    pub(crate) fn fresh(&self) -> Option<T> {
        let kept = self.0.lock().ok()?;
        kept.as_ref().filter(|(at, _)| at.elapsed() < FRESH).map(|(_, value)| value.clone())
    }

    pub(crate) fn keep(&self, value: T) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some((Instant::now(), value));
        }
    }

    /// Drops the value, after a change made here.
    pub(crate) fn forget(&self) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = None;
        }
    }
}
