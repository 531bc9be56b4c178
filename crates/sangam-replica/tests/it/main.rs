//! Integration tests of the replica: change admission under attack, and bundles.

mod admission;
mod bundles;
mod sync;
mod vouch;
