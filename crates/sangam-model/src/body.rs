//! Record kinds and their bodies. docs/protocol.md describes each one for other
//! implementations; the two must agree.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize, de::DeserializeOwned};
use serde_json::Value;

use crate::keys::PublicKey;

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest free-text field (contact, reason), in characters.
pub const MAX_TEXT_CHARS: usize = 1000;

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BodyError {
    /// A kind this build does not know.
    #[error("unknown record kind {0:?}")]
    UnknownKind(String),
    /// The body does not have its kind's shape.
    #[error("{kind} body is malformed: {reason}")]
    Malformed {
        /// The record's kind.
        kind: Kind,
        /// What is wrong.
        reason: String,
    },
}

macro_rules! kinds {
    ($($variant:ident => $name:literal),* $(,)?) => {
        /// A record kind, namespaced by area.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind {
            $(
                #[doc = concat!("`", $name, "`")]
                $variant,
            )*
        }
        impl Kind {
            /// Every kind this build knows.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
            /// The wire name.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }
        }
        impl FromStr for Kind {
            type Err = BodyError;
            fn from_str(s: &str) -> Result<Self, BodyError> {
                match s {
                    $($name => Ok(Kind::$variant),)*
                    other => Err(BodyError::UnknownKind(other.chars().take(64).collect())),
                }
            }
        }
    };
}

kinds! {
    CoopGenesis => "coop.genesis",
    MemberAdmit => "member.admit",
    MemberLeave => "member.leave",
    MemberRemove => "member.remove",
    MemberUpdate => "member.update",
    DeviceAdd => "device.add",
    DeviceRevoke => "device.revoke",
    ProposalOpen => "proposal.open",
    Ballot => "ballot",
    ProxyGrant => "proxy.grant",
    ProxyRevoke => "proxy.revoke",
    ProposalClose => "proposal.close",
    ProposalWithdraw => "proposal.withdraw",
    CoopSettings => "coop.settings",
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Kind {
    /// Kinds that change who may act: they form the causal context every other record is
    /// judged in (see [`crate::fold`]).
    pub fn is_authority(self) -> bool {
        !matches!(
            self,
            Kind::MemberUpdate
                | Kind::Ballot
                | Kind::ProxyGrant
                | Kind::ProxyRevoke
                | Kind::CoopSettings
        )
    }
}

/// Who may admit and remove members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Admission {
    /// Any current member may admit a newcomer or remove a member.
    AnyMember,
    /// Only a passed proposal may admit or remove (governance).
    Proposal,
}

/// A fraction `num/den`, e.g. 2/3 for a two-thirds majority.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fraction {
    /// Numerator.
    pub num: u32,
    /// Denominator.
    pub den: u32,
}

/// Defaults a new proposal starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VotingDefaults {
    /// Share of the electorate (percent) that must take part for a vote to count.
    pub quorum_pct: u8,
    /// Share of yes among yes + no needed to pass.
    pub threshold: Fraction,
}

/// The co-op's rules, set at genesis and amended by passed proposals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bylaws {
    /// Who may admit and remove members.
    pub admission: Admission,
    /// Voting defaults.
    pub voting: VotingDefaults,
    /// Most proxies one member may hold for one proposal.
    #[serde(default = "default_proxies")]
    pub proxies_per_holder: u8,
    /// Whether a single block fails a consent proposal.
    #[serde(default = "default_true")]
    pub consent_blocks: bool,
}

fn default_proxies() -> u8 {
    1
}

fn default_true() -> bool {
    true
}

impl Default for Bylaws {
    fn default() -> Self {
        Self {
            admission: Admission::AnyMember,
            voting: VotingDefaults {
                quorum_pct: 50,
                threshold: Fraction { num: 1, den: 2 },
            },
            proxies_per_holder: default_proxies(),
            consent_blocks: true,
        }
    }
}

