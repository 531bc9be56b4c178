//! Quiescence and what must hold then.

use sangam_core::ProposalFilter;

use crate::error::SimError;
use crate::link::Link;
use crate::world::{Sim, WRONG_CLOCK_MS};

/// Most rounds of "every pair syncs" before the homes must agree.
const MAX_PASSES: usize = 6;
/// Most frames one clean session may take.
const MAX_FRAMES: usize = 20_000;

impl Sim {
    /// Stops every connection, lets time pass beyond any clock's lead, then syncs every
    /// pair of laptops, one-shot and with no fault, until a whole pass moves nothing.
    pub fn quiesce(&mut self) -> Result<(), SimError> {
        self.settle_live_sessions()?;
        self.links.clear();
        self.world_advance(WRONG_CLOCK_MS + 60_000);
        let n = self.laptops.len();
        for _ in 0..MAX_PASSES {
            let before = self.all_heads()?;
            for a in 0..n {
                for b in 0..n {
                    if a != b && self.laptops[a].joined && self.laptops[b].joined {
                        self.clean_session(a, b)?;
                    }
                }
            }
            if self.all_heads()? == before {
                return Ok(());
            }
        }
        Err(SimError::Check(format!(
            "the laptops still moved changes after {MAX_PASSES} rounds of syncing every pair"
        )))
    }

    /// Lets the connections still open read everything in flight, with no fault, until
    /// nothing moves. Then two laptops joined by a live session that is still running,
    /// and that nothing tampered with, must agree: a live session never stays settled
    /// while one side lacks what the other has (unless the run explains it: a clock
    /// ahead, a member removed).
    fn settle_live_sessions(&mut self) -> Result<(), SimError> {
        for _ in 0..MAX_FRAMES {
            let next = self.links.iter().enumerate().find_map(|(i, link)| {
                (0..2)
                    .find(|k| !link.sides[*k].inbox.is_empty() || link.may_wake(*k))
                    .map(|k| (i, k))
            });
            let Some((i, k)) = next else {
                break;
            };
            let result = if self.links[i].sides[k].inbox.is_empty() {
                self.links[i].wake(k)
            } else {
                self.links[i].deliver(k)
            };
            self.after_frame(i, result);
        }
        if self.wrong_clock || !self.removed.is_empty() {
            return Ok(());
        }
        for i in 0..self.links.len() {
            let link = &self.links[i];
            if !link.live || link.tainted || !link.is_running() {
                continue;
            }
            *self
                .counts
                .entry("live session checked at quiescence")
                .or_default() += 1;
            let (a, b) = (link.sides[0].laptop, link.sides[1].laptop);
            let heads = |k: usize| {
                self.laptops[k]
                    .home
                    .as_ref()
                    .expect("open")
                    .heads(self.coop)
            };
            if heads(a)? != heads(b)? {
                return Err(SimError::Check(format!(
                    "laptops {a} and {b} are joined by a live session that went quiet, yet they disagree"
                )));
            }
        }
        Ok(())
    }

    fn all_heads(&self) -> Result<Vec<Vec<sangam_replica::ChangeHash>>, SimError> {
        self.laptops
            .iter()
            .filter(|l| l.joined)
            .map(|l| Ok(l.home.as_ref().expect("open").heads(self.coop)?))
            .collect()
    }

    /// Runs one one-shot session from `a` to `b` to its end, reading frames in turn.
    fn clean_session(&mut self, a: usize, b: usize) -> Result<(), SimError> {
        let Some(mut link) = Link::open(self.coop, false, self.end_of(a), self.end_of(b)) else {
            return Ok(());
        };
        for _ in 0..MAX_FRAMES {
            if link.is_done() {
                return Ok(());
            }
            let k = if link.sides[0].inbox.is_empty() { 1 } else { 0 };
            if link.sides[k].inbox.is_empty() {
                return Err(SimError::Check(format!(
                    "a session {a}->{b} stalled: neither side has anything to read and it did not end"
                )));
            }
            if let Err(why) = link.deliver(k) {
                // A refusal (the dialler was removed, say) ends it; that is allowed.
                if matches!(why, crate::link::Broken::Refused) {
                    return Ok(());
                }
                return Err(SimError::Check(format!(
                    "a clean session {a}->{b} failed: {why:?}"
                )));
            }
        }
        Err(SimError::Check(format!(
            "a session {a}->{b} went on past {MAX_FRAMES} frames"
        )))
    }

