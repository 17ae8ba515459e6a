//! The `thresh` binary: a thin command line over the `thresh` library.

mod cli;

fn main() -> std::process::ExitCode {
    fix_malloc_mmap_threshold();
    cli::main()
}

/// glibc raises its mmap threshold each time it frees a big mapped block (up to 32 MiB);
/// later big blocks then come from the heap, whose freed memory stays resident. A huge
/// document's per-line tables, made and freed in every heuristics round, then add up: a
/// 201 MB stream peaked at 596 MB. A fixed threshold keeps each block over 1 MiB mapped on its
/// own and returned when freed: 540 MB, at the same speed. Pages are far below 1 MiB of
/// tables and are unaffected.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn fix_malloc_mmap_threshold() {
    // SAFETY: mallopt only sets an allocator parameter, and no other thread runs yet.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn fix_malloc_mmap_threshold() {}
