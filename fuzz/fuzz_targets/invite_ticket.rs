#![no_main]
//! Fuzz target: see sangam_testkit::fuzz::invite_ticket.
libfuzzer_sys::fuzz_target!(|data: &[u8]| sangam_testkit::fuzz::invite_ticket(data));
