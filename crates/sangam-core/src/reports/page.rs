//! A report's page for people: one self-contained HTML file, printable on A4, readable
//! without the app or the network (no scripts, no fonts or images fetched). It states what
//! the signed records in the report file give, and how to check that file.
//!
//! Its words come from the front end that asks for it ([`PageWords`], in `words.rs`).
//! What the records themselves say (names, the question, a refusal's reason) is shown as
//! it is.

use std::fmt::Write;

use sangam_model::body::Method;

use super::dto::{BallotFate, ReportDto, ReportSummaryDto};
pub use super::words::PageWords;
use super::words::esc;
use crate::node::when_utc as when;
use crate::{OutcomeDto, ProposalStatus};

/// The page of a verified report in English (a refused one gets a page saying why).
pub fn render(report: &ReportDto) -> String {
    render_in(report, &PageWords::english())
}

/// The page of a verified report in `words`' language.
pub fn render_in(report: &ReportDto, words: &PageWords) -> String {
    let mut page = String::with_capacity(16 * 1024);
    let title = report.summary.as_ref().map_or_else(
        || words.say("page.title", &[]),
        |s| words.say("page.title_of", &[("title", &esc(&s.title))]),
    );
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        words.lang()
    );
    match &report.summary {
        Some(s) => body(&mut page, s, words),
        None => {
            let reason = match report.reason.as_deref() {
                Some(reason) => esc(reason),
                None => words.say("page.unverified", &[]),
            };
            let _ = write!(
                page,
                "<h1>{}</h1>\n<p class=\"verdict bad\">{reason}</p>\n",
                words.say("page.invalid", &[])
            );
        }
    }
    page.push_str("</body>\n</html>\n");
    page
}

