//! Reading what a member typed into the values core takes: ballots, methods, thresholds,
//! effects and deadlines. Core never sees words; these messages name the flags.

use anyhow::{Context, Result, bail};
use sangam_core::{Admission, BooksChange, Choice, EffectDraft, Fraction, Method, PublicKey, Vote};

/// A voting method by name.
pub fn method(text: &str) -> Result<Method> {
    Ok(match text.trim().replace('_', "-").as_str() {
        "yes-no" | "yesno" => Method::YesNo,
        "consent" => Method::Consent,
        "choice" => Method::Choice,
        "approval" => Method::Approval,
        "ranked" => Method::Ranked,
        "score" => Method::Score,
        "stv" | "meek-stv" => Method::Stv,
        "scottish-stv" => Method::ScottishStv,
        other => bail!(
            "unknown method {other:?}: use yes-no, consent, choice, approval, ranked, score, stv or scottish-stv"
        ),
    })
}

/// A threshold like `2/3`.
pub fn fraction(text: &str) -> Result<Fraction> {
    let bad = || anyhow::anyhow!("--threshold {text:?} must look like 1/2 or 2/3");
    let (num, den) = text.trim().split_once('/').ok_or_else(bad)?;
    let fraction = Fraction {
        num: num.trim().parse().map_err(|_| bad())?,
        den: den.trim().parse().map_err(|_| bad())?,
    };
    if fraction.den == 0 || fraction.num == 0 || fraction.num > fraction.den {
        return Err(bad());
    }
    Ok(fraction)
}

/// A ballot from the words typed after `sangam vote ID`, for the proposal's method. Only
/// the shape is read here; core checks the options against the proposal.
pub fn choice(method: Method, words: &[String]) -> Result<Choice> {
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim())
        .filter(|w| !w.is_empty())
        .collect();
    if words == ["abstain"] {
        return Ok(Choice::Vote(Vote::Abstain));
    }
    let vote = |allowed: &[Vote]| -> Result<Choice> {
        let names: Vec<&str> = allowed.iter().map(|v| v.as_str()).collect();
        match words.as_slice() {
            [one] => allowed
                .iter()
                .find(|v| v.as_str() == one.to_lowercase())
                .map(|v| Choice::Vote(*v))
                .with_context(|| format!("answer one of: {}", names.join(", "))),
            _ => bail!("answer one of: {}", names.join(", ")),
        }
    };
    Ok(match method {
        Method::YesNo => vote(&[Vote::Yes, Vote::No, Vote::Abstain])?,
        Method::Consent => vote(&[Vote::Agree, Vote::Abstain, Vote::Disagree, Vote::Block])?,
        Method::Choice => match words.as_slice() {
            [one] => Choice::Option((*one).to_owned()),
            _ => bail!("name exactly one option (or abstain)"),
        },
        Method::Approval => Choice::Approve(words.iter().map(|w| (*w).to_owned()).collect()),
        Method::Ranked | Method::Stv | Method::ScottishStv => {
            Choice::Rank(words.iter().map(|w| (*w).to_owned()).collect())
        }
        Method::Score => {
            let mut scores = std::collections::BTreeMap::new();
            for word in &words {
                let (name, score) = word
                    .rsplit_once('=')
                    .with_context(|| format!("{word:?}: give scores as OPTION=0..5"))?;
                let score: u8 = score
                    .parse()
                    .with_context(|| format!("{word:?}: a score is a whole number from 0 to 5"))?;
                if scores.insert(name.to_owned(), score).is_some() {
                    bail!("{name:?} is scored twice: give each option one score");
                }
            }
            Choice::Scores(scores)
        }
    })
}

