//! Integration tests of the model: signatures, the fold's laws, membership under
//! concurrency and attack, and the committed test vectors.

mod governance;
mod ledger;
mod market;
mod membership;
mod nominations;
mod order;
mod reports;
mod signatures;
mod support;
mod templates;
mod vectors;