/// `coop.genesis`: founds a co-op. Its author is the founding member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// The co-op's name.
    pub name: String,
    /// Default commodity for the ledger, e.g. `EUR`.
    pub currency: String,
    /// The rules.
    pub bylaws: Bylaws,
    /// The founder's display name.
    pub founder_name: String,
    /// The founder's first device (bootstraps the device allowlist).
    pub device: PublicKey,
    /// Random hex so two co-ops founded alike still get distinct ids.
    pub nonce: String,
}

/// `member.admit`: admits a member key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberAdmit {
    /// The newcomer's member key.
    pub member: PublicKey,
    /// Their display name.
    pub name: String,
}

/// `member.leave`: the author leaves the co-op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MemberLeave {}

/// `member.remove`: removes another member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRemove {
    /// Who is removed.
    pub member: PublicKey,
    /// Why, for the record.
    pub reason: String,
}

/// `member.update`: the author changes their own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberUpdate {
    /// New display name, if changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// New contact line, if changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

/// `device.add`: the author binds a device key to themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceAdd {
    /// The device's key (its iroh endpoint id and Automerge actor).
    pub device: PublicKey,
    /// A label such as "Asha's laptop".
    pub name: String,
}

/// `device.revoke`: the author revokes one of their devices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRevoke {
    /// The device revoked.
    pub device: PublicKey,
}

/// How a proposal is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Yes / no / abstain, with quorum and threshold.
    YesNo,
    /// Agree / abstain / disagree / block.
    Consent,
    /// One option (plurality).
    Choice,
    /// Any number of options.
    Approval,
    /// Options in order of preference (instant runoff).
    Ranked,
    /// 0 to 5 per option.
    Score,
}

impl Method {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::YesNo => "yes_no",
            Method::Consent => "consent",
            Method::Choice => "choice",
            Method::Approval => "approval",
            Method::Ranked => "ranked",
            Method::Score => "score",
        }
    }

    /// Whether the method chooses among named options.
    pub fn has_options(self) -> bool {
        !matches!(self, Method::YesNo | Method::Consent)
    }
}

/// An answer in a yes/no or consent vote (`abstain` is allowed in every method).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum Vote {
    Yes,
    No,
    Abstain,
    Agree,
    Disagree,
    Block,
}

impl Vote {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Vote::Yes => "yes",
            Vote::No => "no",
            Vote::Abstain => "abstain",
            Vote::Agree => "agree",
            Vote::Disagree => "disagree",
            Vote::Block => "block",
        }
    }
}

/// What a ballot says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Choice {
    /// yes/no/abstain or agree/abstain/disagree/block (abstain in any method).
    Vote(Vote),
    /// One option (choice).
    Option(String),
    /// Approved options (approval).
    Approve(Vec<String>),
    /// Options in order of preference (ranked).
    Rank(Vec<String>),
    /// 0 to 5 per option (score).
    Scores(std::collections::BTreeMap<String, u8>),
}

impl Choice {
    /// Whether this choice is well-formed for `method` and `options`.
    pub fn check(&self, method: Method, options: &[String]) -> Result<(), String> {
        let known = |o: &String| {
            if options.contains(o) {
                Ok(())
            } else {
                Err(format!("{o:?} is not an option"))
            }
        };
        let distinct = |list: &[String]| {
            let set: std::collections::BTreeSet<&String> = list.iter().collect();
            if set.len() == list.len() {
                Ok(())
            } else {
                Err("an option is named twice".to_string())
            }
        };
        match (method, self) {
            (_, Choice::Vote(Vote::Abstain)) => Ok(()),
            (Method::YesNo, Choice::Vote(Vote::Yes | Vote::No)) => Ok(()),
            (Method::Consent, Choice::Vote(Vote::Agree | Vote::Disagree | Vote::Block)) => Ok(()),
            (Method::Choice, Choice::Option(o)) => known(o),
            (Method::Approval, Choice::Approve(list)) | (Method::Ranked, Choice::Rank(list)) => {
                if list.is_empty() {
                    return Err("name at least one option (or abstain)".into());
                }
                list.iter().try_for_each(known)?;
                distinct(list)
            }
            (Method::Score, Choice::Scores(scores)) => {
                scores.keys().try_for_each(known)?;
                if scores.values().any(|s| *s > 5) {
                    return Err("scores run from 0 to 5".into());
                }
                Ok(())
            }
            (method, _) => Err(format!(
                "this answer does not fit a {} vote",
                method.as_str()
            )),
        }
    }
}

