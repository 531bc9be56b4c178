//! What core returns: plain serializable values for the CLI's `--json` and the desktop UI.

use serde::Serialize;

use sangam_model::body::{Choice, Method};
pub use sangam_model::governance::Status as ProposalStatus;
pub use sangam_model::{Admission, Standing};

/// How a peer was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PeerPath {
    /// On the local network.
    Lan,
    /// Directly across the internet.
    Direct,
    /// Through a relay.
    Relay,
}

impl From<sangam_store::PeerPath> for PeerPath {
    fn from(path: sangam_store::PeerPath) -> Self {
        match path {
            sangam_store::PeerPath::Lan => PeerPath::Lan,
            sangam_store::PeerPath::Direct => PeerPath::Direct,
            sangam_store::PeerPath::Relay => PeerPath::Relay,
        }
    }
}

impl From<sangam_net::PathKind> for PeerPath {
    fn from(path: sangam_net::PathKind) -> Self {
        match path {
            sangam_net::PathKind::Lan => PeerPath::Lan,
            sangam_net::PathKind::Direct => PeerPath::Direct,
            sangam_net::PathKind::Relay => PeerPath::Relay,
        }
    }
}

/// Whether a record counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordStatus {
    /// It counts.
    Valid,
    /// It does not, and why.
    Refused {
        /// Why, in words.
        reason: String,
    },
}

/// Where a home is and where it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct HomeDto {
    /// The home's directory.
    pub path: String,
    /// This install's device public key (hex).
    pub device: String,
    /// Where it serves right now, as text another laptop can dial; none while it does not.
    pub address: Option<String>,
}

/// A home's network settings, as a window shows them for one co-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct NetworkDto {
    /// Whether it finds and announces devices on the local network.
    pub lan: bool,
    /// Whether closing the window leaves it serving (the window's tray icon reopens it).
    pub keep_serving: bool,
    /// Whether it uses relays at all.
    pub relays_used: bool,
    /// The co-op's own relay, when its settings name one.
    pub coop_relay: Option<String>,
}

/// This home's member identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct IdentityDto {
    /// Member public key (hex).
    pub member: String,
    /// Display name given at creation.
    pub name: String,
    /// This install's device public key (hex).
    pub device: String,
}

/// A co-op in this home.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CoopSummaryDto {
    /// Co-op id (hex).
    pub id: String,
    /// Name.
    pub name: String,
}

/// A co-op in detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, ts_rs::TS)]
pub struct CoopDto {
    /// Co-op id (hex).
    pub id: String,
    /// Name.
    pub name: String,
    /// Default currency.
    pub currency: String,
    /// Who admits newcomers.
    pub admission: Admission,
    /// Default quorum, percent.
    pub quorum_pct: u8,
    /// Default threshold (yes among yes + no).
    pub threshold: sangam_model::body::Fraction,
    /// Who keeps the books (member keys, hex); none: any current member.
    pub treasurers: Vec<String>,
    /// Per commodity, the most an entry may move without a passed proposal ("500.00
    /// EUR"); none: no limit.
    pub approval_over: Vec<String>,
    /// The share of a surplus set aside for the reserve, percent.
    pub reserve_pct: u8,
    /// The share of a surplus set aside for the education fund, percent.
    pub education_pct: u8,
    /// Founding member key.
    pub founder: String,
    /// Current members.
    pub members: usize,
    /// Bound devices (revoked included).
    pub devices: usize,
    /// Records in the co-op.
    pub records: usize,
    /// Automerge changes in the document.
    pub changes: usize,
    /// Document heads (hex change hashes).
    pub heads: Vec<String>,
    /// How this home reads the amounts members type for this co-op ("1.5" or "1,5").
    pub decimal_mark: crate::DecimalMark,
}

