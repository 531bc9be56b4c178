#![no_main]
//! Fuzz target: see sangam_testkit::fuzz::sync_frame.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sangam_testkit::fuzz::sync_frame(data));