/// What a passed proposal does by itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Effect {
    /// Admits a member.
    Admit(MemberAdmit),
    /// Removes a member.
    Remove(MemberRemove),
    /// Replaces the bylaws.
    Bylaws(Bylaws),
}

/// `proposal.open`: puts a question to the members current at opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalOpen {
    /// Short title.
    pub title: String,
    /// The full text voters sign against.
    pub text: String,
    /// How it is decided.
    pub method: Method,
    /// Options for choice, approval, ranked and score (empty otherwise).
    #[serde(default)]
    pub options: Vec<String>,
    /// Share of the electorate (percent) that must take part.
    pub quorum_pct: u8,
    /// Share of yes (or agree) among yes + no needed to pass.
    pub threshold: Fraction,
    /// Deadline (ms since the epoch); closes are valid after it.
    pub closes_at: i64,
    /// Everyone who may vote: exactly the current members where the proposal was opened,
    /// ascending.
    pub electorate: Vec<PublicKey>,
    /// What passing does, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<Effect>,
    /// An earlier proposal this one revises (ballots never carry over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revises: Option<crate::record::RecordId>,
}

/// `ballot`: a member's vote on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ballot {
    /// The proposal's record id (which covers its text, options and electorate).
    pub proposal: crate::record::RecordId,
    /// The voter's own sequence number for this proposal: the highest counts.
    pub seq: u64,
    /// The vote.
    pub choice: Choice,
}

/// `proxy.grant`: the author lets `holder` vote for them on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyGrant {
    /// The proposal.
    pub proposal: crate::record::RecordId,
    /// Who votes for the author.
    pub holder: PublicKey,
    /// The author's sequence number for this proposal (shared with ballots).
    pub seq: u64,
}

/// `proxy.revoke`: the author takes back their proxy on one proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProxyRevoke {
    /// The proposal.
    pub proposal: crate::record::RecordId,
    /// The author's sequence number for this proposal (shared with ballots).
    pub seq: u64,
}

/// `proposal.close`: ends a vote, naming the ballots and proxies its author saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalClose {
    /// The proposal.
    pub proposal: crate::record::RecordId,
    /// Ballot record ids counted, ascending.
    pub ballots: Vec<crate::record::RecordId>,
    /// Proxy grant and revoke record ids counted, ascending.
    #[serde(default)]
    pub proxies: Vec<crate::record::RecordId>,
}

/// `proposal.withdraw`: its author withdraws a proposal nobody has voted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalWithdraw {
    /// The proposal.
    pub proposal: crate::record::RecordId,
}

/// `coop.settings`: how the co-op's laptops reach each other. Any member may set it; the
/// latest in fold order wins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoopSettings {
    /// The co-op's own relay (an `iroh-relay` server), or `None` for n0's public relays.
    pub relay: Option<String>,
}

/// Longest relay URL accepted.
pub const MAX_RELAY_URL: usize = 200;

/// A relay URL: `http://` or `https://`, a host, no spaces, at most [`MAX_RELAY_URL`] bytes.
pub fn check_relay_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("a relay URL starts with https:// (or http://)")?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err("a relay URL names a host".into());
    }
    if url.len() > MAX_RELAY_URL || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "a relay URL has no spaces and at most {MAX_RELAY_URL} characters"
        ));
    }
    Ok(())
}