fn body(page: &mut String, s: &ReportSummaryDto, w: &PageWords) {
    let t = &s.tally;
    let _ = write!(
        page,
        "<header>\n<p class=\"coop\">{coop}</p>\n<h1>{title}</h1>\n\
         <p class=\"meta\">{meta}</p>\n</header>\n",
        coop = esc(&s.coop_name),
        title = esc(&s.title),
        meta = w.say(
            "page.meta",
            &[
                ("by", &esc(&who(&s.opened_by_name, &s.opened_by))),
                ("opened", &when(s.opened_at)),
                ("method", &method_words(t.method, w)),
                ("deadline", &when(t.closes_at)),
            ]
        ),
    );
    let (class, status) = match t.status {
        ProposalStatus::Closed => ("good", "page.status_closed"),
        ProposalStatus::Withdrawn => ("neutral", "page.status_withdrawn"),
        ProposalStatus::Provisional => ("neutral", "page.status_open"),
    };
    let outcome = match &t.election {
        Some(e) if t.outcome == OutcomeDto::Elected => {
            w.say("page.elected", &[("names", &esc(&e.elected.join(", ")))])
        }
        _ => outcome_words(&t.outcome, w),
    };
    let participation = w.say(
        "page.participation",
        &[
            (
                "took_part",
                &(t.ballots_counted + t.represented).to_string(),
            ),
            ("size", &t.electorate_size.to_string()),
            ("proxied", &t.represented.to_string()),
            ("quorum", &t.quorum_pct.to_string()),
            (
                "met",
                &w.say(
                    if t.quorum_met {
                        "page.met"
                    } else {
                        "page.not_met"
                    },
                    &[],
                ),
            ),
            ("num", &t.threshold.num.to_string()),
            ("den", &t.threshold.den.to_string()),
        ],
    );
    let _ = write!(
        page,
        "<section class=\"result {class}\">\n<p class=\"status\">{}</p>\n\
         <p class=\"outcome\">{outcome}</p>\n<p>{participation}</p>\n",
        w.say(status, &[]),
    );
    page.push_str("<table class=\"counts\">\n<tr>");
    for label in &s.answers {
        let _ = write!(page, "<th>{}</th>", w.answer(t.method, label));
    }
    page.push_str("</tr>\n<tr>");
    for label in &s.answers {
        let _ = write!(
            page,
            "<td>{}</td>",
            t.counts.get(label).copied().unwrap_or(0)
        );
    }
    page.push_str("</tr>\n</table>\n");
    if t.rounds.len() > 1 {
        let _ = writeln!(
            page,
            "<h3>{}</h3>\n<ol class=\"rounds\">",
            w.say("page.runoff_rounds", &[])
        );
        for round in &t.rounds {
            let line: Vec<String> = round
                .iter()
                .map(|(o, n)| format!("{} {n}", esc(o)))
                .collect();
            let _ = writeln!(page, "<li>{}</li>", line.join(" · "));
        }
        page.push_str("</ol>\n");
    }
    if let Some(election) = &t.election {
        election_rounds(page, election, w);
    }
    if let Some(effect) = &s.effect {
        let _ = writeln!(
            page,
            "<p>{}</p>",
            w.say("page.if_passed", &[("effect", &w.effect(effect))])
        );
    }
    page.push_str("</section>\n");
    if !s.text.is_empty() {
        let _ = writeln!(
            page,
            "<section>\n<h2>{}</h2>\n<p class=\"text\">{}</p>\n</section>",
            w.say("page.question", &[]),
            esc(&s.text)
        );
    }

    let _ = write!(
        page,
        "<section>\n<h2>{}</h2>\n<p class=\"hint\">{}</p>\n<table>\n\
         <tr><th>{}</th><th>{}</th><th>{}</th></tr>\n",
        w.say("page.who_voted", &[]),
        w.say("page.ballots_open", &[]),
        w.say("page.col_elector", &[]),
        w.say("page.col_counted", &[]),
        w.say("page.col_weight", &[]),
    );
    for elector in &s.electors {
        let counted = s
            .ballots
            .iter()
            .find(|b| b.voter == elector.member && b.fate == BallotFate::Counted);
        let represented = s
            .proxies
            .iter()
            .find(|p| p.kept && p.grantor == elector.member);
        let (choice, weight) = match (counted, represented) {
            (Some(b), _) => (w.answer(t.method, &b.choice_text), b.weight.to_string()),
            (None, Some(p)) => (
                format!(
                    "<i>{}</i>",
                    w.say(
                        "page.represented_by",
                        &[(
                            "who",
                            &esc(&who(&p.holder_name, p.holder.as_deref().unwrap_or("")))
                        )]
                    )
                ),
                "—".into(),
            ),
            (None, None) => (
                format!("<i>{}</i>", w.say("page.did_not_vote", &[])),
                "—".into(),
            ),
        };
        let name = match &elector.name {
            Some(name) => esc(name),
            None => w.say("page.unnamed", &[]),
        };
        let _ = writeln!(
            page,
            "<tr><td>{name} <span class=\"key\">{}</span></td><td>{choice}</td><td>{weight}</td></tr>",
            short(&elector.member),
        );
    }
    page.push_str("</table>\n</section>\n");

    let _ = writeln!(
        page,
        "<section>\n<h2>{}</h2>\n<table>\n<tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        w.say("page.every_ballot", &[]),
        w.say("page.col_voter", &[]),
        w.say("page.col_choice", &[]),
        w.say("page.col_seq", &[]),
        w.say("page.col_cast", &[]),
        w.say("page.col_fate", &[]),
    );
    for b in &s.ballots {
        let fate = w.say(
            match b.fate {
                BallotFate::Counted if b.contested => "page.fate_contested",
                BallotFate::Counted => "page.fate_counted",
                BallotFate::Late => "page.fate_late",
                BallotFate::Superseded => "page.fate_superseded",
                BallotFate::Refused => "page.fate_refused",
            },
            &[],
        );
        let refused = b
            .refused
            .as_ref()
            .map(|r| format!(": {}", esc(r)))
            .unwrap_or_default();
        let _ = writeln!(
            page,
            "<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{fate}{refused}</td></tr>",
            fate_class(b.fate, b.contested),
            esc(&who(&b.voter_name, &b.voter)),
            w.answer(t.method, &b.choice_text),
            b.seq,
            when(b.at),
        );
    }
    page.push_str("</table>\n");
    let late = s
        .ballots
        .iter()
        .filter(|b| b.fate == BallotFate::Late)
        .count();
    let count_or_none = |n: usize| {
        if n == 0 {
            w.say("page.none", &[])
        } else {
            n.to_string()
        }
    };
    let _ = writeln!(
        page,
        "<p>{}</p>\n</section>",
        w.say(
            "page.late_contested",
            &[
                ("late", &count_or_none(late)),
                ("contested", &count_or_none(t.contested.len())),
            ]
        ),
    );

    if !s.proxies.is_empty() {
        let _ = writeln!(
            page,
            "<section>\n<h2>{}</h2>\n<ul>",
            w.say("page.proxies", &[])
        );
        for p in &s.proxies {
            let grantor = esc(&who(&p.grantor_name, &p.grantor));
            let line = match &p.holder {
                Some(holder) => w.say(
                    if p.kept {
                        "page.proxy_counted"
                    } else {
                        "page.proxy_not_counted"
                    },
                    &[
                        ("grantor", &grantor),
                        ("holder", &esc(&who(&p.holder_name, holder))),
                    ],
                ),
                None => w.say("page.proxy_back", &[("grantor", &grantor)]),
            };
            let _ = writeln!(page, "<li>{line}</li>");
        }
        page.push_str("</ul>\n</section>\n");
    }

    let _ = writeln!(
        page,
        "<section>\n<h2>{}</h2>\n<ul>",
        w.say("page.closes", &[])
    );
    if s.closes.is_empty() {
        let _ = writeln!(page, "<li>{}</li>", w.say("page.closes_none", &[]));
    }
    for c in &s.closes {
        let _ = writeln!(
            page,
            "<li>{} <span class=\"key\">{}</span></li>",
            w.say(
                if c.valid {
                    "page.closed_by"
                } else {
                    "page.closed_by_refused"
                },
                &[
                    ("by", &esc(&who(&c.author_name, &c.author))),
                    ("at", &when(c.at)),
                    ("ballots", &c.ballots.to_string()),
                ]
            ),
            short(&c.id),
        );
    }
    page.push_str("</ul>\n</section>\n");

    let exporter = match &s.exporter_name {
        Some(name) => esc(&format!("{name} ({})", short(&s.exporter))),
        None => w.say("page.not_member", &[("key", &short(&s.exporter))]),
    };
    let _ = write!(
        page,
        "<section class=\"evidence\">\n<h2>{}</h2>\n<p>{}</p>\n<dl>\n\
         <dt>{}</dt><dd class=\"key\">{id}</dd>\n\
         <dt>{}</dt><dd class=\"key\">{coop}</dd>\n\
         <dt>{}</dt><dd class=\"key\">{rheads}</dd>\n\
         <dt>{}</dt><dd class=\"key\">{dheads}</dd>\n</dl>\n\
         <p>{}</p>\n</section>\n",
        w.say("page.evidence", &[]),
        w.say(
            "page.exported",
            &[
                ("exporter", &exporter),
                ("exported", &when(s.exported_at)),
                ("records", &s.records.to_string()),
            ]
        ),
        w.say("page.report_id", &[]),
        w.say("page.coop_id", &[]),
        w.say("page.record_heads", &[]),
        w.say("page.document_heads", &[]),
        w.say("page.heads_differ", &[]),
        id = esc(&s.report_id),
        coop = esc(&s.coop),
        rheads = s.record_heads.join("<br>"),
        dheads = s.document_heads.join("<br>"),
    );
    let _ = write!(
        page,
        "<section class=\"how\">\n<h2>{}</h2>\n<ol>\n<li>{}</li>\n<li>{}</li>\n<li>{}</li>\n\
         <li>{}</li>\n</ol>\n</section>\n",
        w.say("page.how", &[]),
        w.say("page.how_file", &[]),
        w.say(
            "page.how_sangam",
            &[("command", "<code>sangam verify REPORT.json</code>")]
        ),
        w.say("page.how_without", &[]),
        w.say("page.how_not_evidence", &[]),
    );
}

