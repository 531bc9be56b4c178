//! Counting elections that fill several seats: Meek STV (the default), Scottish STV and
//! approval for k seats, and the BLT ballot format STV counters share.
//!
//! Pure and deterministic: no IO, no clock, no floating point. Every laptop given the
//! same ballots gets the same rounds to the last digit, in any order the ballots arrived
//! ([`Election::ballots`] order does not matter), and ties are broken by one stated rule
//! ([`TieBreak`]). docs/protocol.md ("Counting an election") states each method precisely
//! enough to count by hand.

mod approval;
pub mod blt;
mod count;
mod election;
mod fixed;
mod meek;
mod scottish;

pub use count::{Action, Count, Method, Round, Tie, TieBreak, TieBrokenBy, TieFor};
pub use election::{Ballot, Election, ElectionError, MAX_BALLOTS};
pub use fixed::{Decimal, Fixed, Rounding};

/// Counts `election` by `method`, breaking ties by `ties`.
pub fn count(election: &Election, method: Method, ties: &TieBreak) -> Result<Count, ElectionError> {
    match method {
        Method::Meek => meek::count(election, ties),
        Method::Scottish => scottish::count(election, ties),
        Method::Approval => approval::count(election, ties),
    }
}
