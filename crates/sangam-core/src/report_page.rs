//! A report's page for people: one self-contained HTML file, printable on A4, readable
//! without the app or the network (no scripts, no fonts or images fetched). It states what
//! the signed records in the report file give, and how to check that file.

use std::fmt::Write;

use sangam_model::body::Method;

use crate::node::when_utc as when;
use crate::reports::{BallotFate, ReportDto, ReportSummaryDto};
use crate::{OutcomeDto, ProposalStatus};

/// The page of a verified report (a refused one gets a page saying why).
pub fn render(report: &ReportDto) -> String {
    let mut page = String::with_capacity(16 * 1024);
    let title = report.summary.as_ref().map_or_else(
        || "Vote report".to_owned(),
        |s| format!("Vote report: {}", s.title),
    );
    let _ = write!(
        page,
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    match &report.summary {
        Some(s) => body(&mut page, s),
        None => {
            let _ = write!(
                page,
                "<h1>This is not a valid vote report</h1>\n<p class=\"verdict bad\">{}</p>\n",
                esc(report
                    .reason
                    .as_deref()
                    .unwrap_or("it could not be verified"))
            );
        }
    }
    page.push_str("</body>\n</html>\n");
    page
}

fn body(page: &mut String, s: &ReportSummaryDto) {
    let t = &s.tally;
    let _ = write!(
        page,
        "<header>\n<p class=\"coop\">{coop}</p>\n<h1>{title}</h1>\n\
         <p class=\"meta\">Proposed by {by} on {opened} · {method} · deadline {deadline}</p>\n\
         </header>\n",
        coop = esc(&s.coop_name),
        title = esc(&s.title),
        by = esc(&who(&s.opened_by_name, &s.opened_by)),
        opened = when(s.opened_at),
        method = method_words(t.method),
        deadline = when(t.closes_at),
    );
    let (class, status) = match t.status {
        ProposalStatus::Closed => ("good", "Closed"),
        ProposalStatus::Withdrawn => ("neutral", "Withdrawn"),
        ProposalStatus::Provisional => ("neutral", "Still open: provisional"),
    };
    let participation = t.ballots_counted + t.represented;
    let _ = write!(
        page,
        "<section class=\"result {class}\">\n<p class=\"status\">{status}</p>\n\
         <p class=\"outcome\">{outcome}</p>\n<p>{participation} of {size} electors took part \
         ({proxied} represented by proxy). Quorum {quorum}%: {met}. Threshold {num}/{den} of \
         those who answered for or against.</p>\n",
        outcome = esc(&match &t.election {
            Some(e) if t.outcome == OutcomeDto::Elected => {
                format!("Elected: {}", e.elected.join(", "))
            }
            _ => outcome_words(&t.outcome),
        }),
        size = t.electorate_size,
        proxied = t.represented,
        quorum = t.quorum_pct,
        met = if t.quorum_met { "met" } else { "not met" },
        num = t.threshold.num,
        den = t.threshold.den,
    );
    page.push_str("<table class=\"counts\">\n<tr>");
    for label in &s.answers {
        let _ = write!(page, "<th>{}</th>", esc(label));
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
        page.push_str("<h3>Rounds of the instant runoff</h3>\n<ol class=\"rounds\">\n");
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
        election_rounds(page, election);
    }
    if let Some(effect) = &s.effect {
        let _ = writeln!(page, "<p>If passed: {}.</p>", esc(&effect.to_string()));
    }
    page.push_str("</section>\n");
    if !s.text.is_empty() {
        let _ = writeln!(
            page,
            "<section>\n<h2>The question</h2>\n<p class=\"text\">{}</p>\n</section>",
            esc(&s.text)
        );
    }

    page.push_str(
        "<section>\n<h2>Who voted</h2>\n<p class=\"hint\">Ballots are open: each is signed by \
         its voter.</p>\n<table>\n<tr><th>Elector</th><th>Counted choice</th><th>Weight</th></tr>\n",
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
            (Some(b), _) => (esc(&b.choice_text), b.weight.to_string()),
            (None, Some(p)) => (
                format!(
                    "<i>represented by {}</i>",
                    esc(&who(&p.holder_name, p.holder.as_deref().unwrap_or("")))
                ),
                "—".into(),
            ),
            (None, None) => ("<i>did not vote</i>".into(), "—".into()),
        };
        let _ = writeln!(
            page,
            "<tr><td>{} <span class=\"key\">{}</span></td><td>{choice}</td><td>{weight}</td></tr>",
            esc(elector.name.as_deref().unwrap_or("(unnamed)")),
            short(&elector.member),
        );
    }
    page.push_str("</table>\n</section>\n");

    page.push_str("<section>\n<h2>Every ballot</h2>\n<table>\n<tr><th>Voter</th><th>Choice</th><th>Sequence</th><th>Cast</th><th>What became of it</th></tr>\n");
    for b in &s.ballots {
        let fate = match b.fate {
            BallotFate::Counted if b.contested => "counted (contested: not every close names it)",
            BallotFate::Counted => "counted",
            BallotFate::Late => "late: no close names it, so it does not count",
            BallotFate::Superseded => "replaced by the voter's later ballot",
            BallotFate::Refused => "refused",
        };
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
            esc(&b.choice_text),
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
    let _ = writeln!(
        page,
        "<p>Late ballots: {}. Contested ballots: {}.</p>\n</section>",
        if late == 0 {
            "none".to_owned()
        } else {
            late.to_string()
        },
        if t.contested.is_empty() {
            "none".to_owned()
        } else {
            t.contested.len().to_string()
        },
    );

    if !s.proxies.is_empty() {
        page.push_str("<section>\n<h2>Proxies</h2>\n<ul>\n");
        for p in &s.proxies {
            let line = match &p.holder {
                Some(holder) => format!(
                    "{} gave their proxy to {}{}",
                    esc(&who(&p.grantor_name, &p.grantor)),
                    esc(&who(&p.holder_name, holder)),
                    if p.kept {
                        " (counted)"
                    } else {
                        " (not counted)"
                    }
                ),
                None => format!(
                    "{} took their proxy back",
                    esc(&who(&p.grantor_name, &p.grantor))
                ),
            };
            let _ = writeln!(page, "<li>{line}</li>");
        }
        page.push_str("</ul>\n</section>\n");
    }

    page.push_str("<section>\n<h2>Closes</h2>\n<ul>\n");
    if s.closes.is_empty() {
        page.push_str("<li>None.</li>\n");
    }
    for c in &s.closes {
        let _ = writeln!(
            page,
            "<li>Closed by {} on {}, naming {} ballots{} <span class=\"key\">{}</span></li>",
            esc(&who(&c.author_name, &c.author)),
            when(c.at),
            c.ballots,
            if c.valid {
                ""
            } else {
                " (refused: it does not count)"
            },
            short(&c.id),
        );
    }
    page.push_str("</ul>\n</section>\n");

    let _ = write!(
        page,
        "<section class=\"evidence\">\n<h2>The evidence</h2>\n<p>Exported by {exporter} on \
         {exported} from {records} signed records, the exporter's signature over all of \
         them.</p>\n<dl>\n<dt>Report id</dt><dd class=\"key\">{id}</dd>\n\
         <dt>Co-op id</dt><dd class=\"key\">{coop}</dd>\n\
         <dt>Record heads</dt><dd class=\"key\">{rheads}</dd>\n\
         <dt>Document heads</dt><dd class=\"key\">{dheads}</dd>\n</dl>\n\
         <p>Two reports of one proposal with different heads were made from different \
         records: each says only what its exporter held.</p>\n</section>\n",
        exporter = esc(&match &s.exporter_name {
            Some(name) => format!("{name} ({})", short(&s.exporter)),
            None => format!(
                "{}, who is not a member in these records",
                short(&s.exporter)
            ),
        }),
        exported = when(s.exported_at),
        records = s.records,
        id = esc(&s.report_id),
        coop = esc(&s.coop),
        rheads = s.record_heads.join("<br>"),
        dheads = s.document_heads.join("<br>"),
    );
    page.push_str(
        "<section class=\"how\">\n<h2>How to check this report</h2>\n<ol>\n\
         <li>Get the report file (JSON) this page was made from; its report id is above.</li>\n\
         <li>With Sangam: <code>sangam verify REPORT.json</code>. It needs no network and no \
         co-op of your own, and says why if anything fails.</li>\n\
         <li>Without Sangam: Sangam's docs/protocol.md, \"Verifying a report\", gives every \
         step, the exact bytes hashed and signed (SHA-256, Ed25519) and the counting rules, \
         so any programmer can check it in another language.</li>\n\
         <li>This page is not evidence by itself: only the file is signed.</li>\n</ol>\n</section>\n",
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
fn election_rounds(page: &mut String, e: &crate::ElectionDto) {
    use crate::RoundAction;
    let _ = writeln!(
        page,
        "<h3>The count, round by round</h3>\n<p class=\"hint\">{} seats, {} ballots by weight. \
         Figures are exact decimals, as every laptop computes them.</p>\n<table class=\"rounds\">",
        e.seats, e.ballots
    );
    page.push_str("<tr><th>Round</th>");
    for name in &e.candidates {
        let _ = write!(page, "<th>{}</th>", esc(name));
    }
    page.push_str("<th>Quota</th><th>Exhausted</th></tr>\n");
    for (i, round) in e.rounds.iter().enumerate() {
        let who = esc(round.candidate.as_deref().unwrap_or(""));
        let what = match round.action {
            RoundAction::FirstPreferences => "first preferences".to_string(),
            RoundAction::Surplus => format!(
                "{who}'s surplus of {} passed on",
                esc(round.surplus.as_deref().unwrap_or(""))
            ),
            RoundAction::Settled => "keep factors settled".to_string(),
            RoundAction::Excluded => format!("{who} excluded"),
            RoundAction::LastSeatsFilled => "as many left as seats".to_string(),
        };
        let _ = write!(page, "<tr><td>{} ({what})</td>", i + 1);
        for (name, votes) in e.candidates.iter().zip(&round.votes) {
            let mark = if round.elected.contains(name) {
                " ✔ elected"
            } else {
                ""
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
            Some(round) => format!("by their votes in round {round}"),
            None => "by the lot drawn from the proposal's id".to_string(),
        };
        let _ = writeln!(
            page,
            "<p>Tie in round {} among {}: {} chosen {by}.</p>",
            tie.round,
            esc(&tie.among.join(", ")),
            esc(&tie.chosen)
        );
    }
}

fn method_words(method: Method) -> &'static str {
    match method {
        Method::YesNo => "yes / no",
        Method::Consent => "consent",
        Method::Choice => "single choice",
        Method::Approval => "approval",
        Method::Ranked => "ranked choice (instant runoff)",
        Method::Score => "score",
        Method::Stv => "single transferable vote (Meek)",
        Method::ScottishStv => "single transferable vote (Scottish rules)",
    }
}

fn outcome_words(outcome: &OutcomeDto) -> String {
    match outcome {
        OutcomeDto::Passed => "Passed".into(),
        OutcomeDto::Failed => "Not passed".into(),
        OutcomeDto::NoQuorum => "No quorum".into(),
        OutcomeDto::Tie => "Tie".into(),
        OutcomeDto::Elected => "Elected".into(),
        OutcomeDto::Winner { option } => format!("Chosen: {option}"),
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

/// Text made safe inside HTML elements and attributes.
fn esc(text: &str) -> String {
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
