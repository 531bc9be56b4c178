//! Spreading independent, CPU-bound checks (signature verification, above all) over the
//! machine's cores.

/// Below this many items, one thread does it all: starting threads would cost more.
const MIN_PARALLEL: usize = 64;

/// `items.iter().map(f)`, in input order, computed on up to 8 threads for large inputs.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_parts(items, |part| part.iter().map(&f).collect())
}

/// `f` over consecutive parts of `items`, one part per thread for large inputs (one part,
/// on this thread, for small ones), the results joined in input order. `f` must return
/// one result per item of its part.
pub fn map_parts<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> Vec<R> + Sync) -> Vec<R> {
    let threads = threads();
    if threads == 1 || items.len() < MIN_PARALLEL {
        return f(items);
    }
    let chunk = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let workers: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || f(part)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

/// How many threads a large input is spread over: the machine's cores, at most 8.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_input_order_for_small_and_large_inputs() {
        for n in [0, 1, 63, 64, 1000, 1001] {
            let items: Vec<u32> = (0..n).collect();
            let doubled = super::map(&items, |x| x * 2);
            assert_eq!(doubled, items.iter().map(|x| x * 2).collect::<Vec<_>>());
        }
    }
}
