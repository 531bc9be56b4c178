//! Spreading independent, CPU-bound checks (signature verification, above all) over the
//! machine's cores, and the randomness a batch check needs: both asked of a [`Machine`]
//! passed in from above. The model starts no thread and reads no operating-system state
//! itself, so it runs the same in a unit test, the simulator and a member's laptop.

/// What the model asks of the machine it runs on.
pub trait Machine: Sync {
    /// Fills `bytes` with bytes no one who wrote the input can predict (a batch signature
    /// check's coefficients). An implementation that cannot must panic rather than return
    /// predictable bytes: a batch check with known coefficients can be fooled.
    fn fill_random(&self, bytes: &mut [u8]);

    /// Into how many parts a large input may be split (1: all on the calling thread).
    fn parts(&self) -> usize;

    /// Runs every job, perhaps at once on several threads, and returns when all have
    /// finished. A job that panics makes this panic.
    fn run_all<'a>(&self, jobs: Vec<Box<dyn FnOnce() + Send + 'a>>);
}

/// Below this many items, one thread does it all: starting threads would cost more.
const MIN_PARALLEL: usize = 64;

/// `items.iter().map(f)`, in input order, computed in up to [`Machine::parts`] parts for
/// large inputs.
pub fn map<T: Sync, R: Send>(
    machine: &dyn Machine,
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    map_parts(machine, items, |part| part.iter().map(&f).collect())
}

/// `f` over consecutive parts of `items`, one part per job for large inputs (one part, on
/// this thread, for small ones), the results joined in input order. `f` must return one
/// result per item of its part.
pub fn map_parts<T: Sync, R: Send>(
    machine: &dyn Machine,
    items: &[T],
    f: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    let parts = machine.parts().max(1);
    if parts == 1 || items.len() < MIN_PARALLEL {
        return f(items);
    }
    let chunk = items.len().div_ceil(parts);
    let mut results: Vec<Vec<R>> = Vec::new();
    results.resize_with(items.len().div_ceil(chunk), Vec::new);
    let f = &f;
    let jobs: Vec<Box<dyn FnOnce() + Send + '_>> = items
        .chunks(chunk)
        .zip(results.iter_mut())
        .map(|(part, slot)| Box::new(move || *slot = f(part)) as Box<dyn FnOnce() + Send + '_>)
        .collect();
    machine.run_all(jobs);
    results.into_iter().flatten().collect()
}

/// A machine for the model's own tests: jobs one after another on the calling thread,
/// "random" bytes from a counter. Predictable, so it is compiled only for tests.
#[cfg(test)]
pub(crate) mod testing {
    use std::sync::atomic::{AtomicU64, Ordering};

    pub(crate) struct Sequential {
        pub(crate) parts: usize,
        next: AtomicU64,
    }

    impl Sequential {
        pub(crate) const fn new(parts: usize) -> Self {
            Self {
                parts,
                next: AtomicU64::new(1),
            }
        }
    }

    /// Four parts, so the tests cross the splitting and joining of [`super::map_parts`].
    pub(crate) static MACHINE: Sequential = Sequential::new(4);

    impl super::Machine for Sequential {
        fn fill_random(&self, bytes: &mut [u8]) {
            use sha2::{Digest, Sha512};
            for block in bytes.chunks_mut(64) {
                let n = self.next.fetch_add(1, Ordering::Relaxed);
                let hash = Sha512::digest(n.to_le_bytes());
                block.copy_from_slice(&hash[..block.len()]);
            }
        }

        fn parts(&self) -> usize {
            self.parts
        }

        fn run_all<'a>(&self, jobs: Vec<Box<dyn FnOnce() + Send + 'a>>) {
            for job in jobs {
                job();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::Sequential;

    #[test]
    fn keeps_input_order_for_small_and_large_inputs_and_any_number_of_parts() {
        for parts in [0, 1, 2, 3, 8] {
            let machine = Sequential::new(parts);
            for n in [0, 1, 63, 64, 65, 1000, 1001] {
                let items: Vec<u32> = (0..n).collect();
                let doubled = super::map(&machine, &items, |x| x * 2);
                assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
            }
        }
    }
}
