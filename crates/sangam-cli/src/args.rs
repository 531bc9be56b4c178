//! The `sangam` command line: every command, flag and its help text (clap).

use crate::output::Output;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

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
    Propose(ProposeArgs),
    /// Proposals of the co-op.
    #[command(subcommand)]
    Proposal(ProposalCommand),
    /// The marketplace: offers, wants and gifts between members.
    #[command(subcommand)]
    Listing(ListingCommand),
    /// The books: accounts, entries, balances, capital, exports and bank statements.
    #[command(subcommand)]
    Ledger(crate::ledger::LedgerCommand),
    /// Labour: log your hours; see a period's.
    #[command(subcommand)]
    Labour(crate::ledger::LabourCommand),
    /// Split a period's surplus by labour: preview it, or post it citing its vote.
    #[command(subcommand)]
    Patronage(crate::ledger::PatronageCommand),
    /// An STV election's ballots as a BLT file, or count a BLT file with no home.
    #[command(subcommand)]
    Election(crate::election::ElectionCommand),
    /// The proposal templates Sangam ships: list them, or show one's questions.
    #[command(subcommand)]
    Template(crate::election::TemplateCommand),
    /// Vote on a proposal, or change your vote: yes/no/abstain; agree/abstain/disagree/block;
    /// option names (choice, approval); options or candidates in order of preference
    /// (ranked, stv, scottish-stv); candidates approved (approval with seats);
    /// NAME=SCORE (score).
    Vote {
        /// The proposal id (any unique prefix).
        id: String,
        /// Your answer.
        #[arg(required = true, num_args = 1..)]
        choice: Vec<String>,
        #[command(flatten)]
        out: Output,
    },
    /// `proxy ID MEMBER` lets MEMBER vote for you on one proposal; `proxy revoke ID` takes it back.
    Proxy {
        /// `ID MEMBER`, or `revoke ID`.
        #[arg(required = true, num_args = 2)]
        args: Vec<String>,
    },
    /// Close a proposal after its deadline (or once everyone has voted), naming the ballots you have.
    Close {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Withdraw your own proposal before anyone votes.
    Withdraw {
        /// The proposal id.
        id: String,
    },
    /// Write a closed proposal's signed vote report, for an auditor or a member who
    /// missed the meeting: the records that decided it, the tally and your signature
    /// (and, with --html, a page for people, printable on A4).
    Report {
        /// The proposal id.
        id: String,
        /// Where to write the report file.
        #[arg(long, value_name = "FILE.json")]
        out: PathBuf,
        /// Where to write the printable page.
        #[arg(long, value_name = "FILE.html")]
        html: Option<PathBuf>,
        #[command(flatten)]
        output: Output,
    },
    /// Check a vote report with nothing but the file (no home, no network): every
    /// signature, the electorate, the rules and the tally. Exits 0 only if all of it
    /// holds; otherwise says why. Given two reports of one proposal, also says whether
    /// they were made from the same records.
    Verify {
        /// The report file, or two of them.
        #[arg(required = true, num_args = 1..=2, value_name = "FILE.json")]
        files: Vec<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
    /// A proposal's tally: provisional until closed.
    Tally {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Run this home as an always-on peer: accept syncs from the co-op's devices, keep live
    /// sessions to --peer addresses, and pass on what other `sangam` commands write here.
    Serve {
        /// Listen on this address (default: every interface, a random port).
        #[arg(long, value_name = "IP:PORT")]
        bind: Option<std::net::SocketAddr>,
        /// A peer to keep a live session with: its address from `sangam serve`, or its
        /// device key (dialled where it was last seen, or found on the LAN); repeat.
        #[arg(long = "peer", value_name = "ADDRESS")]
        peers: Vec<String>,
    },
    /// Invite a newcomer: prints a ticket (and its QR code) for `sangam join`. The
    /// newcomer joins through this home's `sangam serve`, which must be running then.
    Invite {
        /// How long the ticket stays good, e.g. 24h, 7d or 30m.
        #[arg(long, default_value = "24h", value_name = "DURATION")]
        expires_in: String,
        /// How many newcomers may join with it.
        #[arg(long, default_value_t = 1, value_name = "N")]
        uses: u32,
        /// Print the ticket without its QR code.
        #[arg(long)]
        no_qr: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Join a co-op with a ticket from one of its members (`sangam invite` prints one).
    Join {
        /// The invite ticket.
        ticket: String,
        /// The name you go by (needed when this home has no identity yet).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Sync once with a peer and print what moved.
    Sync {
        /// The peer's address (printed by `sangam serve`) or device key; default: every
        /// remembered peer.
        #[arg(long, value_name = "ADDRESS")]
        peer: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Devices this home has synced with: how they were reached and when.
    Peers {
        #[command(flatten)]
        out: Output,
    },
    /// Which relay this home uses to reach peers across the internet.
    #[command(subcommand)]
    Relay(RelayCommand),
    /// Whether this home finds the co-op's other laptops on the local network (mDNS).
    #[command(subcommand)]
    Lan(LanCommand),
    /// The co-op's records, newest first.
    Log {
        #[command(flatten)]
        out: Output,
        /// Show at most this many records.
        #[arg(long)]
        limit: Option<usize>,
        /// Show instead the changes this home refused, with where they came from and why.
        #[arg(long)]
        refused: bool,
    },
}

#[derive(Args)]
pub struct ProposeArgs {
    /// Short title.
    #[arg(long)]
    pub title: String,
    /// The full text members vote on.
    #[arg(
        long,
        conflicts_with = "text_file",
        required_unless_present = "text_file"
    )]
    pub text: Option<String>,
    /// Read the full text from a file.
    #[arg(long, value_name = "FILE")]
    pub text_file: Option<PathBuf>,
    /// yes-no, consent, choice, approval, ranked or score; for an election, stv (Meek
    /// STV), scottish-stv, or approval with --seats (default: the --template's).
    #[arg(long, required_unless_present = "template")]
    pub method: Option<String>,
    /// Start from a template (`sangam template list`): its method, seats, quorum,
    /// threshold and deadline unless given here; answer its questions in the text
    /// (`sangam template show ID` prints them as headings).
    #[arg(long, value_name = "ID")]
    pub template: Option<String>,
    /// An option (choice, approval, ranked, score), or an election's candidate; repeat
    /// for each.
    #[arg(long = "option", visible_alias = "candidate", value_name = "NAME")]
    pub options: Vec<String>,
    /// How many an election fills (stv and scottish-stv need it; with approval, each
    /// member approves up to this many and that many win).
    #[arg(long, value_name = "N")]
    pub seats: Option<u32>,
    /// Share of members (percent) who must take part (default: the bylaws').
    #[arg(long, value_name = "PCT")]
    pub quorum: Option<u8>,
    /// Share of yes among yes + no needed, like 1/2 or 2/3 (default: the bylaws').
    #[arg(long, value_name = "N/D")]
    pub threshold: Option<String>,
    /// Deadline from now, like 3d, 12h or 90m (default: the --template's).
    #[arg(
        long,
        value_name = "DURATION",
        conflicts_with = "closes_at",
        required_unless_present_any = ["closes_at", "template"]
    )]
    pub closes_in: Option<String>,
    /// Deadline as a date and time, like 2026-12-01T18:00:00Z.
    #[arg(long, value_name = "RFC3339")]
    pub closes_at: Option<String>,
    /// What passing does: admit=KEY:NAME, remove=MEMBER, admission=proposal|any_member,
    /// withdraw-listing=ID, treasurers=MEMBER,...|any, approval-over=AMOUNT COMMODITY
    /// (or none COMMODITY), funds=RESERVE%,EDUCATION%.
    #[arg(long)]
    pub effect: Option<String>,
    #[command(flatten)]
    pub out: Output,
}

#[derive(Subcommand)]
pub enum ProposalCommand {
    /// List proposals, newest first.
    List {
        /// Only those still open.
        #[arg(long, conflicts_with = "closed")]
        open: bool,
        /// Only those closed or withdrawn.
        #[arg(long)]
        closed: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Show a proposal, its text and its tally.
    Show {
        /// The proposal id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
}

/// A listing's text, for posting and revising.
#[derive(Args)]
pub struct ListingArgs {
    /// Short title.
    #[arg(long)]
    pub title: String,
    /// The full description.
    #[arg(long, default_value = "")]
    pub description: String,
    /// A category, such as tools or food.
    #[arg(long)]
    pub category: Option<String>,
    /// The price: an amount and a commodity, like "15.50 EUR".
    #[arg(
        long,
        conflicts_with = "by_arrangement",
        value_name = "AMOUNT COMMODITY"
    )]
    pub price: Option<String>,
    /// No set price (the default, and always so for a gift).
    #[arg(long)]
    pub by_arrangement: bool,
    /// How many.
    #[arg(long)]
    pub quantity: Option<u32>,
    /// Where.
    #[arg(long)]
    pub location: Option<String>,
    /// How long it stands, e.g. 30d or 12h (default: until you change it).
    #[arg(long, value_name = "DURATION")]
    pub expires_in: Option<String>,
}

#[derive(Subcommand)]
pub enum ListingCommand {
    /// Post a listing (prints its id).
    Post {
        /// offer, want or gift.
        #[arg(long)]
        kind: String,
        #[command(flatten)]
        text: ListingArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Revise your listing: give its whole text again.
    Revise {
        /// The listing id (any unique prefix).
        id: String,
        #[command(flatten)]
        text: ListingArgs,
        #[command(flatten)]
        out: Output,
    },
    /// Set your listing's status: open, reserved, done or withdrawn.
    Status {
        /// The listing id.
        id: String,
        /// open, reserved, done or withdrawn.
        status: String,
        #[command(flatten)]
        out: Output,
    },
    /// List listings, newest first.
    List {
        /// Only offers, wants or gifts.
        #[arg(long)]
        kind: Option<String>,
        /// Only this category.
        #[arg(long)]
        category: Option<String>,
        /// Only open, reserved, done, withdrawn or expired.
        #[arg(long)]
        status: Option<String>,
        /// Words to find in titles, descriptions and categories (any script).
        #[arg(long, allow_hyphen_values = true)]
        search: Option<String>,
        /// Only this member's listings (a key or a unique prefix of one).
        #[arg(long, value_name = "MEMBER")]
        by: Option<String>,
        #[command(flatten)]
        out: Output,
    },
    /// Show a listing and its responses.
    Show {
        /// The listing id.
        id: String,
        #[command(flatten)]
        out: Output,
    },
    /// Answer a listing.
    Respond {
        /// The listing id.
        id: String,
        /// What you say.
        #[arg(long)]
        message: String,
        /// How many you want or offer.
        #[arg(long)]
        quantity: Option<u32>,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
pub enum RelayCommand {
    /// `URL`: propose the co-op's own relay for every member's laptop (an `iroh-relay`
    /// server); `default`: propose n0's public relays. Either is a yes/no proposal (prints
    /// its id), and the relay changes when the members pass it. `off` / `on`: whether this
    /// laptop uses relays at all (off: LAN and direct connections only), its own choice.
    Set {
        /// A URL such as https://relay.example.org, `default`, `off` or `on`.
        value: String,
    },
    /// Show which relays this laptop uses.
    Show,
}

#[derive(Subcommand)]
pub enum LanCommand {
    /// `on` (the default): announce this laptop and find others in the room with no
    /// address typed; `off`: only remembered, typed or relayed addresses.
    Set {
        /// `on` or `off`.
        value: String,
    },
    /// Show the LAN discovery setting.
    Show,
}

#[derive(Subcommand)]
pub enum IdCommand {
    /// Create your member key; prints its public key to give to a member who admits you.
    New {
        /// Your display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Show your member key and this device's key.
    Show {
        #[command(flatten)]
        out: Output,
    },
    /// Show your recovery phrase: 24 words that restore your member key on a new laptop
    /// if this one is lost. Asks you to type `show` first; anyone who sees the words can
    /// act as you.
    Backup,
    /// Restore your member key from its recovery phrase, read from standard input, into a
    /// home that has no identity yet. This laptop gets a device key of its own.
    Restore {
        /// The name you go by (the co-op's records keep the name they know).
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Make this new laptop one of yours: with a ticket from `sangam device link` on a
    /// laptop that holds your member key (its `sangam serve` running), receive the key and
    /// the co-ops; this laptop binds a device key of its own.
    Link {
        /// The link ticket (starts with SANGAMLINK1).
        ticket: String,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
pub enum CoopCommand {
    /// Found a co-op, with you as its first member.
    Create {
        /// The co-op's name.
        name: String,
        /// Default currency for the ledger.
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[command(flatten)]
        out: Output,
    },
    /// List the co-ops in this home.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Show the co-op's name, rules and size.
    Show {
        #[command(flatten)]
        out: Output,
    },
    /// How this laptop reads the amounts you type for the co-op: `point` (1,250.50) or
    /// `comma` (1.250,50). The other mark may only group thousands; anything ambiguous is
    /// refused. A statement's rules file may name its own.
    DecimalMark {
        /// point or comma
        mark: String,
    },
}

#[derive(Subcommand)]
pub enum MemberCommand {
    /// List members.
    List {
        #[command(flatten)]
        out: Output,
        /// Include members who left or were removed.
        #[arg(long)]
        all: bool,
    },
    /// Admit a newcomer by their member key (`sangam id show` on their laptop).
    Admit {
        /// Their member public key.
        pubkey: String,
        /// Their display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        out: Output,
    },
    /// Leave the co-op.
    Leave,
    /// Remove another member (when the bylaws let any member do so).
    Remove {
        /// Their member key, or a unique prefix of it.
        member: String,
        /// Why, for the record.
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Change your display name or contact line.
    Update {
        /// New display name.
        #[arg(long)]
        name: Option<String>,
        /// New contact line.
        #[arg(long)]
        contact: Option<String>,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
pub enum DeviceCommand {
    /// List devices.
    List {
        #[command(flatten)]
        out: Output,
    },
    /// Revoke one of your devices (a lost or stolen laptop).
    Revoke {
        /// The device key.
        device: String,
    },
    /// Link a second laptop of yours: prints a one-time ticket (and its QR code) for
    /// `sangam id link` on the new laptop, which links through this home's `sangam serve`.
    /// The ticket hands over your member key: show it only to your own laptop.
    Link {
        /// How long the ticket stays good, at most 1h.
        #[arg(long, default_value = "10m", value_name = "DURATION")]
        expires_in: String,
        /// Print the ticket without its QR code.
        #[arg(long)]
        no_qr: bool,
        #[command(flatten)]
        out: Output,
    },
}

#[derive(Subcommand)]
pub enum BundleCommand {
    /// Write the co-op's signed changes to FILE.
    Export {
        /// Where to write.
        file: PathBuf,
        /// Only what is new since this earlier bundle.
        #[arg(long, value_name = "FILE")]
        since: Option<PathBuf>,
        #[command(flatten)]
        out: Output,
    },
    /// Verify and apply a bundle.
    Import {
        /// The bundle.
        file: PathBuf,
        #[command(flatten)]
        out: Output,
    },
}
