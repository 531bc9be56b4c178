//! The BLT ballot format that STV counters share (OpenSTV, Droop, the ERS programs), so
//! an election can be checked with another counter, and published elections counted
//! here.
//!
//! ```text
//! 4 2              candidates, seats
//! -3               optional: candidate 3 withdrew
//! 2 1 4 0          two ballots ranking 1 then 4 (each ballot ends with 0)
//! 1 3 2 1 0
//! 0                end of ballots
//! "Asha" "Bala" "Chitra" "Devi"
//! "Board 2027"     the title
//! ```
//!
//! Also read: Droop's options `[withdrawn 3]` and `[tie 3 2 1]` (the order a lot takes
//! them in), ballot ids in parentheses, and anything after the title (some published
//! files end with the counter's own notes), which is ignored. Equal rankings (`1=2`) are
//! refused: no method here counts them.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::election::{Ballot, Election};

/// A ballot file read: the election, and the tie order it states, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blt {
    /// The election.
    pub election: Election,
    /// `[tie …]`: candidates in the order a lot takes them, if the file says.
    pub tie_order: Option<Vec<usize>>,
}

/// Why a ballot file could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BltError {
    /// The file ended too early.
    #[error("the ballot file ends before {0}")]
    Truncated(&'static str),
    /// A token that is not what the place calls for.
    #[error("line {line}: expected {expected}, found {found:?}")]
    Unexpected {
        /// The line (from 1).
        line: usize,
        /// What belongs there.
        expected: &'static str,
        /// What is there.
        found: String,
    },
    /// An equal ranking.
    #[error("line {0}: equal rankings (\"=\") are not supported")]
    EqualRanking(usize),
    /// A name a ballot file cannot hold.
    #[error("the name {0:?} holds a double quote, which a ballot file cannot")]
    Quote(String),
}

#[derive(Debug)]
enum Token<'a> {
    Word(&'a str),
    Text(&'a str),
    Option(&'a str),
}

fn tokens(text: &str) -> Result<Vec<(usize, Token<'_>)>, BltError> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| {
            if c == '\n' {
                line += 1;
            }
            c.is_whitespace()
        });
        rest = trimmed;
        let Some(first) = rest.chars().next() else {
            return Ok(out);
        };
        let (token, len) = match first {
            '"' => {
                let end = rest[1..]
                    .find('"')
                    .ok_or(BltError::Truncated("a closing quote"))?;
                (Token::Text(&rest[1..1 + end]), end + 2)
            }
            '[' => {
                let end = rest
                    .find(']')
                    .ok_or(BltError::Truncated("a closing bracket"))?;
                (Token::Option(&rest[1..end]), end + 1)
            }
            '#' => {
                let end = rest.find('\n').unwrap_or(rest.len());
                rest = &rest[end..];
                continue;
            }
            _ => {
                let end = rest
                    .find(|c: char| c.is_whitespace() || c == '"' || c == '[')
                    .unwrap_or(rest.len());
                (Token::Word(&rest[..end]), end)
            }
        };
        out.push((line, token));
        line += rest[..len].matches('\n').count();
        rest = &rest[len..];
    }
}

struct Reader<'a> {
    tokens: std::iter::Peekable<std::vec::IntoIter<(usize, Token<'a>)>>,
}

impl<'a> Reader<'a> {
    fn next(&mut self, what: &'static str) -> Result<(usize, Token<'a>), BltError> {
        self.tokens.next().ok_or(BltError::Truncated(what))
    }

    fn number(&mut self, what: &'static str) -> Result<(usize, u64), BltError> {
        let (line, token) = self.next(what)?;
        match token {
            Token::Word(w) if w.contains('=') => Err(BltError::EqualRanking(line)),
            Token::Word(w) => w
                .parse()
                .map(|n| (line, n))
                .map_err(|_| BltError::Unexpected {
                    line,
                    expected: what,
                    found: w.to_string(),
                }),
            other => Err(unexpected(line, what, &other)),
        }
    }

    fn text(&mut self, what: &'static str) -> Result<String, BltError> {
        match self.next(what)? {
            (_, Token::Text(t)) => Ok(t.to_string()),
            (line, other) => Err(unexpected(line, what, &other)),
        }
    }
}

fn unexpected(line: usize, expected: &'static str, token: &Token<'_>) -> BltError {
    BltError::Unexpected {
        line,
        expected,
        found: match token {
            Token::Word(w) => w.to_string(),
            Token::Text(t) => format!("\"{t}\""),
            Token::Option(o) => format!("[{o}]"),
        },
    }
}

fn candidate(line: usize, n: u64, count: usize) -> Result<usize, BltError> {
    if n == 0 || n as usize > count {
        return Err(BltError::Unexpected {
            line,
            expected: "a candidate's number",
            found: n.to_string(),
        });
    }
    Ok(n as usize - 1)
}

