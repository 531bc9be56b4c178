//! The machine Sangam runs on, as [`sangam_model::parallel::Machine`] asks for it. The
//! model does no IO; every crate above it that checks signatures hands it [`SYSTEM`]:
//! the operating system's random number generator, and one thread per core (at most 8).

use sangam_model::parallel::Machine;

/// This computer.
#[derive(Debug, Clone, Copy, Default)]
pub struct System;

/// The one [`System`], for `&dyn Machine` arguments.
pub static SYSTEM: System = System;

/// The most threads a large input is spread over: past this, a batch's set-up outweighs
/// what another core saves.
const MAX_PARTS: usize = 8;

impl Machine for System {
    fn fill_random(&self, bytes: &mut [u8]) {
        // No randomness means no batch check can be trusted: stop rather than go on with
        // coefficients an attacker could predict.
        getrandom::fill(bytes).expect("the operating system's random number generator");
    }

    fn parts(&self) -> usize {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_PARTS)
    }

    fn run_all<'a>(&self, jobs: Vec<Box<dyn FnOnce() + Send + 'a>>) {
        let mut jobs = jobs.into_iter();
        // The last job runs on the calling thread, which would otherwise only wait.
        let Some(last) = jobs.next_back() else {
            return;
        };
        std::thread::scope(|scope| {
            let workers: Vec<_> = jobs.map(|job| scope.spawn(job)).collect();
            last();
            for worker in workers {
                if let Err(panic) = worker.join() {
                    std::panic::resume_unwind(panic);
                }
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn runs_every_job_once_and_keeps_order_through_map() {
        let ran = AtomicUsize::new(0);
        let jobs: Vec<Box<dyn FnOnce() + Send + '_>> = (0..5)
            .map(|_| {
                Box::new(|| {
                    ran.fetch_add(1, Ordering::Relaxed);
                }) as Box<dyn FnOnce() + Send + '_>
            })
            .collect();
        SYSTEM.run_all(jobs);
        assert_eq!(ran.load(Ordering::Relaxed), 5);
        SYSTEM.run_all(Vec::new());

        let items: Vec<u64> = (0..10_000).collect();
        let squared = sangam_model::parallel::map(&SYSTEM, &items, |x| x * x);
        assert_eq!(squared, items.iter().map(|x| x * x).collect::<Vec<_>>());
    }

    #[test]
    fn random_bytes_differ_between_calls() {
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        SYSTEM.fill_random(&mut a);
        SYSTEM.fill_random(&mut b);
        assert_ne!(a, b, "two draws of 256 bits agreed");
    }

    #[test]
    #[should_panic(expected = "boom")]
    fn a_panicking_job_panics_the_caller() {
        let jobs: Vec<Box<dyn FnOnce() + Send>> =
            vec![Box::new(|| panic!("boom")), Box::new(|| {})];
        SYSTEM.run_all(jobs);
    }
}
