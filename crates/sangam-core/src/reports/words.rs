//! The words of a report's page, in the reader's language: the window sends the `page.*`,
//! `effect.*` and `answer.*` entries of its i18n table; the CLI uses the English ones here.

use std::collections::BTreeMap;

use sangam_model::body::Method;

use crate::EffectDto;

/// The words of a page, in one language: text by key, `{name}` where a value goes. A key
/// the front end did not send is said in English.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
pub struct PageWords {
    /// The page's language, as `<html lang>` (BCP 47: `en`, `ta`).
    pub lang: String,
    /// Text by key (`page.title`, `effect.admit`, …).
    pub words: BTreeMap<String, String>,
}

/// The page's words in English: the CLI's, and any the front end left out. The window's
/// `ui/src/i18n/en.ts` holds the same texts under the same keys (a test compares them).
pub const ENGLISH: &[(&str, &str)] = &[
    ("page.title", "Vote report"),
    ("page.title_of", "Vote report: {title}"),
    ("page.invalid", "This is not a valid vote report"),
    ("page.unverified", "it could not be verified"),
    (
        "page.meta",
        "Proposed by {by} on {opened} · {method} · deadline {deadline}",
    ),
    ("page.status_closed", "Closed"),
    ("page.status_withdrawn", "Withdrawn"),
    ("page.status_open", "Still open: provisional"),
    (
        "page.participation",
        "{took_part} of {size} electors took part ({proxied} represented by proxy). Quorum {quorum}%: {met}. Threshold {num}/{den} of those who answered for or against.",
    ),
    ("page.met", "met"),
    ("page.not_met", "not met"),
    ("page.elected", "Elected: {names}"),
    ("page.outcome_passed", "Passed"),
    ("page.outcome_failed", "Not passed"),
    ("page.outcome_no_quorum", "No quorum"),
    ("page.outcome_tie", "Tie"),
    ("page.outcome_elected", "Elected"),
    ("page.outcome_winner", "Chosen: {option}"),
    ("page.runoff_rounds", "Rounds of the instant runoff"),
    ("page.if_passed", "If passed: {effect}."),
    ("page.question", "The question"),
    ("page.who_voted", "Who voted"),
    (
        "page.ballots_open",
        "Ballots are open: each is signed by its voter.",
    ),
    ("page.col_elector", "Elector"),
    ("page.col_counted", "Counted choice"),
    ("page.col_weight", "Weight"),
    ("page.represented_by", "represented by {who}"),
    ("page.did_not_vote", "did not vote"),
    ("page.unnamed", "(unnamed)"),
    ("page.every_ballot", "Every ballot"),
    ("page.col_voter", "Voter"),
    ("page.col_choice", "Choice"),
    ("page.col_seq", "Sequence"),
    ("page.col_cast", "Cast"),
    ("page.col_fate", "What became of it"),
    (
        "page.fate_contested",
        "counted (contested: not every close names it)",
    ),
    ("page.fate_counted", "counted"),
    (
        "page.fate_late",
        "late: no close names it, so it does not count",
    ),
    (
        "page.fate_superseded",
        "replaced by the voter's later ballot",
    ),
    ("page.fate_refused", "refused"),
    (
        "page.late_contested",
        "Late ballots: {late}. Contested ballots: {contested}.",
    ),
    ("page.none", "none"),
    ("page.proxies", "Proxies"),
    (
        "page.proxy_counted",
        "{grantor} gave their proxy to {holder} (counted)",
    ),
    (
        "page.proxy_not_counted",
        "{grantor} gave their proxy to {holder} (not counted)",
    ),
    ("page.proxy_back", "{grantor} took their proxy back"),
    ("page.closes", "Closes"),
    ("page.closes_none", "None."),
    (
        "page.closed_by",
        "Closed by {by} on {at}, naming {ballots} ballots",
    ),
    (
        "page.closed_by_refused",
        "Closed by {by} on {at}, naming {ballots} ballots (refused: it does not count)",
    ),
    ("page.evidence", "The evidence"),
    (
        "page.exported",
        "Exported by {exporter} on {exported} from {records} signed records, the exporter's signature over all of them.",
    ),
    (
        "page.not_member",
        "{key}, who is not a member in these records",
    ),
    ("page.report_id", "Report id"),
    ("page.coop_id", "Co-op id"),
    ("page.record_heads", "Record heads"),
    ("page.document_heads", "Document heads"),
    (
        "page.heads_differ",
        "Two reports of one proposal with different heads were made from different records: each says only what its exporter held.",
    ),
    ("page.how", "How to check this report"),
    (
        "page.how_file",
        "Get the report file (JSON) this page was made from; its report id is above.",
    ),
    (
        "page.how_sangam",
        "With Sangam: {command}. It needs no network and no co-op of your own, and says why if anything fails.",
    ),
    (
        "page.how_without",
        "Without Sangam: Sangam's docs/protocol.md, \"Verifying a report\", gives every step, the exact bytes hashed and signed (SHA-256, Ed25519) and the counting rules, so any programmer can check it in another language.",
    ),
    (
        "page.how_not_evidence",
        "This page is not evidence by itself: only the file is signed.",
    ),
    ("page.count_rounds", "The count, round by round"),
    (
        "page.count_hint",
        "{seats} seats, {ballots} ballots by weight. Figures are exact decimals, as every laptop computes them.",
    ),
    ("page.col_round", "Round"),
    ("page.col_quota", "Quota"),
    ("page.col_exhausted", "Exhausted"),
    ("page.round_first", "first preferences"),
    (
        "page.round_surplus",
        "{who}'s surplus of {surplus} passed on",
    ),
    ("page.round_settled", "keep factors settled"),
    ("page.round_excluded", "{who} excluded"),
    ("page.round_last", "as many left as seats"),
    ("page.elected_mark", "✔ elected"),
    (
        "page.tie",
        "Tie in round {round} among {among}: {chosen} chosen {by}.",
    ),
    ("page.tie_by_round", "by their votes in round {round}"),
    ("page.tie_by_lot", "by the lot drawn from the proposal's id"),
    ("page.method_yes_no", "yes / no"),
    ("page.method_consent", "consent"),
    ("page.method_choice", "single choice"),
    ("page.method_approval", "approval"),
    ("page.method_ranked", "ranked choice (instant runoff)"),
    ("page.method_score", "score"),
    ("page.method_stv", "single transferable vote (Meek)"),
    (
        "page.method_scottish_stv",
        "single transferable vote (Scottish rules)",
    ),
    ("answer.yes", "yes"),
    ("answer.no", "no"),
    ("answer.abstain", "abstain"),
    ("answer.agree", "agree"),
    ("answer.disagree", "disagree"),
    ("answer.block", "block"),
    ("effect.admit", "admit {name} ({member})"),
    ("effect.remove", "remove member {member}"),
    ("effect.bylaws", "set the bylaws: {parts}"),
    ("effect.admission_any_member", "admission by any member"),
    ("effect.admission_proposal", "admission by proposal"),
    ("effect.treasurers_any", "any member keeps the books"),
    ("effect.treasurers", "treasurers {keys}"),
    ("effect.approval_over", "a vote for entries over {amount}"),
    (
        "effect.shares",
        "reserve {reserve}%, education fund {education}%",
    ),
    ("effect.relay", "every laptop uses the co-op's relay {url}"),
    (
        "effect.relay_default",
        "every laptop uses n0's public relays",
    ),
    ("effect.withdraw_listing", "withdraw listing {listing}"),
];

