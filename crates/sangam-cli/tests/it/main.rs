//! End-to-end tests of the `sangam` binary over real homes in temporary directories.

mod crash;
mod governance;
mod growth;
mod lan;
mod ledger;
mod links;
mod market;
mod races;
mod reports;
mod safety;
mod scenario;
mod serve;
mod soak;
mod support;
