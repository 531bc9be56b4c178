//! Homes that meet by bundles, on a clock that ticks one second per reading from
//! 2026-11-30 18:00 UTC (so what they print is the same on every run): for the tests
//! that follow several members of one co-op.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use sangam_core::{Clock, Home};
use sangam_model::CoopId;
use tempfile::TempDir;

/// A clock the test can also move: one second per reading.
pub(crate) struct Ticking(pub(crate) Arc<AtomicI64>);

impl Clock for Ticking {
    fn now(&self) -> i64 {
        self.0.fetch_add(1_000, Ordering::SeqCst)
    }
}

/// 2026-11-30 18:00 UTC.
pub(crate) const START: i64 = 1_796_061_600_000;

/// A home in `dir` with `name`'s identity, on `clock`.
pub(crate) fn home(dir: &TempDir, name: &str, clock: &Arc<AtomicI64>) -> Home {
    let home = Home::open_with_clock(&dir.path().join(name), Box::new(Ticking(clock.clone())))
        .expect("opens");
    home.create_identity(name).expect("identity");
    home
}

/// Every home sends everything it has to every other.
pub(crate) fn exchange(homes: &[&Home], coop: CoopId) {
    let bundles: Vec<Vec<u8>> = homes
        .iter()
        .map(|h| h.export_bundle(coop, None).expect("export").0)
        .collect();
    for (i, home) in homes.iter().enumerate() {
        for (j, bundle) in bundles.iter().enumerate() {
            if i != j {
                home.import_bundle(bundle).expect("import");
            }
        }
    }
}

/// The first of `homes` founds River Bakery (EUR) and admits the others under `names`;
/// each joins by the founding bundle, and every home then has every device.
pub(crate) fn river_bakery(homes: &[Home], names: &[&str]) -> CoopId {
    let founder = &homes[0];
    founder.create_coop("River Bakery", "EUR").expect("coop");
    let coop = crate::only_coop(founder);
    for (h, name) in homes.iter().zip(names).skip(1) {
        let key = h.identity().expect("identity").member;
        founder.admit(coop, crate::pk(&key), name).expect("admit");
    }
    let founding = founder.export_bundle(coop, None).expect("export").0;
    for h in &homes[1..] {
        h.import_bundle(&founding).expect("join by bundle");
    }
    let all: Vec<&Home> = homes.iter().collect();
    exchange(&all, coop);
    coop
}
