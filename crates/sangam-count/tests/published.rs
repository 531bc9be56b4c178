//! Published elections counted here agree with their known results: every stage of
//! Droop's Scottish STV reference counts, every round of its reference Meek counts (quota,
//! votes and keep factors to 9 places), and the winners Glasgow declared in 2007.
//!
//! The ballot files and reference results are not in this repository: they are read from
//! `../shared/elections/` beside the checkout (its README says where each came from), or
//! from the folder `SANGAM_ELECTIONS` names.

use std::path::PathBuf;

use sangam_count::{Action, Count, Election, Method, TieBreak, blt, count};
use serde_json::Value;

fn elections_dir() -> PathBuf {
    let dir = std::env::var_os("SANGAM_ELECTIONS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/elections")
        });
    assert!(
        dir.join("README.md").is_file(),
        "the published test elections are not at {} (set SANGAM_ELECTIONS to their folder)",
        dir.display()
    );
    dir
}

fn read_json(name: &str) -> Value {
    let path = elections_dir().join("expected").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("reference results parse")
}

/// The election's ballot file, and the tie order it states (else the listed order).
fn ballot_file(name: &str) -> (Election, Vec<usize>) {
    let dir = elections_dir();
    let path = ["glasgow-2007", "droop-misc"]
        .iter()
        .map(|sub| dir.join(sub).join(format!("{name}.blt")))
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("no ballot file for {name}"));
    let bytes = std::fs::read(&path).expect("reads");
    let parsed = blt::read(&String::from_utf8_lossy(&bytes)).expect("a ballot file");
    let n = parsed.election.candidates.len();
    let mut lot = parsed.tie_order.unwrap_or_default();
    let rest: Vec<usize> = (0..n).filter(|c| !lot.contains(c)).collect();
    lot.extend(rest);
    (parsed.election, lot)
}

fn collapse(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn elected_names(election: &Election, counted: &Count) -> Vec<String> {
    let mut names: Vec<String> = counted
        .elected
        .iter()
        .map(|c| collapse(&election.candidates[*c]))
        .collect();
    names.sort();
    names
}

fn expected_names(list: &Value) -> Vec<String> {
    let mut names: Vec<String> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|n| collapse(n.as_str().expect("a name")))
        .collect();
    names.sort();
    names
}

/// A reference figure: `null` reads as zero where `zero_null` (excluded candidates).
fn figure(value: &Value) -> Option<String> {
    value.as_str().map(str::to_string)
}

#[test]
fn scottish_stv_agrees_with_the_reference_count_at_every_stage() {
    let reference = read_json("droop-scotland.json");
    let elections = reference["elections"].as_object().expect("elections");
    assert_eq!(elections.len(), 32);
    let mut stages_checked = 0;
    for (name, expected) in elections {
        let (election, lot) = ballot_file(name);
        let ties = TieBreak {
            look_back: true,
            lot,
        };
        let counted = count(&election, Method::Scottish, &ties).expect("counts");
        assert_eq!(
            counted.rounds[0].quota.to_string(),
            expected["quota"].as_str().expect("quota"),
            "{name}: quota"
        );
        assert_eq!(
            counted.ballots,
            expected["nballots"].as_u64().expect("nballots"),
            "{name}"
        );
        let stages: Vec<_> = counted
            .rounds
            .iter()
            .filter(|r| r.action != Action::LastSeatsFilled)
            .collect();
        let want = expected["stages"].as_array().expect("stages");
        assert_eq!(stages.len(), want.len(), "{name}: how many stages");
        for (s, (stage, want)) in stages.iter().zip(want).enumerate() {
            let want = want.as_array().expect("a stage");
            for (c, want) in want.iter().enumerate() {
                let got = stage.votes[c].map_or("0.00000".to_string(), |v| v.to_string());
                let want = figure(want).unwrap_or("0.00000".to_string());
                assert_eq!(
                    got,
                    want,
                    "{name}: stage {} ({:?}), {}",
                    s + 1,
                    stage.action,
                    election.candidates[c]
                );
            }
            stages_checked += 1;
        }
        assert_eq!(
            elected_names(&election, &counted),
            expected_names(&expected["elected"]),
            "{name}: elected"
        );
    }
    assert!(stages_checked > 200, "{stages_checked} stages");
}

