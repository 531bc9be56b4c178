//! What the write path announces once a commit is durable: the events of the records it
//! stored, the co-ops it changed (to wake live sync sessions), and the ready reads it
//! refreshes before the events go out.

use sangam_model::{CoopId, RecordId};
use sangam_replica::{Replica, SignedChange};

use crate::ApiError;
use crate::events::{Event, Origin};
use crate::node::Node;

impl Node {
    /// Queues the events of changes just stored (sent when the write unit commits).
    pub(crate) fn announce_changes(
        &mut self,
        replica: &Replica,
        origin: Origin,
        changes: &[SignedChange],
        members_changed: bool,
    ) {
        let coop = replica.coop();
        self.touched.insert(coop);
        let fold = replica.fold();
        let mut tallies = std::collections::BTreeSet::new();
        let mut members = members_changed;
        for change in changes {
            for id in replica.records_in(&change.hash) {
                let Some(placed) = fold.get(id) else { continue };
                let record = &placed.record;
                self.announce.push(Event::RecordAdded {
                    coop,
                    id: *id,
                    kind: record.kind(),
                    author: record.author(),
                    origin,
                });
                let sangam_model::Touches {
                    proposal,
                    members: about_members,
                } = record.body().touches(*id);
                tallies.extend(proposal);
                members |= about_members;
            }
        }
        for proposal in tallies {
            self.announce.push(Event::TallyChanged { coop, proposal });
        }
        if members {
            self.announce.push(Event::MembersChanged { coop });
        }
    }

    /// Sends what is queued: the co-ops changed to live sessions, events to subscribers.
    pub(crate) fn announce_now(&mut self) {
        self.refresh_published();
        for coop in std::mem::take(&mut self.touched) {
            let _ = self.outlets.changed.send(coop);
        }
        for event in std::mem::take(&mut self.announce) {
            let _ = self.outlets.events.send(event);
        }
    }

    /// Brings the ready reads of the co-ops just changed up to date: the tallies the
    /// queued events name, or everything of a co-op whose members or proposals changed.
    /// When that cannot be done the co-op's reads are dropped, to be rebuilt on next read.
    fn refresh_published(&mut self) {
        let touched: Vec<CoopId> = self.touched.iter().copied().collect();
        for coop in touched {
            if !self.published.holds(coop) {
                continue;
            }
            let mut tallies = Vec::new();
            let mut everything = false;
            for event in &self.announce {
                match event {
                    Event::TallyChanged { coop: c, proposal } if *c == coop => {
                        tallies.push(*proposal)
                    }
                    Event::MembersChanged { coop: c } if *c == coop => everything = true,
                    _ => {}
                }
            }
            let refreshed = match self.published.get(coop) {
                Some(mut reads) if !everything => {
                    let known = tallies.iter().all(|p| reads.tallies.contains_key(p));
                    if known {
                        self.refresh_tallies(coop, &mut reads, &tallies)
                            .map(|()| reads)
                    } else {
                        // A new proposal: the list is rebuilt in its order.
                        self.read_model(coop)
                    }
                }
                _ => self.read_model(coop),
            };
            match refreshed {
                Ok(reads) => self.published.put(coop, reads),
                Err(_) => self.published.drop_coop(coop),
            }
        }
    }

    fn refresh_tallies(
        &mut self,
        coop: CoopId,
        reads: &mut crate::published::CoopReads,
        proposals: &[RecordId],
    ) -> Result<(), ApiError> {
        for proposal in proposals {
            let fresh = self.read_one(coop, *proposal)?;
            if let Some(slot) = reads.proposals.iter_mut().find(|p| p.id == fresh.0.id) {
                *slot = fresh.0;
            }
            reads.tallies.insert(*proposal, fresh.1);
        }
        Ok(())
    }
}
