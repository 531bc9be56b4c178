//! Replays every saved fuzz input (`fuzz/fixtures/TARGET/*`, crashers and seeds alike)
//! through the decoder it was found on, as automerge replays its fuzz crashers.

use std::path::Path;

#[test]
fn every_saved_fuzz_input_replays_without_a_broken_promise() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fixtures");
    let mut replayed = 0;
    for (target, run) in sangam_testkit::fuzz::TARGETS {
        let dir = root.join(target);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("fixtures of {target} at {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("entry").path();
            let data = std::fs::read(&path).expect("read fixture");
            let outcome = std::panic::catch_unwind(|| run(&data));
            assert!(
                outcome.is_ok(),
                "{target}: {} breaks a promise",
                path.display()
            );
            replayed += 1;
        }
    }
    assert!(
        replayed >= sangam_testkit::fuzz::TARGETS.len(),
        "fixtures are missing"
    );
}