#[test]
fn meek_stv_agrees_with_the_reference_rule_in_every_round() {
    let reference = read_json("droop-meek-prf.json");
    let elections = reference["elections"].as_object().expect("elections");
    assert_eq!(elections.len(), 9);
    for (name, expected) in elections {
        let (election, lot) = ballot_file(name);
        let ties = TieBreak {
            look_back: false,
            lot,
        };
        let counted = count(&election, Method::Meek, &ties).expect("counts");
        let rounds: Vec<_> = counted
            .rounds
            .iter()
            .filter(|r| r.action != Action::LastSeatsFilled)
            .collect();
        let want = expected["rounds"].as_array().expect("rounds");
        assert_eq!(rounds.len(), want.len(), "{name}: how many rounds");
        for (r, (round, want)) in rounds.iter().zip(want).enumerate() {
            let at = format!("{name}: round {}", r + 1);
            assert_eq!(
                round.quota.to_string(),
                want["quota"].as_str().expect("quota"),
                "{at}: quota"
            );
            for c in 0..election.candidates.len() {
                let who = &election.candidates[c];
                assert_eq!(
                    round.votes[c].map(|v| v.to_string()),
                    figure(&want["votes"][c]),
                    "{at}: votes of {who}"
                );
                assert_eq!(
                    round.keep[c].map(|v| v.to_string()),
                    figure(&want["kf"][c]),
                    "{at}: keep factor of {who}"
                );
            }
            let action = want["action"].as_str().expect("action");
            let (verb, whom) = action
                .rsplit_once(": ")
                .expect("an action names its candidates");
            let named: Vec<String> = match &round.action {
                Action::Excluded { candidate } => {
                    assert!(verb.starts_with("Defeat"), "{at}: {action}");
                    vec![election.candidates[*candidate].clone()]
                }
                Action::Settled => {
                    assert!(verb.starts_with("Elect"), "{at}: {action}");
                    round
                        .elected
                        .iter()
                        .map(|c| election.candidates[*c].clone())
                        .collect()
                }
                other => panic!("{at}: {other:?}"),
            };
            // The reference names one candidate per round, also when one iteration elected
            // two (M135's round 21 elects C3 and C4; C4 is in its elected list).
            assert!(
                named.iter().any(|n| n == whom),
                "{at}: {action}, counted {named:?}"
            );
        }
        assert_eq!(
            elected_names(&election, &counted),
            expected_names(&expected["elected"]),
            "{name}: elected"
        );
    }
}

#[test]
fn glasgow_2007_elects_the_councillors_it_declared() {
    let official = read_json("official-glasgow-2007.json");
    let wards = official["wards"].as_object().expect("wards");
    assert!(wards.len() >= 7);
    for (ward, declared) in wards {
        let (election, lot) = ballot_file(ward);
        let counted = count(
            &election,
            Method::Scottish,
            &TieBreak {
                look_back: true,
                lot,
            },
        )
        .expect("counts");
        let elected = elected_names(&election, &counted);
        for name in expected_names(&declared["elected"]) {
            assert!(
                elected.contains(&name),
                "{ward}: {name} was declared elected; counted {elected:?}"
            );
        }
        if declared["complete"].as_bool() == Some(true) {
            assert_eq!(
                elected.len(),
                declared["elected"].as_array().map_or(0, Vec::len),
                "{ward}"
            );
        }
        if let Some(order) = declared["seat_order"].as_object() {
            for (name, seat) in order {
                let place = counted
                    .elected
                    .iter()
                    .position(|c| collapse(&election.candidates[*c]) == collapse(name))
                    .expect("elected");
                let seat = seat.as_u64().expect("a seat") as usize;
                assert_eq!(place + 1, seat, "{ward}: {name}'s seat");
            }
        }
    }
}
