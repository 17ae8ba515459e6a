//! The `thresh` binary: a thin command line over the `thresh` library.

mod cli;

fn main() -> std::process::ExitCode {
    fix_malloc_mmap_threshold();
    cli::main()
}

/// glibc starts with an mmap threshold of 128 KiB and raises it each time it frees a big
/// mapped block (up to 32 MiB); later big blocks then come from the heap, whose freed memory
/// stays resident. A huge document's per-line tables, made and freed in every heuristics
/// round, add up that way: a 201 MB stream peaked at 582 MiB. Holding the threshold at its
/// starting value keeps each big block mapped on its own and returned when freed: 527 MiB,
/// at the same speed. (A higher fixed value also overflows the small heap valgrind allows.)
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter, and no other thread runs yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_malloc_mmap_threshold() {}