/// What `--effect` names: `admit=KEY:NAME`, `remove=MEMBER`, `admission=...`,
/// `withdraw-listing=ID`, or a change to the books' bylaws: `treasurers=MEMBER,...` (or
/// `treasurers=any`), `approval-over=AMOUNT COMMODITY` (or `approval-over=none
/// COMMODITY`), `funds=RESERVE%,EDUCATION%`. `member` turns a member key prefix into a key;
/// amounts are read with `mark`, the co-op's decimal mark on this laptop.
pub fn effect(
    text: &str,
    mark: sangam_core::DecimalMark,
    member: impl Fn(&str) -> Result<PublicKey>,
) -> Result<EffectDraft> {
    let (what, value) = text.split_once('=').context(
        "--effect looks like admit=KEY:NAME, remove=MEMBER, admission=proposal|any_member, treasurers=MEMBER,..., approval-over=AMOUNT COMMODITY or funds=RESERVE%,EDUCATION%",
    )?;
    match what.trim() {
        "admit" => {
            let (key, name) = value
                .split_once(':')
                .context("admit=KEY:NAME needs the newcomer's key and name")?;
            Ok(EffectDraft::Admit {
                member: public_key(key, sangam_core::Thing::NewcomerKey)?,
                name: name.trim().to_owned(),
            })
        }
        "remove" => Ok(EffectDraft::Remove {
            member: member(value)?,
        }),
        "admission" => Ok(EffectDraft::Admission(match value.trim() {
            "proposal" => Admission::Proposal,
            "any_member" | "any-member" => Admission::AnyMember,
            other => bail!("admission={other:?}: use proposal or any_member"),
        })),
        "withdraw_listing" | "withdraw-listing" => Ok(EffectDraft::WithdrawListing {
            listing: value
                .trim()
                .parse()
                .map_err(|_| anyhow::anyhow!("withdraw-listing=ID needs the listing's full id"))?,
        }),
        "treasurers" => {
            let value = value.trim();
            let keys = if value.eq_ignore_ascii_case("any") {
                vec![]
            } else {
                value
                    .split(',')
                    .map(|m| member(m.trim()))
                    .collect::<Result<Vec<_>>>()?
            };
            Ok(EffectDraft::Books(BooksChange::Treasurers(keys)))
        }
        "approval-over" | "approval_over" => {
            let value = value.trim();
            let (amount, commodity) = value.split_once(char::is_whitespace).context(
                "approval-over=AMOUNT COMMODITY, like approval-over=500 EUR (or none EUR)",
            )?;
            let commodity = commodity.trim().to_ascii_uppercase();
            let limit = if amount.eq_ignore_ascii_case("none") {
                None
            } else {
                let (minor, _) =
                    sangam_core::parse_money_marked(&format!("{amount} {commodity}"), None, mark)
                        .map_err(|e| anyhow::anyhow!(e.message))?;
                Some(minor)
            };
            Ok(EffectDraft::Books(BooksChange::ApprovalOver {
                commodity,
                limit,
            }))
        }
        "funds" => {
            let percent = |text: &str, what: &str| -> Result<u8> {
                text.trim()
                    .trim_end_matches('%')
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= 100)
                    .with_context(|| format!("funds=RESERVE%,EDUCATION%: the {what}'s share is a percent from 0 to 100, not {text:?}"))
            };
            let (reserve, education) = value
                .split_once(',')
                .context("funds=RESERVE%,EDUCATION%, like funds=10%,5%")?;
            Ok(EffectDraft::Books(BooksChange::Funds {
                reserve_pct: percent(reserve, "reserve")?,
                education_pct: percent(education, "education fund")?,
            }))
        }
        other => {
            bail!(
                "unknown effect {other:?}: use admit, remove, admission, withdraw-listing, treasurers, approval-over or funds"
            )
        }
    }
}

/// A full public key in hex (core reads it, with the same words the window gets).
pub fn public_key(text: &str, what: sangam_core::Thing) -> Result<PublicKey> {
    sangam_core::key_from_text(text, what).map_err(|e| anyhow::anyhow!(e.message))
}

/// A span like `24h`, `7d` or `30m`, for `flag`.
pub fn duration(text: &str, flag: &str) -> Result<std::time::Duration> {
    if text.contains('M') {
        // To the parser `M` is a month and `m` a minute: a typo away from a vote that stays
        // open for months. Neither is guessed.
        bail!("{flag} {text:?}: write minutes as `m` (30m) and a month in days (30d)");
    }
    let span = humantime::parse_duration(text.trim())
        .with_context(|| format!("{flag} {text:?}: use a duration like 24h, 7d or 30m"))?;
    if span.is_zero() {
        // A vote closed, or an invite, link or listing expired, the moment it is made.
        bail!(
            "{flag} {text:?}: a span of nothing would be over before it began; use one like 24h, 7d or 30m"
        );
    }
    Ok(span)
}

/// The deadline in ms since the epoch, from `--closes-in` or `--closes-at`.
pub fn deadline(now: i64, closes_in: Option<&str>, closes_at: Option<&str>) -> Result<i64> {
    if let Some(text) = closes_in {
        let span = duration(text, "--closes-in")?;
        return Ok(now.saturating_add(i64::try_from(span.as_millis()).unwrap_or(i64::MAX)));
    }
    let text = closes_at.context("give --closes-in or --closes-at")?;
    let at = humantime::parse_rfc3339_weak(text.trim())
        .with_context(|| format!("--closes-at {text:?}: use a time like 2026-12-01T18:00:00Z"))?;
    let ms = at
        .duration_since(std::time::UNIX_EPOCH)
        .context("--closes-at is before 1970")?
        .as_millis();
    Ok(i64::try_from(ms).unwrap_or(i64::MAX))
}
