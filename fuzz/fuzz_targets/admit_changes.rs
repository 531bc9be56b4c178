#![no_main]
//! Fuzz target: see sangam_testkit::fuzz::admit_changes.
//!
//! libFuzzer's panic hook aborts on every panic, even one Sangam contains on purpose
//! (automerge's decoder can panic on a malformed change; sangam-replica catches it). The
//! hook is put back to a quiet one, so only a panic that escapes counts as a crash.
libfuzzer_sys::fuzz_target!(
    init: std::panic::set_hook(Box::new(|_| {})),
    |data: &[u8]| sangam_testkit::fuzz::admit_changes(data)
);
