//! How a proposal's tally reads: its counts, rounds and election, for `vote`, `close`,
//! `tally`, `proposal show` and the vote report.

use sangam_core::{ElectionDto, ProposalStatus, TallyDto};

/// A proposal's status as one word.
pub fn status(status: ProposalStatus) -> &'static str {
    match status {
        ProposalStatus::Provisional => "provisional",
        ProposalStatus::Closed => "closed",
        ProposalStatus::Withdrawn => "withdrawn",
    }
}

/// A tally as lines: its outcome, counts and turnout, then rounds, an election's count,
/// contested and late ballots.
pub fn tally_text(t: &TallyDto) -> String {
    let counts: Vec<String> = t.counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let mut text = format!(
        "{} ({}): {}\n  counts:  {}\n  voted:   {} of {} ({} by proxy); quorum {}% {}",
        t.title,
        status(t.status),
        t.outcome,
        counts.join(", "),
        t.ballots_counted,
        t.electorate_size,
        t.represented,
        t.quorum_pct,
        if t.quorum_met { "met" } else { "not met" }
    );
    for (i, round) in t.rounds.iter().enumerate().skip(1) {
        let r: Vec<String> = round.iter().map(|(k, v)| format!("{k} {v}")).collect();
        text.push_str(&format!("\n  round {}: {}", i + 1, r.join(", ")));
    }
    if let Some(election) = &t.election {
        text.push_str(&election_text(election));
    }
    if !t.contested.is_empty() {
        text.push_str(&format!(
            "\n  contested: {} ballot(s) named by some closes and not others",
            t.contested.len()
        ));
    }
    if !t.late.is_empty() {
        text.push_str(&format!("\n  late ballots (not counted): {}", t.late.len()));
    }
    text
}

/// An election's count: who was elected, then each round's figures and every tie.
fn election_text(e: &ElectionDto) -> String {
    use sangam_core::RoundAction;
    let mut text = format!(
        "\n  elected: {} ({} of {} seats, {} ballots)",
        if e.elected.is_empty() {
            "nobody".to_string()
        } else {
            e.elected.join(", ")
        },
        e.elected.len(),
        e.seats,
        e.ballots
    );
    for (i, round) in e.rounds.iter().enumerate() {
        let who = round.candidate.as_deref().unwrap_or("?");
        let what = match round.action {
            RoundAction::FirstPreferences => "first preferences".to_string(),
            RoundAction::Surplus => {
                format!(
                    "{who}'s surplus of {} passed on",
                    round.surplus.as_deref().unwrap_or("?")
                )
            }
            RoundAction::Settled => "keep factors settled".to_string(),
            RoundAction::Excluded => format!("{who} excluded"),
            RoundAction::LastSeatsFilled => "as many left as seats".to_string(),
        };
        let votes: Vec<String> = e
            .candidates
            .iter()
            .zip(&round.votes)
            .filter_map(|(name, votes)| votes.as_ref().map(|v| format!("{name} {v}")))
            .collect();
        text.push_str(&format!(
            "\n  round {} ({what}; quota {}): {}; exhausted {}",
            i + 1,
            round.quota,
            votes.join(", "),
            round.exhausted
        ));
        if !round.elected.is_empty() {
            text.push_str(&format!("; elected {}", round.elected.join(", ")));
        }
    }
    for tie in &e.ties {
        let decided = match tie.by_round {
            Some(round) => format!("by round {round}"),
            None => "by lot".to_string(),
        };
        text.push_str(&format!(
            "\n  tie in round {} among {}: {} chosen {decided}",
            tie.round,
            tie.among.join(", "),
            tie.chosen
        ));
    }
    text
}
