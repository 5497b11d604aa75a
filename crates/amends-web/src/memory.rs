//! Giving back the memory the server's start used and freed.
//!
//! Building the OpenAPI document and compiling the coaches' rules take about twice the
//! memory the server keeps; glibc's allocator returns freed memory to the system only
//! from the top of its heap, so without a word the process would stay resident at that
//! peak for its whole life (about 10 MB of a 50 MB idle footprint).

/// Asks the allocator to return the pages it holds free to the system: once, when the
/// start's work is done and before the first request, so it stalls nobody.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[expect(unsafe_code, reason = "malloc_trim is a C function of glibc")]
pub fn give_back_freed() {
    // SAFETY: `malloc_trim` takes no pointer and touches only glibc's own free lists,
    // under the locks every allocation takes.
    let released = unsafe { libc::malloc_trim(0) } == 1;
    tracing::debug!(released, "freed memory given back after start");
}

/// Elsewhere (musl, macOS) the allocator gives freed memory back by itself.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back_freed() {}