/// Reads a ballot file. The election it gives is not yet checked ([`Election::check`]).
pub fn read(text: &str) -> Result<Blt, BltError> {
    let mut reader = Reader {
        tokens: tokens(text.trim_start_matches('\u{feff}'))?
            .into_iter()
            .peekable(),
    };
    let (_, count) = reader.number("the number of candidates")?;
    let count = count as usize;
    let (_, seats) = reader.number("the number of seats")?;
    let mut withdrawn = BTreeSet::new();
    let mut tie_order = None;
    let mut ballots = Vec::new();
    loop {
        let (line, token) = reader.next("the end of the ballots (a 0)")?;
        match token {
            Token::Option(option) => {
                let mut words = option.split_whitespace();
                let name = words.next().unwrap_or("");
                let numbers = words
                    .map(|w| {
                        let n = w.parse::<u64>().map_err(|_| BltError::Unexpected {
                            line,
                            expected: "a candidate's number",
                            found: w.to_string(),
                        })?;
                        candidate(line, n, count)
                    })
                    .collect::<Result<Vec<usize>, _>>()?;
                match name {
                    "withdrawn" => withdrawn.extend(numbers),
                    "tie" => tie_order = Some(numbers),
                    _ => {
                        return Err(BltError::Unexpected {
                            line,
                            expected: "[withdrawn …] or [tie …]",
                            found: format!("[{option}]"),
                        });
                    }
                }
            }
            Token::Word(w) if w.starts_with('-') => {
                let n = w[1..].parse::<u64>().map_err(|_| BltError::Unexpected {
                    line,
                    expected: "a withdrawn candidate (-n)",
                    found: w.to_string(),
                })?;
                withdrawn.insert(candidate(line, n, count)?);
            }
            Token::Word(w) if w.starts_with('(') => {
                // A ballot's id: its ballot follows.
            }
            Token::Word(w) => {
                let weight: u64 = w.parse().map_err(|_| {
                    if w.contains('=') {
                        BltError::EqualRanking(line)
                    } else {
                        BltError::Unexpected {
                            line,
                            expected: "a ballot's weight",
                            found: w.to_string(),
                        }
                    }
                })?;
                if weight == 0 {
                    break;
                }
                let mut ranking = Vec::new();
                loop {
                    let (line, n) = reader.number("a ranking's end (a 0)")?;
                    if n == 0 {
                        break;
                    }
                    ranking.push(candidate(line, n, count)?);
                }
                ballots.push(Ballot { weight, ranking });
            }
            other => return Err(unexpected(line, "a ballot", &other)),
        }
    }
    let mut candidates = Vec::with_capacity(count);
    for _ in 0..count {
        candidates.push(reader.text("a candidate's name")?);
    }
    let title = match reader.tokens.next() {
        Some((_, Token::Text(t))) => t.to_string(),
        Some((line, other)) => return Err(unexpected(line, "the title", &other)),
        None => String::new(),
    };
    Ok(Blt {
        election: Election {
            title,
            candidates,
            seats: seats as usize,
            withdrawn,
            ballots,
        },
        tie_order,
    })
}

/// Writes an election as a ballot file that [`read`] (and other counters) read back.
pub fn write(election: &Election) -> Result<String, BltError> {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", election.candidates.len(), election.seats);
    if !election.withdrawn.is_empty() {
        let line: Vec<String> = election
            .withdrawn
            .iter()
            .map(|c| format!("-{}", c + 1))
            .collect();
        let _ = writeln!(out, "{}", line.join(" "));
    }
    for ballot in &election.ballots {
        let _ = write!(out, "{}", ballot.weight);
        for c in &ballot.ranking {
            let _ = write!(out, " {}", c + 1);
        }
        out.push_str(" 0\n");
    }
    out.push_str("0\n");
    for name in election.candidates.iter().chain([&election.title]) {
        if name.contains('"') {
            return Err(BltError::Quote(name.clone()));
        }
        let _ = writeln!(out, "\"{name}\"");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_with_its_withdrawals_ties_and_trailing_notes() {
        let text = "4 2\n-3\n[tie 2 1 4 3]\n(a) 2 1 4 0\n1 3 2 1 0\n1 0\n0\n\"Asha\"\n\"Bala  K\"\n\"Chitra\" \"Devi\"\n\"Board 2027\"\nFirst Prefs 3 1\n";
        let blt = read(text).expect("reads");
        assert_eq!(blt.election.seats, 2);
        assert_eq!(blt.election.candidates[1], "Bala  K");
        assert_eq!(blt.election.title, "Board 2027");
        assert_eq!(blt.election.withdrawn, BTreeSet::from([2]));
        assert_eq!(blt.tie_order, Some(vec![1, 0, 3, 2]));
        assert_eq!(
            blt.election.ballots,
            vec![
                Ballot {
                    weight: 2,
                    ranking: vec![0, 3]
                },
                Ballot {
                    weight: 1,
                    ranking: vec![2, 1, 0]
                },
                Ballot {
                    weight: 1,
                    ranking: vec![]
                },
            ]
        );
        let again = read(&write(&blt.election).expect("writes")).expect("reads back");
        assert_eq!(again.election, blt.election);
    }

    #[test]
    fn bad_files_say_where_and_what() {
        let err = |text: &str| read(text).expect_err(text).to_string();
        assert_eq!(
            err("3 1\n1 1=2 0\n0\n"),
            "line 2: equal rankings (\"=\") are not supported"
        );
        assert_eq!(
            err("3 1\n1 4 0\n0\n"),
            "line 2: expected a candidate's number, found \"4\""
        );
        assert_eq!(
            err("3 1\n1 2 0\n"),
            "the ballot file ends before the end of the ballots (a 0)"
        );
        assert_eq!(
            err("2 1\n1 2 0\n0\n\"A\"\n7\n"),
            "line 5: expected a candidate's name, found \"7\""
        );
        let mut election = read("2 1\n0\n\"A\" \"B\"\n").expect("reads").election;
        election.candidates[0] = "Kamal \"KK\" Raj".into();
        assert!(matches!(write(&election), Err(BltError::Quote(_))));
    }
}