fn fate_class(fate: BallotFate, contested: bool) -> &'static str {
    match fate {
        BallotFate::Counted if contested => "contested",
        BallotFate::Counted => "counted",
        BallotFate::Late => "late",
        BallotFate::Superseded => "superseded",
        BallotFate::Refused => "refused",
    }
}

/// An election's rounds as a table: each candidate's votes per round, the quota, the
/// exhausted votes, and who was elected or excluded where.
fn election_rounds(page: &mut String, e: &crate::ElectionDto, w: &PageWords) {
    use crate::RoundAction;
    let _ = writeln!(
        page,
        "<h3>{}</h3>\n<p class=\"hint\">{}</p>\n<table class=\"rounds\">",
        w.say("page.count_rounds", &[]),
        w.say(
            "page.count_hint",
            &[
                ("seats", &e.seats.to_string()),
                ("ballots", &esc(&e.ballots.to_string()))
            ]
        ),
    );
    let _ = write!(page, "<tr><th>{}</th>", w.say("page.col_round", &[]));
    for name in &e.candidates {
        let _ = write!(page, "<th>{}</th>", esc(name));
    }
    let _ = writeln!(
        page,
        "<th>{}</th><th>{}</th></tr>",
        w.say("page.col_quota", &[]),
        w.say("page.col_exhausted", &[])
    );
    for (i, round) in e.rounds.iter().enumerate() {
        let who = esc(round.candidate.as_deref().unwrap_or(""));
        let what = match round.action {
            RoundAction::FirstPreferences => w.say("page.round_first", &[]),
            RoundAction::Surplus => w.say(
                "page.round_surplus",
                &[
                    ("who", &who),
                    ("surplus", &esc(round.surplus.as_deref().unwrap_or(""))),
                ],
            ),
            RoundAction::Settled => w.say("page.round_settled", &[]),
            RoundAction::Excluded => w.say("page.round_excluded", &[("who", &who)]),
            RoundAction::LastSeatsFilled => w.say("page.round_last", &[]),
        };
        let _ = write!(page, "<tr><td>{} ({what})</td>", i + 1);
        for (name, votes) in e.candidates.iter().zip(&round.votes) {
            let mark = if round.elected.contains(name) {
                format!(" {}", w.say("page.elected_mark", &[]))
            } else {
                String::new()
            };
            let _ = write!(
                page,
                "<td>{}{mark}</td>",
                esc(votes.as_deref().unwrap_or("—"))
            );
        }
        let _ = writeln!(
            page,
            "<td>{}</td><td>{}</td></tr>",
            esc(&round.quota),
            esc(&round.exhausted)
        );
    }
    page.push_str("</table>\n");
    for tie in &e.ties {
        let by = match tie.by_round {
            Some(round) => w.say("page.tie_by_round", &[("round", &round.to_string())]),
            None => w.say("page.tie_by_lot", &[]),
        };
        let _ = writeln!(
            page,
            "<p>{}</p>",
            w.say(
                "page.tie",
                &[
                    ("round", &tie.round.to_string()),
                    ("among", &esc(&tie.among.join(", "))),
                    ("chosen", &esc(&tie.chosen)),
                    ("by", &by),
                ]
            )
        );
    }
}