/// A member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct MemberDto {
    /// Member key (hex).
    pub key: String,
    /// Display name.
    pub name: String,
    /// Contact line.
    pub contact: Option<String>,
    /// Current, left or removed.
    pub standing: Standing,
    /// Id of the admitting record.
    pub admitted_by: String,
    /// Claimed admission time, ms since the epoch.
    pub admitted_at: i64,
}

/// A device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct DeviceDto {
    /// Device key (hex).
    pub key: String,
    /// Owning member key (hex).
    pub member: String,
    /// Owning member's name.
    pub member_name: String,
    /// Label.
    pub name: String,
    /// Whether revoked.
    pub revoked: bool,
    /// Whether its member is still a current member.
    pub member_active: bool,
    /// Whether this is this install's device.
    pub this_device: bool,
    /// When this home found the device forked (two changes under one sequence number:
    /// a copy of its home was used), ms since the epoch.
    pub forked_at: Option<i64>,
}

/// A record in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct LogEntryDto {
    /// Record id (hex).
    pub id: String,
    /// Kind, e.g. `member.admit`.
    pub kind: sangam_model::Kind,
    /// Author key (hex).
    pub author: String,
    /// Author's current name, if a member.
    pub author_name: Option<String>,
    /// Claimed time, ms since the epoch.
    pub at: i64,
    /// The record's body as signed: its fields as docs/protocol.md gives them for its
    /// kind. A front end words it (the CLI's `sangam log` in English).
    #[ts(type = "unknown")]
    pub body: serde_json::Value,
    /// Whether it counts.
    pub status: RecordStatus,
}

/// What exporting a bundle did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ExportDto {
    /// Co-op id.
    pub coop: String,
    /// Changes written.
    pub changes: usize,
    /// Heads recorded in the bundle.
    pub heads: Vec<String>,
    /// Bytes written.
    pub bytes: usize,
}

/// A change that was refused on import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RejectedDto {
    /// Change hash, if it decoded.
    pub change: Option<String>,
    /// Why.
    pub reason: String,
}

/// Where a refused change came from. A device is hex: whole, or its first 8 characters
/// in what a home kept before it kept the whole key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RefusedSource {
    /// Written on this device.
    Local,
    /// Imported from a bundle file.
    Bundle,
    /// Received in a sync session from a device.
    Peer {
        /// The device.
        device: String,
    },
    /// Received while joining, from the inviter's device.
    Invite {
        /// The device.
        device: String,
    },
    /// A source this build does not know, as kept.
    Other {
        /// The kept words.
        text: String,
    },
}

impl From<sangam_store::RefusedFrom> for RefusedSource {
    fn from(from: sangam_store::RefusedFrom) -> Self {
        use sangam_store::RefusedFrom;
        match from {
            RefusedFrom::Local => Self::Local,
            RefusedFrom::Bundle => Self::Bundle,
            RefusedFrom::Peer(device) => Self::Peer { device },
            RefusedFrom::Invite(device) => Self::Invite { device },
            RefusedFrom::Other(text) => Self::Other { text },
        }
    }
}

/// The CLI's words: `local`, `bundle`, `peer DEV8`, `invite from DEV8`.
impl std::fmt::Display for RefusedSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let short = |d: &str| d.get(..8).unwrap_or(d).to_owned();
        match self {
            Self::Local => f.write_str("local"),
            Self::Bundle => f.write_str("bundle"),
            Self::Peer { device } => write!(f, "peer {}", short(device)),
            Self::Invite { device } => write!(f, "invite from {}", short(device)),
            Self::Other { text } => f.write_str(text),
        }
    }
}

/// A change this home refused, for the co-op's record of what was kept out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RefusedDto {
    /// Change hash, if it decoded.
    pub change: Option<String>,
    /// Where it came from.
    pub source: RefusedSource,
    /// Why it was refused.
    pub reason: String,
    /// When this home refused it, ms since the epoch.
    pub at: i64,
}