/// A record's body, by kind.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum Body {
    CoopGenesis(Genesis),
    MemberAdmit(MemberAdmit),
    MemberLeave(MemberLeave),
    MemberRemove(MemberRemove),
    MemberUpdate(MemberUpdate),
    DeviceAdd(DeviceAdd),
    DeviceRevoke(DeviceRevoke),
    ProposalOpen(ProposalOpen),
    Ballot(Ballot),
    ProxyGrant(ProxyGrant),
    ProxyRevoke(ProxyRevoke),
    ProposalClose(ProposalClose),
    ProposalWithdraw(ProposalWithdraw),
    CoopSettings(CoopSettings),
}

impl Body {
    /// The kind this body belongs to.
    pub fn kind(&self) -> Kind {
        match self {
            Body::CoopGenesis(_) => Kind::CoopGenesis,
            Body::MemberAdmit(_) => Kind::MemberAdmit,
            Body::MemberLeave(_) => Kind::MemberLeave,
            Body::MemberRemove(_) => Kind::MemberRemove,
            Body::MemberUpdate(_) => Kind::MemberUpdate,
            Body::DeviceAdd(_) => Kind::DeviceAdd,
            Body::DeviceRevoke(_) => Kind::DeviceRevoke,
            Body::ProposalOpen(_) => Kind::ProposalOpen,
            Body::Ballot(_) => Kind::Ballot,
            Body::ProxyGrant(_) => Kind::ProxyGrant,
            Body::ProxyRevoke(_) => Kind::ProxyRevoke,
            Body::ProposalClose(_) => Kind::ProposalClose,
            Body::ProposalWithdraw(_) => Kind::ProposalWithdraw,
            Body::CoopSettings(_) => Kind::CoopSettings,
        }
    }

    /// The body as a JSON value.
    pub fn to_value(&self) -> Value {
        let value = match self {
            Body::CoopGenesis(b) => serde_json::to_value(b),
            Body::MemberAdmit(b) => serde_json::to_value(b),
            Body::MemberLeave(b) => serde_json::to_value(b),
            Body::MemberRemove(b) => serde_json::to_value(b),
            Body::MemberUpdate(b) => serde_json::to_value(b),
            Body::DeviceAdd(b) => serde_json::to_value(b),
            Body::DeviceRevoke(b) => serde_json::to_value(b),
            Body::ProposalOpen(b) => serde_json::to_value(b),
            Body::Ballot(b) => serde_json::to_value(b),
            Body::ProxyGrant(b) => serde_json::to_value(b),
            Body::ProxyRevoke(b) => serde_json::to_value(b),
            Body::ProposalClose(b) => serde_json::to_value(b),
            Body::ProposalWithdraw(b) => serde_json::to_value(b),
            Body::CoopSettings(b) => serde_json::to_value(b),
        };
        value.expect("bodies are plain data and always serialize")
    }

    /// Parses and checks the body of a record of `kind`.
    pub fn from_value(kind: Kind, value: Value) -> Result<Self, BodyError> {
        fn parse<T: DeserializeOwned>(kind: Kind, value: Value) -> Result<T, BodyError> {
            serde_json::from_value(value).map_err(|e| BodyError::Malformed {
                kind,
                reason: e.to_string(),
            })
        }
        let body = match kind {
            Kind::CoopGenesis => Body::CoopGenesis(parse(kind, value)?),
            Kind::MemberAdmit => Body::MemberAdmit(parse(kind, value)?),
            Kind::MemberLeave => Body::MemberLeave(parse(kind, value)?),
            Kind::MemberRemove => Body::MemberRemove(parse(kind, value)?),
            Kind::MemberUpdate => Body::MemberUpdate(parse(kind, value)?),
            Kind::DeviceAdd => Body::DeviceAdd(parse(kind, value)?),
            Kind::DeviceRevoke => Body::DeviceRevoke(parse(kind, value)?),
            Kind::ProposalOpen => Body::ProposalOpen(parse(kind, value)?),
            Kind::Ballot => Body::Ballot(parse(kind, value)?),
            Kind::ProxyGrant => Body::ProxyGrant(parse(kind, value)?),
            Kind::ProxyRevoke => Body::ProxyRevoke(parse(kind, value)?),
            Kind::ProposalClose => Body::ProposalClose(parse(kind, value)?),
            Kind::ProposalWithdraw => Body::ProposalWithdraw(parse(kind, value)?),
            Kind::CoopSettings => Body::CoopSettings(parse(kind, value)?),
        };
        body.check()
            .map_err(|reason| BodyError::Malformed { kind, reason })?;
        Ok(body)
    }

