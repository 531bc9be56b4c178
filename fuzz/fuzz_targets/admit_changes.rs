#![no_main]
//! Fuzz target: see sangam_testkit::fuzz::admit_changes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sangam_testkit::fuzz::admit_changes(data));