/// What importing a bundle did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ImportDto {
    /// Co-op id.
    pub coop: String,
    /// Co-op name.
    pub name: String,
    /// Whether the co-op is new to this home.
    pub joined: bool,
    /// Changes newly applied.
    pub applied: usize,
    /// Changes this home already had.
    pub duplicates: usize,
    /// Changes refused.
    pub rejected: Vec<RejectedDto>,
}

/// What a proposal decided, or would decide now while it is open: a code, and for a
/// choice the winning option (so an option's name is never read as a code).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutcomeDto {
    /// A yes/no or consent proposal passed.
    Passed,
    /// It did not pass (or nobody expressed a preference; or it was withdrawn).
    Failed,
    /// Too few took part.
    NoQuorum,
    /// Level, and no rule separates them.
    Tie,
    /// The winning option of a choice, approval, ranked or score vote.
    Winner {
        /// Its name.
        option: String,
    },
    /// An election: the winners are in its count.
    Elected,
}

impl From<&sangam_model::governance::Outcome> for OutcomeDto {
    fn from(outcome: &sangam_model::governance::Outcome) -> Self {
        use sangam_model::governance::Outcome;
        match outcome {
            Outcome::Passed => Self::Passed,
            Outcome::Failed => Self::Failed,
            Outcome::NoQuorum => Self::NoQuorum,
            Outcome::Tie => Self::Tie,
            Outcome::Winner(option) => Self::Winner {
                option: option.clone(),
            },
            Outcome::Elected(_) => Self::Elected,
        }
    }
}

/// The CLI's word for it: the code, or the winning option's name.
impl std::fmt::Display for OutcomeDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::NoQuorum => "no_quorum",
            Self::Tie => "tie",
            Self::Winner { option } => option,
            Self::Elected => "elected",
        })
    }
}

/// What passing a proposal does by itself: a code and its values, worded by the window
/// in the member's language and by the CLI in English ([`std::fmt::Display`]). Keys are
/// hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EffectDto {
    /// Admits a member.
    Admit {
        /// Their name.
        name: String,
        /// Their member key.
        member: String,
    },
    /// Removes a member.
    Remove {
        /// Their member key.
        member: String,
    },
    /// Replaces the bylaws.
    Bylaws {
        /// Who admits newcomers.
        admission: Admission,
        /// Who may keep the books (none: any member).
        treasurers: Vec<String>,
        /// Entries over these amounts need a vote: digits and the commodity,
        /// `"50000.00 INR"`.
        approval_over: Vec<String>,
        /// The reserve's share of a surplus, percent.
        reserve_pct: u8,
        /// The education fund's share, percent.
        education_pct: u8,
    },
    /// Every laptop uses the co-op's own relay (`url`), or n0's public relays (none).
    Relay {
        /// The relay.
        url: Option<String>,
    },
    /// Withdraws a marketplace listing.
    WithdrawListing {
        /// The listing's id.
        listing: String,
    },
}

/// The first 8 characters of a hex key or id, as the CLI writes one in a line.
pub(crate) fn short(hex: &str) -> &str {
    hex.get(..8).unwrap_or(hex)
}

impl std::fmt::Display for EffectDto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Admit { name, member } => write!(f, "admit {name} ({})", short(member)),
            Self::Remove { member } => write!(f, "remove member {}", short(member)),
            Self::Bylaws {
                admission,
                treasurers,
                approval_over,
                reserve_pct,
                education_pct,
            } => {
                let admission = match admission {
                    Admission::AnyMember => "any member",
                    Admission::Proposal => "proposal",
                };
                write!(f, "set the bylaws: admission by {admission}; ")?;
                if treasurers.is_empty() {
                    write!(f, "any member keeps the books; ")?;
                } else {
                    let keys: Vec<&str> = treasurers.iter().map(|k| short(k)).collect();
                    write!(f, "treasurers {}; ", keys.join(", "))?;
                }
                if !approval_over.is_empty() {
                    let limits: Vec<String> = approval_over
                        .iter()
                        .map(|amount| format!("a vote for entries over {amount}"))
                        .collect();
                    write!(f, "{}; ", limits.join(", "))?;
                }
                write!(f, "reserve {reserve_pct}%, education fund {education_pct}%")
            }
            Self::Relay { url: Some(url) } => {
                write!(f, "every laptop uses the co-op's relay {url}")
            }
            Self::Relay { url: None } => write!(f, "every laptop uses n0's public relays"),
            Self::WithdrawListing { listing } => write!(f, "withdraw listing {}", short(listing)),
        }
    }
}

