//! How a command prints: the flag every listing and showing command shares. A leaf
//! module, so the area modules and the top-level arguments both use it without naming
//! each other.

use clap::Args;

/// `--json`: print JSON instead of a table.
#[derive(Args, Clone, Copy)]
pub struct Output {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}
