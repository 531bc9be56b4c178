//! The `sangam` command line: the global flags and every top-level command, each naming
//! its area's arguments (the area modules hold them, with their help text).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::bundles::BundleCommand;
use crate::coop::CoopCommand;
use crate::governance::{ballots, election, nominations, proposals, report, templates};
use crate::identity::IdCommand;
use crate::ledger::{LedgerCommand, labour, patronage};
use crate::listing::ListingCommand;
use crate::log::LogArgs;
use crate::members::{DeviceCommand, MemberCommand};
use crate::network;

#[derive(Parser)]
#[command(
    name = "sangam",
    version,
    about = "Sangam: an offline-first co-op, from the terminal"
)]
pub struct Cli {
    /// Home directory holding this install's database (default: the platform data dir).
    #[arg(long, global = true, env = "SANGAM_HOME", value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Which co-op, as any unique prefix of its id (needed when a home holds several).
    #[arg(long, global = true, value_name = "ID")]
    pub coop: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Your member identity.
    #[command(subcommand)]
    Id(IdCommand),
    /// Co-ops in this home.
    #[command(subcommand)]
    Coop(CoopCommand),
    /// Members of the co-op.
    #[command(subcommand)]
    Member(MemberCommand),
    /// Devices bound to members.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Carry a co-op between homes in a file (a USB stick, an email attachment).
    #[command(subcommand)]
    Bundle(BundleCommand),
    /// Put a question to the members (prints the proposal id).
    Propose(proposals::ProposeArgs),
    /// Proposals of the co-op.
    #[command(subcommand)]
    Proposal(proposals::ProposalCommand),
    /// The marketplace: offers, wants and gifts between members.
    #[command(subcommand)]
    Listing(ListingCommand),
    /// The books: accounts, entries, balances, capital, exports and bank statements.
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Labour: log your hours; see a period's.
    #[command(subcommand)]
    Labour(labour::LabourCommand),
    /// Split a period's surplus by labour: preview it, or post it citing its vote.
    #[command(subcommand)]
    Patronage(patronage::PatronageCommand),
    /// An STV election's ballots as a BLT file, or count a BLT file with no home.
    #[command(subcommand)]
    Election(election::ElectionCommand),
    /// Calls for nominations: call one, see who is nominated, answer yours, open the
    /// election once nominations have closed.
    #[command(subcommand)]
    Nomination(nominations::NominationCommand),
    /// Put a member (yourself too) forward on a call for nominations.
    Nominate(nominations::NominateArgs),
    /// The proposal templates Sangam ships: list them, or show one's questions.
    #[command(subcommand)]
    Template(templates::TemplateCommand),
    /// Vote on a proposal, or change your vote: yes/no/abstain; agree/abstain/disagree/block;
    /// option names (choice, approval); options or candidates in order of preference
    /// (ranked, stv, scottish-stv); candidates approved (approval with seats);
    /// NAME=SCORE (score).
    Vote(ballots::VoteArgs),
    /// `proxy ID MEMBER` lets MEMBER vote for you on one proposal; `proxy revoke ID` takes it back.
    Proxy(ballots::ProxyArgs),
    /// Close a proposal after its deadline (or once everyone has voted), naming the ballots you have.
    Close(ballots::CloseArgs),
    /// Withdraw your own proposal before anyone votes.
    Withdraw(ballots::WithdrawArgs),
    /// Write a closed proposal's signed vote report, for an auditor or a member who
    /// missed the meeting: the records that decided it, the tally and your signature
    /// (and, with --html, a page for people, printable on A4).
    Report(report::ReportArgs),
    /// Check a vote report with nothing but the file (no home, no network): every
    /// signature, the electorate, the rules and the tally. Exits 0 only if all of it
    /// holds; otherwise says why. Given two reports of one proposal, also says whether
    /// they were made from the same records.
    Verify(report::VerifyArgs),
    /// A proposal's tally: provisional until closed.
    Tally(ballots::TallyArgs),
    /// Run this home as an always-on peer: accept syncs from the co-op's devices, keep live
    /// sessions to --peer addresses, and pass on what other `sangam` commands write here.
    Serve(network::ServeArgs),
    /// Invite a newcomer: prints a ticket (and its QR code) for `sangam join`. The
    /// newcomer joins through this home's `sangam serve`, which must be running then.
    Invite(network::InviteArgs),
    /// Join a co-op with a ticket from one of its members (`sangam invite` prints one).
    Join(network::JoinArgs),
    /// Sync once with a peer and print what moved.
    Sync(network::SyncArgs),
    /// Devices this home has synced with: how they were reached and when.
    Peers(network::PeersArgs),
    /// Which relay this home uses to reach peers across the internet.
    #[command(subcommand)]
    Relay(network::RelayCommand),
    /// Whether this home finds the co-op's other laptops on the local network (mDNS).
    #[command(subcommand)]
    Lan(network::LanCommand),
    /// The co-op's records, newest first.
    Log(LogArgs),
}