impl PageWords {
    /// English, as the CLI writes the page.
    pub fn english() -> Self {
        Self {
            lang: "en".to_owned(),
            words: BTreeMap::new(),
        }
    }

    /// The page's `lang`: letters, digits and hyphens only (it goes into an attribute).
    pub(super) fn lang(&self) -> &str {
        let ok = !self.lang.is_empty()
            && self.lang.len() <= 16
            && self
                .lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok { &self.lang } else { "en" }
    }

    /// The text of `key`, escaped for HTML, with each `{name}` replaced by its value in
    /// `vars` (HTML already: the caller escapes what it puts there).
    pub(super) fn say(&self, key: &str, vars: &[(&str, &str)]) -> String {
        let text = self
            .words
            .get(key)
            .map(String::as_str)
            .or_else(|| ENGLISH.iter().find(|(k, _)| *k == key).map(|(_, v)| *v))
            .unwrap_or(key);
        let mut out = esc(text);
        for (name, value) in vars {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// An answer of a yes/no or consent vote in these words; an option (a member's text)
    /// as it is.
    pub(super) fn answer(&self, method: Method, label: &str) -> String {
        let protocol = matches!(method, Method::YesNo | Method::Consent)
            && matches!(
                label,
                "yes" | "no" | "abstain" | "agree" | "disagree" | "block"
            );
        if protocol {
            self.say(&format!("answer.{label}"), &[])
        } else {
            esc(label)
        }
    }

    /// What passing does, in these words (as the window's `effectWords`).
    pub(super) fn effect(&self, effect: &EffectDto) -> String {
        match effect {
            EffectDto::Admit { name, member } => self.say(
                "effect.admit",
                &[("name", &esc(name)), ("member", crate::dto::short(member))],
            ),
            EffectDto::Remove { member } => {
                self.say("effect.remove", &[("member", crate::dto::short(member))])
            }
            EffectDto::Bylaws {
                admission,
                treasurers,
                approval_over,
                reserve_pct,
                education_pct,
            } => {
                let mut parts = vec![self.say(
                    match admission {
                        sangam_model::Admission::AnyMember => "effect.admission_any_member",
                        sangam_model::Admission::Proposal => "effect.admission_proposal",
                    },
                    &[],
                )];
                parts.push(if treasurers.is_empty() {
                    self.say("effect.treasurers_any", &[])
                } else {
                    let keys: Vec<&str> = treasurers.iter().map(|k| crate::dto::short(k)).collect();
                    self.say("effect.treasurers", &[("keys", &keys.join(", "))])
                });
                for amount in approval_over {
                    parts.push(self.say("effect.approval_over", &[("amount", &esc(amount))]));
                }
                parts.push(self.say(
                    "effect.shares",
                    &[
                        ("reserve", &reserve_pct.to_string()),
                        ("education", &education_pct.to_string()),
                    ],
                ));
                self.say("effect.bylaws", &[("parts", &parts.join("; "))])
            }
            EffectDto::Relay { url: Some(url) } => self.say("effect.relay", &[("url", &esc(url))]),
            EffectDto::Relay { url: None } => self.say("effect.relay_default", &[]),
            EffectDto::WithdrawListing { listing } => self.say(
                "effect.withdraw_listing",
                &[("listing", crate::dto::short(listing))],
            ),
        }
    }
}

/// Text made safe inside HTML elements and attributes.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CLI's English and the window's (ui/src/i18n/en.ts) are the same texts, so a
    /// page reads the same whichever front end wrote it.
    #[test]
    fn the_english_words_are_the_windows() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/i18n/en.ts");
        // A regular file of this repository, read within a cap like any other.
        let en = crate::files::read_text_capped(&path, 1 << 20, crate::Thing::WordTable)
            .expect("the window's English table");
        for (key, text) in ENGLISH {
            let line = format!(
                "{}: {},",
                serde_json::to_string(key).expect("json"),
                serde_json::to_string(text).expect("json")
            );
            assert!(en.contains(&line), "en.ts lacks or words otherwise {line}");
        }
    }
}
