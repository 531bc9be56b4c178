//! A deterministic simulator of a co-op's laptops, in the spirit of FoundationDB's
//! simulation testing: one seed draws a whole run, so a failure replays exactly.
//!
//! Each laptop is a real home (a SQLite file in a directory of its own) opened with a
//! clock and a source of secrets the simulator owns. The network is replaced by an
//! in-process transport ([`link`]) that runs the same loop as `sangam-net` over QUIC,
//! frame by frame, in an order the seed decides. A run is a schedule of random steps —
//! members writing every kind of record, sessions opened between random pairs (one-shot
//! and live), frames dropped, doubled, swapped or truncated, connections cut, laptops
//! restarted, bundles carried, newcomers joining, members removed, a clock running ahead —
//! then quiescence (every pair synced until nothing moves) and the checks of [`check`].
//! docs/simulation.md says how to run it and what it found.

#![deny(missing_docs)]

pub mod check;
pub mod error;
pub mod link;
pub mod rng;
pub mod time;
pub mod world;

pub use error::SimError;
pub use world::{Config, Counts, Failure, Sim};

/// What a run that passed did and where it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Actions taken and faults injected, by kind.
    pub counts: Counts,
    /// The heads the laptops agreed on.
    pub heads: Vec<sangam_replica::ChangeHash>,
}

/// Runs seed `seed` with `config`, stopping the schedule after `steps` (all of
/// `config.steps` when `None`), then quiesces and checks. Returns what the run did.
pub fn run(seed: u64, config: &Config, steps: Option<usize>) -> Result<Outcome, Failure> {
    let steps = steps.unwrap_or(config.steps).min(config.steps);
    let mut sim = match Sim::new(seed, config.clone()) {
        Ok(sim) => sim,
        Err(what) => {
            return Err(Failure {
                seed,
                steps: 0,
                what: format!("setting up: {what}"),
                schedule: vec![],
            });
        }
    };
    let outcome = sim
        .run(steps)
        .and_then(|_| sim.quiesce())
        .and_then(|_| sim.check())
        .and_then(|_| sim.agreed_heads());
    match outcome {
        Ok(heads) => Ok(Outcome {
            counts: sim.counts,
            heads,
        }),
        Err(what) => Err(Failure {
            seed,
            steps,
            what: what.to_string(),
            schedule: sim.schedule,
        }),
    }
}

/// The shortest prefix of seed `seed`'s schedule that still fails (any failure), found
/// by bisection on the number of steps: what a failure is reported with.
pub fn shorten(seed: u64, config: &Config, failure: Failure) -> Failure {
    if failure.steps > 0
        && let Err(at_once) = run(seed, config, Some(0))
    {
        return at_once;
    }
    let (mut good, mut bad) = (0usize, failure.steps);
    let mut shortest = failure;
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        match run(seed, config, Some(mid)) {
            Ok(_) => good = mid,
            Err(f) => {
                bad = mid;
                shortest = f;
            }
        }
    }
    shortest
}