    /// Field rules beyond the shape: names, lengths, codes.
    fn check(&self) -> Result<(), String> {
        match self {
            Body::CoopGenesis(g) => {
                check_name("name", &g.name)?;
                check_name("founder_name", &g.founder_name)?;
                check_currency(&g.currency)?;
                check_bylaws(&g.bylaws)?;
                let lower_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
                if g.nonce.len() != 32 || !g.nonce.bytes().all(lower_hex) {
                    return Err("nonce must be 32 lowercase hex characters".into());
                }
                Ok(())
            }
            Body::MemberAdmit(a) => check_name("name", &a.name),
            Body::MemberLeave(_) | Body::DeviceRevoke(_) => Ok(()),
            Body::MemberRemove(r) => check_text("reason", &r.reason),
            Body::MemberUpdate(u) => {
                if u.name.is_none() && u.contact.is_none() {
                    return Err("an update must change the name or the contact".into());
                }
                if let Some(name) = &u.name {
                    check_name("name", name)?;
                }
                if let Some(contact) = &u.contact {
                    check_text("contact", contact)?;
                }
                Ok(())
            }
            Body::DeviceAdd(d) => check_name("name", &d.name),
            Body::ProposalOpen(p) => check_proposal(p),
            Body::Ballot(b) => {
                if let Choice::Approve(list) | Choice::Rank(list) = &b.choice
                    && list.len() > MAX_OPTIONS
                {
                    return Err(format!("at most {MAX_OPTIONS} options"));
                }
                Ok(())
            }
            Body::ProposalClose(c) => {
                let sorted = |ids: &[crate::record::RecordId]| ids.windows(2).all(|w| w[0] < w[1]);
                if !sorted(&c.ballots) || !sorted(&c.proxies) {
                    return Err("named ballots and proxies must be distinct and ascending".into());
                }
                Ok(())
            }
            Body::ProxyGrant(_) | Body::ProxyRevoke(_) | Body::ProposalWithdraw(_) => Ok(()),
            Body::CoopSettings(c) => c.relay.as_deref().map_or(Ok(()), check_relay_url),
        }
    }
}

/// Words an option may not be: they name outcomes and answers.
pub const RESERVED_OPTIONS: &[&str] = &["passed", "failed", "no_quorum", "tie", "abstain"];

fn check_bylaws(b: &Bylaws) -> Result<(), String> {
    let t = b.voting.threshold;
    if t.den == 0 || t.num == 0 || t.num > t.den {
        return Err("threshold must be a fraction N/D with 0 < N <= D".into());
    }
    if b.voting.quorum_pct > 100 {
        return Err("quorum_pct must be at most 100".into());
    }
    Ok(())
}

/// Most options a proposal may offer.
pub const MAX_OPTIONS: usize = 64;
/// Longest proposal text, in characters.
pub const MAX_PROPOSAL_CHARS: usize = 20_000;