/// A proposal in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProposalSummaryDto {
    /// Proposal record id (hex).
    pub id: String,
    /// Title.
    pub title: String,
    /// How it is decided.
    pub method: Method,
    /// Open (provisional), closed or withdrawn.
    pub status: ProposalStatus,
    /// The (provisional) outcome.
    pub outcome: OutcomeDto,
    /// Deadline, ms since the epoch.
    pub closes_at: i64,
    /// Proposer's member key.
    pub author: String,
    /// Proposer's name.
    pub author_name: Option<String>,
    /// Voters whose own ballot counts so far.
    pub ballots_counted: usize,
    /// Electorate size.
    pub electorate_size: usize,
    /// Whether this home's member is in the electorate.
    pub you_may_vote: bool,
    /// Whether this home's member has voted, or given a proxy that stands.
    pub you_answered: bool,
}

/// How long before a vote closes a member who has not answered is reminded.
pub const REMINDER_BEFORE_MS: i64 = 24 * 60 * 60 * 1000;

impl ProposalSummaryDto {
    /// Whether to remind this home's member at `now`: the vote is open, closes within
    /// [`REMINDER_BEFORE_MS`], and they may vote and have not answered.
    pub fn needs_reminder(&self, now: i64) -> bool {
        self.status == ProposalStatus::Provisional
            && self.you_may_vote
            && !self.you_answered
            && self.closes_at > now
            && self.closes_at - now <= REMINDER_BEFORE_MS
    }
}

/// A proposal's tally (`sangam tally ID --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct TallyDto {
    /// Proposal record id (hex).
    pub proposal: String,
    /// Title.
    pub title: String,
    /// Voting method.
    pub method: Method,
    /// Open (provisional), closed or withdrawn.
    pub status: ProposalStatus,
    /// What it decided (while provisional, what would be decided now).
    pub outcome: OutcomeDto,
    /// Weight per answer or option (first round for ranked).
    pub counts: std::collections::BTreeMap<String, u64>,
    /// Ranked choice: every round's tallies.
    pub rounds: Vec<std::collections::BTreeMap<String, u64>>,
    /// Members who may vote.
    pub electorate_size: usize,
    /// Voters whose own ballot counted.
    pub ballots_counted: usize,
    /// Members represented by proxy.
    pub represented: usize,
    /// Required quorum, percent of the electorate.
    pub quorum_pct: u8,
    /// Whether quorum was met.
    pub quorum_met: bool,
    /// The share of yes (or agree) among yes + no needed to pass.
    pub threshold: sangam_model::body::Fraction,
    /// Deadline, ms since the epoch.
    pub closes_at: i64,
    /// Counted ballot record ids.
    pub counted: Vec<String>,
    /// Counted proxy grant record ids.
    pub proxies: Vec<String>,
    /// Valid ballots no close names.
    pub late: Vec<String>,
    /// Close record ids.
    pub closes: Vec<String>,
    /// Ballots some closes name and others do not (closers saw different ballots).
    pub contested: Vec<String>,
    /// An election's count, round by round (STV, or approval for k seats).
    pub election: Option<ElectionDto>,
}

