//! The [`Host`] the transport calls into: which devices may sync, the frames of a sync
//! session, joins, and what a session's progress means for events and the peer table.

use sangam_model::{CoopId, PublicKey};
use sangam_net::{Host, HostError, JoinAnswer, JoinRequest, PathKind, PeerAddr, SyncSummary};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{ChangeHash, RawChange, Replica};
use tokio::sync::broadcast;

use crate::events::{Event, JoinDecision, Origin};
use crate::home::Shared;
use crate::node::Node;
use crate::problem::{ProblemKey, problem};
use crate::{Activity, ApiError};

/// How many of a frame's changes one write unit stores at most: the node lock is held
/// for about 100 µs a change, and other co-ops' sessions wait for it.
const CHANGES_PER_UNIT: usize = 256;

impl Node {
    /// The member a device of `coop` belongs to, if this home knows it.
    fn member_of_device(&mut self, coop: CoopId, device: &PublicKey) -> Option<PublicKey> {
        self.replica(coop).ok()?.fold().device_member_now(device)
    }

    pub(crate) fn sync_allows(&mut self, coop: CoopId, device: &PublicKey) -> bool {
        self.replica(coop).is_ok_and(|r| r.device_is_active(device))
    }

    /// Stores the changes of one frame from `from`, checked beforehand, in one write unit.
    fn sync_changes(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        checked: sangam_replica::Checked,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        self.write_unit(|node| node.sync_changes_locked(coop, session, checked, from))
    }

    fn sync_changes_locked(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        checked: sangam_replica::Checked,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        self.replica(coop)?;
        let mut replica = self.take_replica(coop);
        let admitted = session.incoming_checked(&mut replica, checked);
        // A change that came before what it builds on is not refused for what it is: the
        // session asks for what it lacked, by hash, and admits it then. Recorded, it
        // would stay in the member's list of refused changes for good.
        let rejections: Vec<_> = admitted
            .rejected
            .iter()
            .filter(|r| !matches!(r.reason, sangam_replica::Rejection::MissingDeps(_)))
            .map(sangam_store::Rejection::from)
            .collect();
        if admitted.applied.is_empty() && admitted.shadowed.is_empty() && rejections.is_empty() {
            self.put_replica(replica);
            return Ok(0);
        }
        let changes = admitted.to_store();
        // On failure persist drops the replica, so the next use reloads from disk.
        let origin = Origin::Peer { device: *from };
        self.persist_taken(replica, origin, &changes, &rejections)?;
        self.settle_forks(coop)?;
        Ok(changes.len())
    }
}

impl Shared {
    /// Checks and stores the changes of one frame from `from`; returns how many were
    /// stored.
    fn store_changes(
        &self,
        coop: CoopId,
        session: &mut SyncSession,
        mut changes: Vec<RawChange>,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        // Under the co-op's lock, so the replica is never lent meanwhile and nothing
        // below waits for it while holding the node lock.
        let coop_lock = self.lending.coop_lock(coop);
        let _held = coop_lock.lock().unwrap_or_else(|p| p.into_inner());
        // Signatures and records are checked before the node is locked, on every core, so
        // other sessions and writers are not kept waiting meanwhile.
        let now = self.node().now();
        let trust = sangam_replica::Trust::Verify { now };
        // Changes already here are skipped first (a brief lock each).
        let known = |hash: &ChangeHash| {
            self.node()
                .replica(coop)
                .is_ok_and(|replica| replica.knows(hash))
        };
        // A write unit per slice of the frame: each holds the node lock, which other
        // co-ops' sessions wait for, only briefly (docs/benchmarks.md "Locks per
        // co-op"). A slice's changes build on earlier slices or on what is here already.
        let mut stored = 0;
        while !changes.is_empty() {
            let rest = changes.split_off(changes.len().min(CHANGES_PER_UNIT));
            let slice = std::mem::replace(&mut changes, rest);
            let checked = sangam_replica::Checked::new(coop, slice, trust, &known);
            stored += self.node().sync_changes(coop, session, checked, from)?;
        }
        Ok(stored)
    }

