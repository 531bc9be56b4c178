//! The simulator's seeds that every `make test` runs, split in four so that they run
//! side by side, and the regression seeds of bugs it found.

use sangam_sim::{Config, run, shorten};

/// Runs `seeds` at the size `make test` uses; a failure panics with its shortest
/// failing schedule.
fn pass(seeds: std::ops::Range<u64>) {
    for seed in seeds {
        let config = Config::small(seed);
        if let Err(failure) = run(seed, &config, None) {
            panic!("{}", shorten(seed, &config, failure));
        }
    }
}

#[test]
fn seeds_0_to_50() {
    pass(0..50);
}

#[test]
fn seeds_50_to_100() {
    pass(50..100);
}

#[test]
fn seeds_100_to_150() {
    pass(100..150);
}

#[test]
fn seeds_150_to_200() {
    pass(150..200);
}

/// A seed is a whole run: the same seed twice does the same things and ends with the
/// same heads (keys, times and choices all come from it).
#[test]
fn a_seed_replays_exactly() {
    let config = Config::small(7);
    let first = run(7, &config, None).expect("seed 7 passes");
    let second = run(7, &config, None).expect("seed 7 passes");
    assert_eq!(first, second);
    assert!(
        first.counts.get("write").copied().unwrap_or(0) > 0,
        "{first:?}"
    );
}