    /// What must hold once the laptops are quiet:
    /// - every laptop whose member is current (by the founder's state) has the same heads,
    ///   the same folded state, the same tallies and the same balances;
    /// - reopened from disk, every laptop has what it had (its log and its document agree);
    /// - no change was refused for anything an honest laptop does, save what the run
    ///   explains (a clock running ahead, a member removed while writing).
    pub fn check(&mut self) -> Result<(), SimError> {
        let coop = self.coop;
        let current: Vec<usize> = (0..self.laptops.len())
            .filter(|k| self.laptops[*k].joined && self.current_by_founder(*k))
            .collect();
        let reference = current[0];
        let home = |sim: &Sim, k: usize| sim.laptops[k].home.clone().expect("open");
        let fingerprint = |sim: &Sim, k: usize| -> Result<String, SimError> {
            let h = home(sim, k);
            // What a proposal says of this laptop's own member (may vote, has answered)
            // differs between members by design; the rest must agree.
            let proposals: Vec<_> = h
                .proposals(coop, ProposalFilter::All)?
                .into_iter()
                .map(|mut p| {
                    p.you_may_vote = false;
                    p.you_answered = false;
                    p
                })
                .collect();
            // Whether a call still takes nominations is this laptop's clock's say.
            let calls: Vec<_> = h
                .nomination_calls(coop)?
                .into_iter()
                .map(|mut c| {
                    c.open = false;
                    c.you_must_answer = false;
                    c
                })
                .collect();
            Ok(format!(
                "heads {:?}\nstate {:?}\nproposals {:?}\naccounts {:?}\ncalls {:?}",
                h.heads(coop)?,
                h.state(coop)?,
                proposals,
                h.accounts(coop)?,
                calls,
            ))
        };
        let expected = fingerprint(self, reference)?;
        for &k in &current[1..] {
            let got = fingerprint(self, k)?;
            if got != expected {
                return Err(SimError::Check(format!(
                    "laptops {reference} and {k} disagree after syncing:\n{}",
                    first_difference(&expected, &got)
                )));
            }
        }
        for k in 0..self.laptops.len() {
            if !self.laptops[k].joined {
                continue;
            }
            let before = fingerprint(self, k)?;
            self.reopen(k)?;
            let after = fingerprint(self, k)?;
            if before != after {
                return Err(SimError::Check(format!(
                    "laptop {k} reopened from disk differs from what it held:\n{}",
                    first_difference(&before, &after)
                )));
            }
        }
        for k in 0..self.laptops.len() {
            if !self.laptops[k].joined {
                continue;
            }
            for refused in home(self, k).refused(coop)? {
                let reason = refused.reason.as_str();
                // Sessions record no change refused only for deps not here yet; a bundle
                // does, for a change built on one refused (dated ahead, or a removed
                // member's).
                let refused_below = reason.starts_with("change depends on")
                    && (self.wrong_clock || !self.removed.is_empty());
                let explained = refused_below
                    || (self.wrong_clock && reason.contains("in the future"))
                    || (!self.removed.is_empty()
                        && (reason.contains("not a member")
                            || reason.contains("not an active device")));
                let kind = if refused_below {
                    "refusal seen: built on a refused change"
                } else if reason.contains("in the future") {
                    "refusal seen: dated in the future"
                } else {
                    "refusal seen: a removed member's change"
                };
                *self.counts.entry(kind).or_default() += 1;
                if !explained {
                    return Err(SimError::Check(format!(
                        "laptop {k} refused an honest change ({}): {reason}",
                        refused.source
                    )));
                }
            }
        }
        Ok(())
    }

    /// The founder's heads, once the checks passed: what every current laptop agreed on.
    pub fn agreed_heads(&self) -> Result<Vec<sangam_replica::ChangeHash>, SimError> {
        Ok(self.laptops[0]
            .home
            .as_ref()
            .expect("open")
            .heads(self.coop)?)
    }

    fn current_by_founder(&self, k: usize) -> bool {
        let founder = self.laptops[0].home.as_ref().expect("open");
        founder
            .sync_host()
            .allows(self.coop, &self.laptops[k].device)
    }
}

/// The first line where two fingerprints differ, with both versions.
fn first_difference(a: &str, b: &str) -> String {
    for (x, y) in a.lines().zip(b.lines()) {
        if x != y {
            let cut = |s: &str| s.chars().take(600).collect::<String>();
            return format!("  one:   {}\n  other: {}", cut(x), cut(y));
        }
    }
    "  (one is longer)".into()
}