    /// Runs `work` on `coop`'s replica with its whole document, holding the co-op's lock
    /// and not the node's, so a second's work on one co-op's document holds up no other
    /// co-op (`lending.rs`). Only the document may change meanwhile, never what the
    /// replica admitted. A saved document that does not load is restored from the change
    /// log under the node lock, and the work done there.
    pub(crate) fn on_document<R>(
        &self,
        coop: CoopId,
        work: impl FnOnce(&mut Replica) -> R,
    ) -> Result<R, ApiError> {
        let coop_lock = self.lending.coop_lock(coop);
        let _held = coop_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut loan = self.node().lend(coop)?;
        let generation = loan.replica().generation();
        if loan.replica().load_saved_document() {
            let done = work(loan.replica());
            debug_assert_eq!(
                generation,
                loan.replica().generation(),
                "a lent replica admits nothing"
            );
            loan.give_back();
            // Back in the node at once, ready for the next use there.
            self.node().recall(coop);
            return Ok(done);
        }
        loan.give_back();
        let mut node = self.node();
        let replica = node.replica_for_sync(coop)?;
        Ok(work(replica))
    }

    /// Remembers a peer's address and how it was reached; a storage error is logged, not
    /// a reason to end the session.
    fn remember(&self, device: &PublicKey, coop: CoopId, addr: &PeerAddr, path: PathKind) {
        let node = self.node();
        let json = sangam_net::addr_to_json(addr);
        let dialable = !addr.addrs.is_empty();
        let remembered =
            node.store()
                .remember_peer(device, coop, &json, dialable, store_path(path), node.now());
        drop(node);
        if let Err(e) = remembered {
            self.log(Activity::AddressNotRemembered {
                device: device.to_string(),
                error: e.to_string(),
            });
        }
    }
}

impl Shared {
    /// Adds to a session's running totals and tells subscribers.
    fn count_traffic(
        &self,
        coop: CoopId,
        device: &PublicKey,
        received: usize,
        sent: Option<usize>,
    ) {
        let (received, sent) = {
            let mut traffic = self.traffic.lock().unwrap_or_else(|p| p.into_inner());
            let totals = traffic.entry((coop, *device)).or_default();
            totals.0 += received;
            if let Some(sent) = sent {
                totals.1 = sent;
            }
            *totals
        };
        self.emit(Event::SyncProgress {
            coop,
            device: *device,
            received,
            sent,
            of: None,
        });
    }
}

impl Host for Shared {
    fn knows(&self, device: &PublicKey) -> bool {
        let mut node = self.node();
        let coops: Vec<CoopId> = node
            .store()
            .coops()
            .unwrap_or_default()
            .into_iter()
            .map(|row| row.id)
            .collect();
        // Co-ops whose replica is lent to a sync are asked last: asking one waits for
        // that sync's document work, and most devices are known from another.
        let (lent, here): (Vec<CoopId>, Vec<CoopId>) =
            coops.into_iter().partition(|coop| node.is_lent(*coop));
        here.into_iter()
            .chain(lent)
            .any(|coop| node.sync_allows(coop, device))
    }

    fn allows(&self, coop: CoopId, device: &PublicKey) -> bool {
        self.node().sync_allows(coop, device)
    }

    fn holds(&self, coop: CoopId) -> bool {
        self.node()
            .store()
            .coops()
            .is_ok_and(|coops| coops.iter().any(|row| row.id == coop))
    }

    fn opening(&self, coop: CoopId, session: &mut SyncSession) -> Frame {
        let mut node = self.node();
        match node.replica(coop) {
            Ok(replica) => session.opening(replica),
            Err(_) => Frame::Heads(vec![]),
        }
    }

    fn outgoing(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.on_document(coop, |replica| session.outgoing(replica))
            .unwrap_or_default()
    }

    fn on_change(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.on_document(coop, |replica| session.on_change(replica))
            .unwrap_or_default()
    }