fn method_words(method: Method, w: &PageWords) -> String {
    w.say(
        match method {
            Method::YesNo => "page.method_yes_no",
            Method::Consent => "page.method_consent",
            Method::Choice => "page.method_choice",
            Method::Approval => "page.method_approval",
            Method::Ranked => "page.method_ranked",
            Method::Score => "page.method_score",
            Method::Stv => "page.method_stv",
            Method::ScottishStv => "page.method_scottish_stv",
        },
        &[],
    )
}

fn outcome_words(outcome: &OutcomeDto, w: &PageWords) -> String {
    match outcome {
        OutcomeDto::Passed => w.say("page.outcome_passed", &[]),
        OutcomeDto::Failed => w.say("page.outcome_failed", &[]),
        OutcomeDto::NoQuorum => w.say("page.outcome_no_quorum", &[]),
        OutcomeDto::Tie => w.say("page.outcome_tie", &[]),
        OutcomeDto::Elected => w.say("page.outcome_elected", &[]),
        OutcomeDto::Winner { option } => w.say("page.outcome_winner", &[("option", &esc(option))]),
    }
}

fn who(name: &Option<String>, key: &str) -> String {
    match name {
        Some(name) => format!("{name} ({})", short(key)),
        None => short(key),
    }
}

fn short(key: &str) -> String {
    key.chars().take(12).collect()
}

