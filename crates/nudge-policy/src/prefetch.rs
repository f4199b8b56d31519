//! Prefetch hints. A sweep evaluates many accounts whose ledgers are not in cache; starting the
//! loads of what `evaluate` will read next, while it works on what it has, is the largest single
//! speed-up on a large sweep (see the crate's benchmark). Hints never change results.

/// Asks the CPU to start loading the memory of `items` (up to 256 bytes of it). A no-op on
/// architectures without a prefetch hint (wasm).
#[inline(always)]
pub(crate) fn prefetch<T>(items: &[T]) {
    #[cfg(target_arch = "x86_64")]
    {
        let base = items.as_ptr().cast::<i8>();
        let size = std::mem::size_of_val(items).min(256);
        let mut offset = 0;
        while offset < size {
            // SAFETY: a prefetch hint never faults and reads nothing into the program; the
            // address lies inside `items`, which is borrowed for the duration of the call.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    base.wrapping_add(offset),
                );
            }
            offset += 64;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = items;
}
