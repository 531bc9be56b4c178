//! The co-op's decisions from the terminal: proposals written and shown
//! (`proposals.rs`), ballots, proxies, closes and tallies (`ballots.rs`), elections'
//! ballot files (`election.rs`), the templates a proposal starts from (`templates.rs`),
//! signed vote reports written and verified (`report.rs`), and how a tally reads
//! (`render.rs`).

pub mod ballots;
pub mod election;
pub mod nominations;
pub mod proposals;
mod render;
pub mod report;
pub mod templates;
