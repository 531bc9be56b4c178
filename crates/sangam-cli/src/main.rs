//! `sangam`: a co-op from the terminal. A thin shell over `sangam-core`: it parses
//! arguments, calls one core function, and prints the result (as a table, or JSON with
//! `--json`). Errors go to stderr with a non-zero exit.
//!
//! One module per area holds its commands' arguments, their dispatch and a renderer per
//! result: `identity`, `coop`, `members`, `bundles`, `governance/`, `listing`, `ledger/`,
//! `network` and `log/`. What they share is in `output` (the `--json` flag), `show`
//! (printing, tables, errors), `resolve` (ids from prefixes) and `words` (values from
//! what a member typed).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Parser;
use sangam_core::Home;

mod args;
mod bundles;
mod coop;
mod governance;
mod identity;
mod ledger;
mod listing;
mod log;
mod members;
mod network;
mod output;
mod resolve;
mod show;
mod words;

use args::{Cli, Command};
use governance::{ballots, election, nominations, proposals, report, templates};

fn main() {
    let cli = Cli::parse();
    if let Err(error) = run(cli) {
        if reader_went_away(&error) {
            // `sangam log | head`: the reader has what it wanted; end as `ls | head` does.
            std::process::exit(0);
        }
        let _ = writeln!(std::io::stderr(), "error: {error:#}");
        std::process::exit(1);
    }
}

/// Whether the command failed only because what read its output closed it.
fn reader_went_away(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn default_home() -> Result<PathBuf> {
    sangam_core::files::default_home().context("no data directory on this system; pass --home DIR")
}

fn run(cli: Cli) -> Result<()> {
    // Verifying a report and counting a ballot file need no home: an auditor may have none.
    match &cli.command {
        Command::Verify(args) => return report::verify(args),
        Command::Election(election::ElectionCommand::Count { file, method, out }) => {
            return election::count_file(file, method, *out);
        }
        _ => {}
    }
    let path = match cli.home {
        Some(home) => home,
        None => default_home()?,
    };
    let home = Home::open(&path).map_err(show::api)?;
    let result = command(&home, cli.coop.as_deref(), cli.command);
    // What the home did by itself (a fork mended, a new device key) goes to stderr, so
    // `--json` output on stdout stays parseable.
    for notice in home.take_notices() {
        let _ = writeln!(std::io::stderr(), "note: {notice}");
    }
    result
}

/// Hands the command to its area; `coop_arg` is `--coop`, resolved by the area when the
/// command needs a co-op.
fn command(home: &Home, coop_arg: Option<&str>, command: Command) -> Result<()> {
    match command {
        Command::Id(command) => identity::run(home, command),
        Command::Coop(command) => coop::run(home, coop_arg, command),
        Command::Member(command) => members::run_member(home, coop_arg, command),
        Command::Device(command) => members::run_device(home, coop_arg, command),
        Command::Bundle(command) => bundles::run(home, coop_arg, command),
        Command::Propose(args) => proposals::propose(home, coop_arg, args),
        Command::Proposal(command) => proposals::run(home, coop_arg, command),
        Command::Listing(command) => listing::run(home, coop_arg, command),
        Command::Ledger(command) => ledger::run(home, coop_arg, command),
        Command::Labour(command) => ledger::labour::run(home, coop_arg, command),
        Command::Patronage(command) => ledger::patronage::run(home, coop_arg, command),
        Command::Election(command) => election::run(home, coop_arg, command),
        Command::Template(command) => templates::run(home, coop_arg, command),
        Command::Nomination(command) => nominations::run(home, coop_arg, command),
        Command::Nominate(args) => nominations::nominate(home, coop_arg, args),
        Command::Vote(args) => ballots::vote(home, coop_arg, args),
        Command::Proxy(args) => ballots::proxy(home, coop_arg, args),
        Command::Close(args) => ballots::close(home, coop_arg, args),
        Command::Withdraw(args) => ballots::withdraw(home, coop_arg, args),
        Command::Report(args) => report::export(home, coop_arg, args),
        Command::Verify(args) => report::verify(&args),
        Command::Tally(args) => ballots::tally(home, coop_arg, args),
        Command::Serve(args) => network::serve(home, coop_arg, args),
        Command::Invite(args) => network::invite(home, coop_arg, args),
        Command::Join(args) => network::join(home, args),
        Command::Sync(args) => network::sync(home, coop_arg, args),
        Command::Peers(args) => network::peers(home, coop_arg, args),
        Command::Relay(command) => network::relay(home, coop_arg, command),
        Command::Lan(command) => network::lan(home, command),
        Command::Log(args) => log::run(home, coop_arg, args),
    }
}
