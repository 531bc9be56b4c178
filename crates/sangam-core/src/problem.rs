//! What went wrong, as a code and the values its words name, so that each front end words
//! it in its member's language: the CLI in the English written here, the window from its
//! own tables (`ui/src/i18n`), whose English is generated from this list (`make
//! bindings`) and whose Tamil the type checker holds complete.
//!
//! A value is data (a path, an amount, a name the member typed, a count) or, for a
//! failure below Sangam (the operating system's, a library's), that failure's own words.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::error_code::ErrorCode;

macro_rules! problems {
    ($($(#[doc = $doc:literal])* $key:ident($code:ident) = $english:literal;)*) => {
        /// Which problem: one code per sentence a member may read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
        pub enum ProblemKey {
            $($(#[doc = $doc])* $key,)*
        }

        impl ProblemKey {
            /// Every key, in the order written here.
            pub const ALL: &'static [ProblemKey] = &[$(ProblemKey::$key),*];

            /// The English words, with `{name}` where a value goes.
            pub fn english(self) -> &'static str {
                match self { $(ProblemKey::$key => $english,)* }
            }

            /// The kind of failure, for a caller that branches on it.
            pub fn code(self) -> ErrorCode {
                match self { $(ProblemKey::$key => ErrorCode::$code,)* }
            }

            /// The key's name, as the window's tables spell it (`problem.` + this).
            pub fn name(self) -> &'static str {
                match self { $(ProblemKey::$key => stringify!($key),)* }
            }
        }
    };
}

problems! {
    // Naming things by id.
    /// An id or prefix too short, or not hex. `what`: a [`Thing`].
    PrefixTooShort(InvalidInput) = "name {what} by its id or at least its first {min} hex characters, not \"{text}\"";
    /// No id starts with the prefix.
    NoSuchPrefix(NotFound) = "no id of {what} starts with \"{text}\"";
    /// Several ids start with the prefix.
    SeveralWithPrefix(Ambiguous) = "the ids of several of {what} start with \"{text}\": give more of it";
    /// Not a public key.
    NotAKey(InvalidInput) = "{what} must be a 64-character lowercase hex public key, got \"{text}\"";
    /// Not a listing id.
    NotAListingId(InvalidInput) = "a listing id is 64 hex characters";
    /// Not a device key.
    NotADeviceKey(InvalidInput) = "\"{text}\" is not a device key";
    /// A co-op this home does not hold.
    CoopNotHere(NotFound) = "co-op {coop} is not in this home";
    /// A proposal this co-op does not have.
    NotAProposal(NotFound) = "{id} is not a proposal of this co-op";
    /// A call for nominations this co-op does not have.
    NotACall(NotFound) = "{id} is not a call for nominations of this co-op";
    /// A listing this co-op does not have.
    NotAListing(NotFound) = "{id} is not a listing of this co-op";
    /// An entry the books do not have.
    NotAnEntry(NotFound) = "{id} is not an entry of this co-op";
    /// No account has the name.
    NoAccountNamed(NotFound) = "no account is called \"{name}\"";
    /// Several accounts have the name.
    SeveralAccountsNamed(Ambiguous) = "several accounts are called \"{name}\": use its id";

    // The member's identity and devices.
    /// A home holds one member.
    IdentityExists(IdentityExists) = "this home already has a member identity; a second member needs a home of their own";
    /// No identity yet.
    NoIdentity(NoIdentity) = "this home has no member identity yet";
    /// No identity, and no name to make one.
    NoIdentityNoName(NoIdentity) = "this home has no member identity yet, and no name was given for one";
    /// An update that changes nothing.
    NothingToUpdate(InvalidInput) = "give a new name, a new contact line, or both";
    /// Revoking the device in use.
    RevokeOwnDevice(InvalidInput) = "this is the device you are using; revoke it from another device";
    /// A phrase with the wrong number of words.
    PhraseWordCount(InvalidInput) = "a recovery phrase has {expected} words; this one has {count}";
    /// A word not in the list.
    PhraseUnknownWord(InvalidInput) = "word {position} (\"{word}\") is not a word of the recovery list: check its spelling";
    /// The phrase's checksum fails.
    PhraseChecksum(InvalidInput) = "the phrase's check does not match: a word is mistyped, swapped or missing";
    /// Not a recovery phrase at all.
    NotAPhrase(InvalidInput) = "this is not a recovery phrase: {detail}";

    // Invites and linked laptops.
    /// Not serving yet, for an invite.
    NotServingInvite(NotServing) = "this home is not serving yet: the newcomer joins through this home while it serves, and the invite carries its address";
    /// Not serving yet, for a link ticket.
    NotServingLink(NotServing) = "this home is not serving yet: the new laptop links through this one while it serves, and the ticket carries its address";
    /// An invite for no one.
    InviteNoUses(InvalidInput) = "an invite needs at least one use";
    /// An invite that is over when made.
    InviteNoTime(InvalidInput) = "an invite that lasts no time would be expired when made";
    /// An invite too long.
    InviteTooLong(InvalidInput) = "an invite cannot last beyond the year 9999";
    /// Only members invite.
    InviteByNonMember(Refused) = "only a current member of the co-op can invite";
    /// An invite used up.
    InviteUsed(Refused) = "this invite has already been used: ask the inviter for a new one";
    /// A link ticket where an invite belongs.
    LinkNotInvite(InvalidInput) = "this ticket links a member's own new laptop, not an invite: a newcomer joins with an invite";
    /// An invite opened where it was made.
    InviteHere(InvalidInput) = "this invite was made on this laptop: give it to the newcomer";
    /// A ticket that does not read.
    BadTicket(InvalidInput) = "this is not a ticket Sangam reads: {detail}";
    /// A link ticket that is over when made.
    LinkNoTime(InvalidInput) = "a link ticket that lasts no time would be expired when made";
    /// A link ticket too long.
    LinkTooLong(InvalidInput) = "a link ticket hands over your member key, so it lasts at most an hour";
    /// Only members link laptops.
    LinkByNonMember(Refused) = "only a current member of the co-op can link a laptop to it";
    /// The clock beyond what a record holds.
    ClockTooLate(InvalidInput) = "the clock is past the year 9999";
    /// The other laptop's key does not read.
    MalformedLinkedKey(Refused) = "the other laptop sent a malformed key";
    /// This laptop holds another member.
    HoldsAnotherMember(IdentityExists) = "this laptop already holds another member's identity ({member}): a laptop holds one member; use a fresh home";
    /// An invite where a link ticket belongs.
    InviteNotLink(InvalidInput) = "this is an invite to join as a new member, not a ticket to link a laptop of your own";
    /// A link ticket opened where it was made.
    LinkHere(InvalidInput) = "this link ticket was made on this laptop: open it on your new laptop";
    /// A link ticket past its time.
    LinkExpired(Refused) = "this link ticket expired at {at}: make a new one on your other laptop";
    /// This laptop holds a member already.
    HoldsAMember(IdentityExists) = "this laptop already holds a member's identity ({member}): a laptop holds one member; link from a fresh home, and the ticket stays good for it";
    /// The other laptop said no.
    PeerRefused(Refused) = "{detail}";
    /// The network failed.
    NetworkFailed(Network) = "{detail}";

    // Syncing.
    /// No peer to dial.
    NoPeerToSync(NotFound) = "no peer to sync with: this home remembers none with an address yet";
    /// Every peer failed.
    NoPeerSynced(Network) = "no peer could be synced with: {detail}";
    /// A sync frame that the session cannot take.
    BadFrame(InvalidInput) = "{detail}";
    /// Not a peer's address.
    BadAddress(InvalidInput) = "\"{text}\" is not a peer address: paste the whole address the other laptop shows while it serves";
    /// Not a relay URL.
    BadRelay(InvalidInput) = "{detail}";

    // Bundles.
    /// The earlier bundle does not read.
    EarlierBundleUnusable(BadBundle) = "the earlier bundle is not usable: {detail}";
    /// The earlier bundle is another co-op's.
    EarlierBundleElsewhere(InvalidInput) = "the earlier bundle belongs to another co-op";
    /// A partial bundle of a co-op new here.
    BundleWithoutGenesis(BadBundle) = "the bundle does not contain its co-op's genesis: export it in full, not only what is new since an earlier bundle; nothing was changed";
    /// A co-op that does not admit this member.
    BundleNotAdmitted(Refused) = "co-op \"{coop}\" does not admit your member key {member} yet: ask a member to admit it, then import their new bundle; nothing was changed";
    /// A bundle that does not verify.
    BadBundle(BadBundle) = "cannot import: {detail}; nothing was changed";

    // Proposals and reports.
    /// A report of an open proposal.
    ReportOfOpen(InvalidInput) = "the proposal is still open: a report is of a decision, so close it first";
    /// A report that does not verify.
    ReportDoesNotVerify(Refused) = "the report this home wrote does not verify ({detail}): please report this";
    /// A report that cannot be built.
    ReportNotBuilt(NotFound) = "{detail}";
    /// Keeping the books is for members.
    TreasurerNotMember(InvalidInput) = "{member} is not a current member: only members keep the books";
    /// A negative approval limit.
    NegativeApprovalLimit(InvalidInput) = "an approval limit is 0 or more";
    /// Funds that add to more than the surplus.
    FundsOverHundred(InvalidInput) = "the reserve's {reserve}% and the education fund's {education}% come to more than 100%";
    /// A deadline too far.
    DeadlineTooLate(InvalidInput) = "a proposal cannot close after the year 9999";
    /// A threshold out of range.
    BadThreshold(InvalidInput) = "a threshold is a fraction above 0 and at most 1, not {num}/{den}";
    /// A choice vote with nothing to choose.
    NoOptions(InvalidInput) = "a {method} vote has no options";
    /// A ballot file of a proposal that ranks nothing.
    NotAnElection(InvalidInput) = "{id} is not an STV election: a ballot file holds rankings of candidates";
    /// A ballot file that cannot be written or read.
    BadBallotFile(InvalidInput) = "{detail}";
    /// Too few accepted to open the election.
    TooFewCandidates(InvalidInput) = "{count} accepted their nomination: an election of {seats} seat(s) needs at least two candidates, and no fewer than its seats";
    /// A co-op template with a starter's id.
    TemplateIsStarter(InvalidInput) = "\"{id}\" is the id of a template Sangam ships: give yours another";
    /// A tally that cannot be counted.
    NotCounted(NotFound) = "{detail}";
    /// A ballot's choice that the method refuses, with the options.
    BadChoice(InvalidInput) = "{detail} (options: {options})";
    /// A body a field rule refuses.
    BadField(InvalidInput) = "{detail}";

    // Money.
    /// An unknown decimal mark.
    BadDecimalMark(InvalidInput) = "the decimal mark is point (.) or comma (,), not \"{text}\"";
    /// An amount whose marks read two ways.
    AmbiguousAmount(InvalidInput) = "\"{amount}\" is ambiguous here: \"{grouping}\" only separates thousands, in groups of three, and \"{decimal}\" marks the decimals; write {meant} if that is what you meant";
    /// An amount with a stray grouping mark.
    StrayGrouping(InvalidInput) = "\"{amount}\" is ambiguous here: \"{grouping}\" only separates thousands, in groups of three, and \"{decimal}\" marks the decimals; write it without \"{grouping}\"";
    /// Not a number.
    NotAnAmount(InvalidInput) = "\"{amount}\" is not an amount";
    /// Finer than the commodity.
    TooPrecise(InvalidInput) = "{commodity} has {places} decimal place(s): {amount} is more precise than that";
    /// Beyond what a record holds.
    TooLarge(InvalidInput) = "{amount} {commodity} is too large";
    /// No commodity.
    NotMoney(InvalidInput) = "an amount is a number and a commodity, like \"15.50 EUR\", not \"{text}\"";
    /// Not a commodity code.
    BadCommodity(InvalidInput) = "currency \"{text}\" must be 3 to 8 characters A-Z or 0-9, starting with a letter";
    /// A negative price.
    NegativePrice(InvalidInput) = "a price is not negative: \"{text}\"";

    // The books.
    /// No account with the role.
    NoRoleAccount(NotFound) = "the co-op has no open {role} account: open an equity account with the role {role}";
    /// Several accounts with the role.
    SeveralRoleAccounts(Ambiguous) = "the co-op has several open {role} accounts";
    /// A period backwards.
    PeriodBackwards(InvalidInput) = "the period ends ({to}) before it starts ({from})";
    /// A surplus allocated already.
    SurplusAllocated(InvalidInput) = "the surplus of {from} to {to} is already allocated by entry {entry} (it counts): a period's surplus is allocated once";
    /// A surplus allocation whose vote is open.
    SurplusAllocating(InvalidInput) = "the surplus of {from} to {to} is already allocated by entry {entry} (its vote is open): a period's surplus is allocated once";
    /// Less surplus than allocated.
    SurplusShort(InvalidInput) = "the surplus account {account} holds {holds}, less than the {wanted} to allocate";
    /// A member with a share and no capital account.
    NoCapitalAccount(NotFound) = "{member} has a share of the surplus but no open capital account";
    /// Posting to a closed account.
    AccountClosed(Refused) = "the account \"{name}\" is closed";
    /// Closing a closed account.
    AccountClosedAlready(Refused) = "the account \"{name}\" is closed already";
    /// A line of 0.
    ZeroLine(InvalidInput) = "an amount of 0 posts nothing";
    /// An entry of one line.
    OneLine(InvalidInput) = "an entry has at least two lines";
    /// An entry that does not balance.
    Unbalanced(InvalidInput) = "the entry does not balance: {commodity} is off by {off}";
    /// Approval by a choice vote.
    ApprovalByChoice(InvalidInput) = "proposal {id} chooses among options ({method}): only a yes/no or consent vote approves an entry, so an entry citing it would never count";
    /// Approval by a withdrawn proposal.
    ApprovalWithdrawn(InvalidInput) = "proposal {id} was withdrawn: an entry citing it would never count";
    /// Approval by a failed proposal.
    ApprovalFailed(InvalidInput) = "proposal {id} closed without passing: an entry citing it would never count";
    /// More than a day's hours.
    DayOverFull(InvalidInput) = "you have logged {logged} on {date} already; a day holds at most 24 hours";
    /// An unknown export format.
    BadFormat(InvalidInput) = "the formats are hledger, beancount and csv, not \"{text}\"";
    /// Not a date.
    BadDate(InvalidInput) = "{what} must be a date written YYYY-MM-DD, not \"{text}\"";
    /// A match rule without its arrow or a side.
    RulesMatchForm(InvalidInput) = "rules line {at}: a match rule is `match TEXT => ACCOUNT`: \"{text}\"";
    /// A rules line that is neither form.
    RulesLineForm(InvalidInput) = "rules line {at}: a rule is `key = value` or `match TEXT => ACCOUNT`: \"{text}\"";
    /// A key the rules do not know.
    RulesUnknownKey(InvalidInput) = "rules line {at}: unknown key (the keys are {keys}): \"{text}\"";
    /// A rules file without a key it needs.
    RulesNeedKey(InvalidInput) = "the rules need `{key} = …`";
    /// A rules file without the amount's columns.
    RulesNeedAmount(InvalidInput) = "the rules need `amount = COLUMN`, or `debit = COLUMN` and `credit = COLUMN`";
    /// Not a number of lines.
    BadSkip(InvalidInput) = "skip is a number of lines, not \"{text}\"";
    /// An unknown separator.
    BadSeparator(InvalidInput) = "the separator is , ; or tab, not \"{text}\"";
    /// An unknown decimal mark in the rules.
    BadRulesMark(InvalidInput) = "the decimal mark is . or , not \"{text}\"";
    /// A column the statement does not have.
    NoColumn(InvalidInput) = "the statement's first line has no column called \"{name}\"";
    /// A statement that cannot be read.
    StatementUnreadable(InvalidInput) = "cannot read the statement: {detail}";
    /// A statement that is not CSV.
    NotCsv(InvalidInput) = "the statement is not CSV: {detail}";
    /// A statement that changed while read.
    StatementChanged(InvalidInput) = "the statement changed while it was read (line {line} is bad now): nothing was posted";

    // The marketplace.
    /// Another member's listing.
    NotListingAuthor(Refused) = "only the listing's author may change it";
    /// A listing expired before it is posted.
    ListingExpired(InvalidInput) = "the listing's expiry is already past: it would be expired when posted";

    // Files.
    /// Not a regular file.
    NotARegularFile(InvalidInput) = "{what} {path} is not a regular file (a device, pipe or directory); nothing was read";
    /// A file that cannot be read.
    CannotRead(InvalidInput) = "cannot read {what} {path}: {detail}";
    /// A file too large.
    FileTooLarge(InvalidInput) = "{what} {path} is {size} bytes, more than the {cap} allowed; nothing was read";
    /// Not text.
    NotText(InvalidInput) = "{what} {path} is not UTF-8 text";
    /// Writing over what is not a file.
    WriteOverNonFile(InvalidInput) = "cannot write {path}: it is {what}, not a regular file; name a file to write (it was left as it is)";
    /// Writing over a symbolic link.
    WriteOverLink(InvalidInput) = "cannot write {path}: it is a symbolic link to {to}, not a regular file; name a file to write (it was left as it is)";
    /// A file that cannot be written.
    CannotWrite(InvalidInput) = "cannot write {path}: {detail}";
    /// A path that names no file.
    NoFileName(InvalidInput) = "cannot write {path}: the path names no file";

    // Pictures of tickets.
    /// A ticket too long for a QR code.
    QrTooLong(InvalidInput) = "the text is too long for a QR code ({bytes} bytes)";
    /// Not a picture.
    QrNotAPicture(InvalidInput) = "the file is not a picture Sangam can read (PNG or JPEG): {detail}";
    /// No code in the picture.
    QrNoCode(InvalidInput) = "no QR code could be read in the picture: try a sharper or larger one";
    /// A code that holds no text.
    QrNotText(InvalidInput) = "the QR code does not hold text";

    // The home itself.
    /// Another process holds the write lock.
    Busy(Busy) = "{detail}; nothing was written, try again";
    /// The database failed.
    Database(Storage) = "could not use the home database: {detail}";
    /// The home's folder failed.
    HomeFolder(Storage) = "cannot {what} {path}: {detail}";
    /// This device may not write.
    DeviceNotAllowed(Refused) = "this device is not an active device of a current member of the co-op";
    /// The replica must be reread first.
    MustReplay(Refused) = "this laptop must reread the co-op from its log before writing; try again";
    /// A CSV export that could not be made.
    CsvNotWritten(Storage) = "the CSV could not be written: {detail}";
    /// A damaged home or a fault in Sangam: what it was.
    Damaged(Storage) = "{detail}";
}

macro_rules! things {
    ($($(#[doc = $doc:literal])* $name:ident = $english:literal;)*) => {
        /// What kind of thing a value names, worded by each front end ("a proposal", "the
        /// statement").
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
        pub enum Thing {
            $($(#[doc = $doc])* $name,)*
        }

        impl Thing {
            /// Every thing, in the order written here.
            pub const ALL: &'static [Thing] = &[$(Thing::$name),*];

            /// The English words.
            pub fn english(self) -> &'static str {
                match self { $(Thing::$name => $english,)* }
            }
        }
    };
}

things! {
    /// A co-op, named by id.
    Coop = "a co-op";
    /// A member, named by key.
    Member = "a member";
    /// A proposal, named by id.
    Proposal = "a proposal";
    /// A listing, named by id.
    Listing = "a listing";
    /// A call for nominations, named by id.
    Call = "a call for nominations";
    /// An account, named by id.
    Account = "an account";
    /// An entry, named by id.
    Entry = "an entry";
    /// A newcomer's member key.
    NewcomerKey = "the newcomer's member key";
    /// The member a proposal removes.
    MemberToRemove = "the member to remove";
    /// A treasurer named by a proposal.
    Treasurer = "a treasurer";
    /// The member a posting is for.
    PostingMember = "the member a posting is for";
    /// The member a list is narrowed to.
    TheMember = "the member";
    /// The author a list is narrowed to.
    Author = "the author";
    /// A member key given to admit.
    MemberKey = "the member key";
    /// A device key given to add.
    DeviceKey = "the device key";
    /// A bundle file.
    Bundle = "the bundle";
    /// The earlier bundle an export starts after.
    EarlierBundle = "the --since bundle";
    /// A bank statement.
    Statement = "the statement";
    /// A statement's rules file.
    RulesFile = "the rules file";
    /// A proposal's text, from a file.
    TextFile = "the text file";
    /// A report file.
    Report = "the report";
    /// A ballot file.
    BallotFile = "the ballot file";
    /// A table of words.
    WordTable = "the window's English table";
    /// A period's first day (`--from`).
    PeriodStart = "from";
    /// A period's last day (`--to`).
    PeriodEnd = "to";
    /// An entry's or a day's date.
    EntryDate = "the date";
    /// A symbolic link.
    SymbolicLink = "a symbolic link";
    /// A directory.
    Directory = "a directory";
    /// A device, pipe or socket.
    Device = "a device, pipe or socket";
    /// The home's folder, to create.
    CreateHome = "create home";
    /// The home's folder, to create the database in.
    CreateDatabase = "create the database in";
    /// The home's folder, to keep private.
    ProtectHome = "make private";
}

/// A problem: its key, what kind of thing it is about, and its values by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Problem {
    /// Which problem.
    pub key: ProblemKey,
    /// What kind of thing `{what}` names, where the words have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub what: Option<Thing>,
    /// The values the words name.
    pub values: BTreeMap<String, String>,
    /// The line of the member's input it is on, where the input has lines (an entry's
    /// postings): the words are then said of that line ("line 2: …").
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub line: Option<u32>,
}

impl Problem {
    /// `key` with no values yet.
    pub fn new(key: ProblemKey) -> Self {
        Self {
            key,
            what: None,
            values: BTreeMap::new(),
            line: None,
        }
    }

    /// With `{name}` standing for `value`.
    pub fn with(mut self, name: &str, value: impl ToString) -> Self {
        self.values.insert(name.to_owned(), value.to_string());
        self
    }

    /// With `{what}` standing for `thing`.
    pub fn about(mut self, thing: Thing) -> Self {
        self.what = Some(thing);
        self
    }

    /// Said of line `line` (counting from 1) of the member's input.
    pub fn on_line(mut self, line: usize) -> Self {
        self.line = Some(u32::try_from(line).unwrap_or(u32::MAX));
        self
    }

    /// The words in English (the CLI's).
    pub fn english(&self) -> String {
        let mut out = match self.line {
            Some(line) => format!("line {line}: "),
            None => String::new(),
        };
        let mut rest = self.key.english();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            let name = &rest[open + 1..open + close];
            match (name, self.what) {
                ("what", Some(thing)) => out.push_str(thing.english()),
                _ => out.push_str(self.values.get(name).map_or("", String::as_str)),
            }
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }
}

/// A problem of `key`, as an error.
pub(crate) fn problem(key: ProblemKey) -> Problem {
    Problem::new(key)
}

/// The English of every key, as the window's table: `problem.KEY` and the words, in the
/// window's `{name}` placeholders (the same as these), and each [`Thing`] as
/// `thing.NAME`. Written beside the bindings.
pub(crate) fn english_table() -> String {
    let mut out = String::from(
        "// Generated from sangam-core's problem.rs by `make bindings`: do not edit.\n\nexport const problemWords = {\n",
    );
    for key in ProblemKey::ALL {
        out.push_str(&format!(
            "  \"problem.{}\": {},\n",
            key.name(),
            serde_json::to_string(key.english()).expect("a string serializes")
        ));
    }
    for thing in Thing::ALL {
        out.push_str(&format!(
            "  \"thing.{:?}\": {},\n",
            thing,
            serde_json::to_string(thing.english()).expect("a string serializes")
        ));
    }
    out.push_str("} as const;\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_fills_each_value_and_the_thing_in() {
        let p = problem(ProblemKey::TooPrecise)
            .with("commodity", "INR")
            .with("places", 2)
            .with("amount", "1.005");
        assert_eq!(
            p.clone().on_line(2).english(),
            "line 2: INR has 2 decimal place(s): 1.005 is more precise than that"
        );
        assert_eq!(
            p.english(),
            "INR has 2 decimal place(s): 1.005 is more precise than that"
        );
        let p = problem(ProblemKey::NoSuchPrefix)
            .about(Thing::Proposal)
            .with("text", "abcd");
        assert_eq!(p.english(), "no id of a proposal starts with \"abcd\"");
        assert_eq!(p.key.code(), ErrorCode::NotFound);
    }

    #[test]
    fn every_placeholder_is_a_value_name_and_every_thing_is_listed() {
        for key in ProblemKey::ALL {
            let words = key.english();
            assert_eq!(
                words.matches('{').count(),
                words.matches('}').count(),
                "{key:?}"
            );
            for name in words
                .split('{')
                .skip(1)
                .map(|s| &s[..s.find('}').unwrap_or(0)])
            {
                assert!(
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()),
                    "{key:?}: {{{name}}}"
                );
            }
        }
        let table = english_table();
        for thing in Thing::ALL {
            assert!(table.contains(&format!("\"thing.{thing:?}\"")));
        }
        assert_eq!(table.matches("\"problem.").count(), ProblemKey::ALL.len());
    }
}
