//! Simulated time and secrets: each home reads one shared clock, shifted by its own skew,
//! and draws its keys from a generator seeded by the run, so a seed replays exactly.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use sangam_core::{Clock, Entropy};
use sangam_model::Timestamp;

use crate::rng::Rng;

/// The simulation's time, in ms since the epoch; the scheduler moves it forward.
#[derive(Debug, Clone)]
pub struct World(Arc<AtomicI64>);

impl World {
    /// Time starting at `start`.
    pub fn new(start: Timestamp) -> Self {
        Self(Arc::new(AtomicI64::new(start)))
    }

    /// Now.
    pub fn now(&self) -> Timestamp {
        self.0.load(Ordering::SeqCst)
    }

    /// Moves time on by `ms`.
    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

/// One laptop's clock: the world's time plus its skew, strictly increasing like the
/// system clock a home uses.
/// Clones share their last reading: a home reopened after a restart goes on from it.
#[derive(Debug, Clone)]
pub struct SkewedClock {
    world: World,
    skew: i64,
    last: Arc<AtomicI64>,
}

impl SkewedClock {
    /// A clock `skew` ms off the world's.
    pub fn new(world: World, skew: i64) -> Self {
        Self {
            world,
            skew,
            last: Arc::new(AtomicI64::new(i64::MIN)),
        }
    }
}

impl Clock for SkewedClock {
    fn now(&self) -> Timestamp {
        let wanted = self.world.now() + self.skew;
        let previous = self
            .last
            .fetch_max(wanted, Ordering::SeqCst)
            .max(i64::MIN + 1);
        if previous >= wanted {
            // Two readings in one simulated millisecond still get distinct, ordered times.
            self.last.fetch_add(1, Ordering::SeqCst) + 1
        } else {
            wanted
        }
    }
}

/// Secrets from a generator seeded by the run; clones draw from the same one.
#[derive(Debug, Clone)]
pub struct SeededEntropy(Arc<Mutex<Rng>>);

impl SeededEntropy {
    /// Secrets drawn from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(Arc::new(Mutex::new(Rng::new(seed))))
    }
}

impl Entropy for SeededEntropy {
    fn seed(&self) -> [u8; 32] {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .bytes32()
    }
}
