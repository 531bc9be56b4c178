//! End-to-end tests of the `sangam` binary over real homes in temporary directories.

mod crash;
mod scenario;
mod support;