const STYLE: &str = "\
@page { size: A4; margin: 16mm 15mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 system-ui, 'DejaVu Sans', sans-serif; color: #1d232a; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 13pt; margin: 7mm 0 2mm; border-bottom: 1px solid #c9d1d9; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 3mm 0 1mm; }
.coop { margin: 0; color: #57606a; text-transform: uppercase; letter-spacing: .06em; font-size: 9pt; }
.meta, .hint { color: #57606a; margin-top: 0; }
.result { border: 2px solid #8c959f; border-radius: 3mm; padding: 3mm 5mm; margin: 5mm 0; break-inside: avoid; }
.result.good { border-color: #1a7f37; }
.status { margin: 0; font-size: 9pt; text-transform: uppercase; letter-spacing: .06em; color: #57606a; }
.outcome { font-size: 18pt; font-weight: 700; margin: 1mm 0; }
.verdict.bad { color: #cf222e; font-weight: 700; }
table { border-collapse: collapse; width: 100%; font-size: 10pt; }
th, td { text-align: left; padding: 1mm 2mm; border-bottom: 1px solid #d8dee4; vertical-align: top; }
tr { break-inside: avoid; }
table.counts { width: auto; margin: 2mm 0; }
table.counts td { font-size: 14pt; font-weight: 700; text-align: center; }
table.counts th { text-align: center; }
tr.late td, tr.refused td { color: #9a6700; }
tr.superseded td { color: #6e7781; }
tr.contested td:last-child { color: #9a6700; font-weight: 600; }
.key, code { font-family: 'DejaVu Sans Mono', monospace; font-size: 8.5pt; color: #57606a; word-break: break-all; }
.text { white-space: pre-wrap; }
dl { display: grid; grid-template-columns: 32mm 1fr; gap: 1mm 3mm; }
dt { font-weight: 600; }
dd { margin: 0; }
.how { break-inside: avoid; }
";

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn words_sent_by_the_front_end_are_used_escaped_and_the_rest_is_english() {
        let words = PageWords {
            lang: "ta".into(),
            words: [
                ("page.title".to_owned(), "வாக்கு அறிக்கை".to_owned()),
                ("page.unverified".to_owned(), "<b>{x}</b> & co".to_owned()),
            ]
            .into(),
        };
        let report = ReportDto {
            verified: false,
            class: None,
            reason: None,
            summary: None,
        };
        let page = render_in(&report, &words);
        assert!(page.contains("<html lang=\"ta\">"), "{page}");
        assert!(page.contains("<title>வாக்கு அறிக்கை</title>"), "{page}");
        assert!(page.contains("&lt;b&gt;{x}&lt;/b&gt; &amp; co"), "{page}");
        assert!(
            page.contains("<h1>This is not a valid vote report</h1>"),
            "{page}"
        );
        let odd = PageWords {
            lang: "ta\" onload=\"x".into(),
            words: BTreeMap::new(),
        };
        assert!(render_in(&report, &odd).contains("<html lang=\"en\">"));
    }
}
