//! Integration tests of the replica: change admission under attack, and bundles.

mod admission;
mod bundles;
mod saved;
mod sync;
mod vouch;