    fn incoming(
        &self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, HostError> {
        let result = match frame {
            Frame::Changes(changes) => {
                // Heard of as they arrive, before they are checked and stored (records
                // follow once they are durable).
                self.count_traffic(coop, from, changes.len(), None);
                self.store_changes(coop, session, changes, from)
            }
            // The other frames change the session and the document, never what the
            // replica admitted: nothing is stored.
            frame => {
                let now = self.node().now();
                self.on_document(coop, |replica| session.incoming(replica, frame, now))
                    .and_then(|taken| {
                        taken
                            .map(|_| 0)
                            .map_err(|e| problem(ProblemKey::BadFrame).with("detail", e).into())
                    })
            }
        };
        let stored = result.map_err(|e| {
            self.log(Activity::NotStored {
                device: from.to_string(),
                error: e.message.clone(),
            });
            HostError(e.message)
        })?;
        if stored > 0 {
            self.log(Activity::Stored {
                device: from.to_string(),
                changes: stored,
            });
        }
        Ok(stored)
    }

    fn subscribe(&self) -> broadcast::Receiver<CoopId> {
        self.outlets.changed.subscribe()
    }

    fn connected(&self, device: &PublicKey, coop: CoopId, addr: &PeerAddr, path: PathKind) {
        self.remember(device, coop, addr, path);
        self.traffic
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((coop, *device), (0, 0));
        let member = self.node().member_of_device(coop, device);
        self.emit(Event::PeerConnected {
            coop,
            device: *device,
            member,
            path: path.into(),
        });
    }

    fn progress(&self, coop: CoopId, device: &PublicKey, summary: &SyncSummary) {
        self.count_traffic(coop, device, 0, Some(summary.sent));
    }

    fn ended(
        &self,
        device: &PublicKey,
        coop: CoopId,
        addr: &PeerAddr,
        path: PathKind,
        synced: bool,
    ) {
        if synced {
            // The peer row's "last synced" moves on to now.
            self.remember(device, coop, addr, path);
        }
        self.traffic
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(coop, *device));
        self.emit(Event::PeerDisconnected {
            coop,
            device: *device,
        });
    }

    fn join(&self, request: &JoinRequest, device: &PublicKey) -> JoinAnswer {
        let name = request.name.trim().to_owned();
        self.emit(Event::JoinRequested {
            coop: request.coop,
            name: name.clone(),
            device: *device,
        });
        let answer = self.node().answer_join(request, device);
        let decision = match &answer {
            JoinAnswer::Welcome => JoinDecision::Welcomed,
            JoinAnswer::Pending { proposal } => match proposal.parse() {
                Ok(proposal) => JoinDecision::PutToVote { proposal },
                Err(_) => JoinDecision::Refused {
                    reason: "the admission proposal's id did not parse".into(),
                },
            },
            JoinAnswer::Refused { reason } => JoinDecision::Refused {
                reason: reason.clone(),
            },
        };
        self.emit(Event::JoinDecided {
            coop: request.coop,
            name,
            device: *device,
            decision,
        });
        answer
    }

    fn everything(&self, coop: CoopId) -> Result<(Vec<ChangeHash>, Vec<RawChange>), HostError> {
        self.node().everything(coop).map_err(|e| {
            self.log(Activity::NotSentToNewcomer {
                coop: coop.to_string(),
                error: e.message.clone(),
            });
            HostError(e.message)
        })
    }

    fn link(&self, secret: &[u8; 32], device: &PublicKey) -> sangam_net::LinkAnswer {
        self.node().answer_link(secret, device)
    }

    fn linked(&self, member: &str, name: &str) -> Result<(), HostError> {
        self.node()
            .take_linked_identity(member, name)
            .map_err(|e| HostError(e.message))
    }

    fn welcomed(
        &self,
        coop: CoopId,
        heads: Vec<ChangeHash>,
        changes: Vec<RawChange>,
        from: &PublicKey,
    ) -> Result<Vec<RawChange>, HostError> {
        let origin = Origin::Invite { device: *from };
        let mut node = self.node();
        let lacking = node
            .import_changes(coop, changes, origin)
            .and_then(|_| node.lacking(coop, &heads));
        lacking.map_err(|e| HostError(e.message))
    }
}

/// How the peer table records a path.
fn store_path(path: PathKind) -> sangam_store::PeerPath {
    match path {
        PathKind::Lan => sangam_store::PeerPath::Lan,
        PathKind::Direct => sangam_store::PeerPath::Direct,
        PathKind::Relay => sangam_store::PeerPath::Relay,
    }
}
