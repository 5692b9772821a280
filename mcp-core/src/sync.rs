//! Locking that survives a panicking holder: every mutex in the crate guards plain data that a
//! panic cannot leave half-updated in a way later users could not cope with.

use std::sync::{Mutex, MutexGuard};

/// Locks `mutex`, taking the data over from a holder that panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}