fn check_proposal(p: &ProposalOpen) -> Result<(), String> {
    check_name("title", &p.title)?;
    if p.text.chars().count() > MAX_PROPOSAL_CHARS {
        return Err(format!(
            "text must be at most {MAX_PROPOSAL_CHARS} characters"
        ));
    }
    if p.quorum_pct > 100 {
        return Err("quorum must be at most 100%".into());
    }
    if p.threshold.den == 0 || p.threshold.num > p.threshold.den || p.threshold.num == 0 {
        return Err("threshold must be a fraction N/D with 0 < N <= D".into());
    }
    if p.method.has_options() {
        if p.options.len() < 2 || p.options.len() > MAX_OPTIONS {
            return Err(format!(
                "a {} vote needs 2 to {MAX_OPTIONS} options",
                p.method.as_str()
            ));
        }
        for option in &p.options {
            check_name("option", option)?;
        }
        let distinct: std::collections::BTreeSet<&String> = p.options.iter().collect();
        if distinct.len() != p.options.len() {
            return Err("options must be distinct".into());
        }
    } else if !p.options.is_empty() {
        return Err(format!("a {} vote takes no options", p.method.as_str()));
    }
    if !p.electorate.windows(2).all(|w| w[0] < w[1]) {
        return Err("the electorate must be distinct keys in ascending order".into());
    }
    for option in &p.options {
        if RESERVED_OPTIONS.contains(&option.as_str()) {
            return Err(format!(
                "{option:?} is a reserved word and cannot be an option"
            ));
        }
    }
    match &p.effect {
        Some(Effect::Admit(a)) => check_name("name", &a.name)?,
        Some(Effect::Remove(r)) => check_text("reason", &r.reason)?,
        Some(Effect::Bylaws(b)) => check_bylaws(b)?,
        None => {}
    }
    Ok(())
}

/// A display name: 1 to [`MAX_NAME_CHARS`] characters, no control characters, no
/// leading or trailing spaces.
pub fn check_name(field: &str, name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS {
        return Err(format!("{field} must be 1 to {MAX_NAME_CHARS} characters"));
    }
    if name.trim() != name || name.chars().any(char::is_control) {
        return Err(format!(
            "{field} must not start or end with spaces or contain control characters"
        ));
    }
    Ok(())
}

fn check_text(field: &str, text: &str) -> Result<(), String> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "{field} must be at most {MAX_TEXT_CHARS} characters"
        ));
    }
    Ok(())
}

/// A commodity code: 3 to 8 characters, `A`–`Z` and `0`–`9`, starting with a letter.
pub fn check_currency(code: &str) -> Result<(), String> {
    let ok = (3..=8).contains(&code.len())
        && code.starts_with(|c: char| c.is_ascii_uppercase())
        && code
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "currency {code:?} must be 3 to 8 characters A-Z or 0-9, starting with a letter"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_kind_round_trips_its_name() {
        for kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(*kind));
        }
        assert!("member.promote".parse::<Kind>().is_err());
    }

    #[test]
    fn bodies_refuse_unknown_fields_and_bad_names() {
        let extra = json!({"member": "00".repeat(32), "name": "Ravi", "role": "admin"});
        assert!(Body::from_value(Kind::MemberAdmit, extra).is_err());
        let blank = json!({"member": "00".repeat(32), "name": " "});
        assert!(Body::from_value(Kind::MemberAdmit, blank).is_err());
        let ok = json!({"member": "00".repeat(32), "name": "Ravi"});
        assert!(Body::from_value(Kind::MemberAdmit, ok).is_ok());
    }

    #[test]
    fn relay_urls() {
        for ok in [
            "https://relay.example.org",
            "http://10.0.0.2:3340",
            "https://r.example/x",
        ] {
            assert_eq!(check_relay_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "relay.example.org",
            "https://",
            "https:///path",
            "ftp://relay.example.org",
            "https://relay example.org",
            &format!("https://{}", "a".repeat(MAX_RELAY_URL)),
        ] {
            assert!(check_relay_url(bad).is_err(), "{bad}");
        }
        let bad = json!({"relay": "relay.example.org"});
        assert!(Body::from_value(Kind::CoopSettings, bad).is_err());
        let default = json!({"relay": null});
        assert!(Body::from_value(Kind::CoopSettings, default).is_ok());
    }

    #[test]
    fn currency_codes() {
        assert!(check_currency("EUR").is_ok());
        assert!(check_currency("HOURS").is_ok());
        assert!(check_currency("eur").is_err());
        assert!(check_currency("1EU").is_err());
        assert!(check_currency("EU").is_err());
    }
}