/// An election's count: every round, who was elected, and every tie broken. Figures are
/// exact decimals as text ("1381.00000"), as the count computed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ElectionDto {
    /// Seats filled.
    pub seats: u32,
    /// The candidates, in the proposal's order (every round's figures follow it).
    pub candidates: Vec<String>,
    /// Who was elected, in the order they were declared.
    pub elected: Vec<String>,
    /// Valid ballots counted, by weight (a proxy holder's ballot weighs more).
    pub ballots: u64,
    /// Every round.
    pub rounds: Vec<ElectionRoundDto>,
    /// Every tie broken.
    pub ties: Vec<ElectionTieDto>,
}

/// What one round of an election did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RoundAction {
    /// The first preferences (approval's only round).
    FirstPreferences,
    /// An elected candidate's surplus passed on (Scottish STV).
    Surplus,
    /// Keep factors settled until candidates reached the quota (Meek STV).
    Settled,
    /// The lowest candidate excluded.
    Excluded,
    /// As many candidates left as seats: all elected.
    LastSeatsFilled,
}

/// One round of an election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ElectionRoundDto {
    /// What it did.
    pub action: RoundAction,
    /// Whose surplus was passed on, or who was excluded.
    pub candidate: Option<String>,
    /// The surplus passed on.
    pub surplus: Option<String>,
    /// The quota.
    pub quota: String,
    /// Each candidate's votes at the round's end (by `ElectionDto::candidates`); none
    /// once excluded.
    pub votes: Vec<Option<String>>,
    /// Meek STV: each candidate's keep factor; empty for the other methods.
    pub keep: Vec<Option<String>>,
    /// Votes no longer with any candidate.
    pub exhausted: String,
    /// Who was elected at the round's end.
    pub elected: Vec<String>,
}

/// Why a tie had to be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum TieFor {
    /// Equal surpluses: which passes on first.
    Surplus,
    /// Equal lowest: who is excluded.
    Exclusion,
    /// Equal approvals at the last seat.
    Seat,
}

/// A tie in an election, and how it was broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ElectionTieDto {
    /// The round it arose in (from 1).
    pub round: usize,
    /// What was decided.
    pub tie_for: TieFor,
    /// The tied candidates.
    pub among: Vec<String>,
    /// The one chosen.
    pub chosen: String,
    /// The earlier round that decided it; none when the lot did.
    pub by_round: Option<usize>,
}

/// A proposal in detail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ProposalDto {
    /// Proposal record id (hex).
    pub id: String,
    /// Title.
    pub title: String,
    /// Full text.
    pub text: String,
    /// Voting method.
    pub method: Method,
    /// Options (choice methods); an election's candidates.
    pub options: Vec<String>,
    /// An election's seats.
    pub seats: Option<u32>,
    /// The template it was written from (a starter's id), if any.
    pub template: Option<String>,
    /// Proposer's member key.
    pub author: String,
    /// Opened at (claimed), ms since the epoch.
    pub opened_at: i64,
    /// Electorate member keys.
    pub electorate: Vec<String>,
    /// What passing does, if anything.
    pub effect: Option<EffectDto>,
    /// The proposal this one revises.
    pub revises: Option<String>,
    /// The current tally.
    pub tally: TallyDto,
    /// Your latest ballot's choice, if you voted.
    pub my_vote: Option<Choice>,
    /// Every member of the electorate and their latest ballot so far (ballots are open):
    /// who voted what, and who has not voted yet.
    pub voters: Vec<VoterDto>,
    /// An election from a call for nominations: each candidate (in the options' order)
    /// with who nominated them. Empty for every other proposal.
    pub candidates: Vec<CandidateDto>,
}

/// A candidate of an election whose candidates members nominated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CandidateDto {
    /// The option that names them on the ballot.
    pub option: String,
    /// Their member key.
    pub member: String,
    /// The names of those who nominated them, in order.
    pub nominated_by: Vec<String>,
}

/// One member of a proposal's electorate and how they voted so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VoterDto {
    /// Member key (hex).
    pub member: String,
    /// Their name, as the co-op knows it.
    pub name: Option<String>,
    /// Their latest ballot's choice; none while they have not voted.
    pub choice: Option<Choice>,
}
