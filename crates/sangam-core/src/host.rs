//! The [`Host`] the transport calls into: which devices may sync, the frames of a sync
//! session, joins, and what a session's progress means for events and the peer table.

use sangam_model::{CoopId, PublicKey};
use sangam_net::{Host, HostError, JoinAnswer, JoinRequest, PathKind, PeerAddr, SyncSummary};
use sangam_replica::sync::{Frame, SyncSession};
use sangam_replica::{ChangeHash, RawChange};
use tokio::sync::broadcast;

use crate::events::{Event, JoinDecision, Origin};
use crate::home::Shared;
use crate::node::Node;
use crate::{ApiError, ErrorCode};

impl Node {
    /// The member a device of `coop` belongs to, if this home knows it.
    fn member_of_device(&mut self, coop: CoopId, device: &PublicKey) -> Option<PublicKey> {
        self.replica(coop).ok()?.fold().device_member_now(device)
    }

    pub(crate) fn sync_allows(&mut self, coop: CoopId, device: &PublicKey) -> bool {
        self.replica(coop).is_ok_and(|r| r.device_is_active(device))
    }

    fn sync_outgoing(&mut self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        match self.replica_for_sync(coop) {
            Ok(replica) => session.outgoing(replica),
            Err(_) => vec![],
        }
    }

    fn sync_on_change(&mut self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        match self.replica_for_sync(coop) {
            Ok(replica) => session.on_change(replica),
            Err(_) => vec![],
        }
    }

    fn sync_incoming(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        frame: Frame,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        self.sync_input(coop, session, FromPeer::Frame(frame), from)
    }

    /// Takes one input of a sync session from `from` in one write unit.
    fn sync_input(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        input: FromPeer,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        match input {
            // Only changes are stored: the other frames need no write lock.
            FromPeer::Frame(frame) if !matches!(frame, Frame::Changes(_)) => {
                self.sync_input_locked(coop, session, FromPeer::Frame(frame), from)
            }
            input => self.write_unit(|node| node.sync_input_locked(coop, session, input, from)),
        }
    }

    fn sync_input_locked(
        &mut self,
        coop: CoopId,
        session: &mut SyncSession,
        input: FromPeer,
        from: &PublicKey,
    ) -> Result<usize, ApiError> {
        let now = self.now();
        self.replica_for_sync(coop)?;
        let mut replica = self.take_replica(coop);
        let taken = match input {
            FromPeer::Frame(frame) => session.incoming(&mut replica, frame, now),
            FromPeer::Checked(checked) => Ok(session.incoming_checked(&mut replica, checked)),
        };
        let admitted = match taken {
            Ok(admitted) => admitted,
            Err(e) => {
                self.put_replica(replica);
                return Err(ApiError::new(ErrorCode::InvalidInput, e.to_string()));
            }
        };
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

/// What a sync session brings in: a frame, or the changes of one checked beforehand.
enum FromPeer {
    Frame(Frame),
    Checked(sangam_replica::Checked),
}

impl Shared {
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
            self.log(&format!(
                "could not remember device {}'s address: {e}",
                device.short()
            ));
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
        coops.into_iter().any(|coop| node.sync_allows(coop, device))
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
        self.node().sync_outgoing(coop, session)
    }

    fn on_change(&self, coop: CoopId, session: &mut SyncSession) -> Vec<Frame> {
        self.node().sync_on_change(coop, session)
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
                // Signatures and records are checked before the node is locked, on every
                // core, so other sessions and writers are not kept waiting meanwhile.
                let now = self.node().now();
                let trust = sangam_replica::Trust::Verify { now };
                // Changes already here are skipped first (a brief lock each).
                let known = |hash: &ChangeHash| {
                    self.node()
                        .replica(coop)
                        .is_ok_and(|replica| replica.knows(hash))
                };
                let checked = sangam_replica::Checked::new(coop, changes, trust, &known);
                // One write unit for the frame: cutting it into smaller units cost a third
                // more time to converge and did not shorten other sessions' waits
                // (docs/benchmarks.md "Flood").
                self.node()
                    .sync_input(coop, session, FromPeer::Checked(checked), from)
            }
            frame => self.node().sync_incoming(coop, session, frame, from),
        };
        let stored = result.map_err(|e| {
            self.log(&format!("device {}: {}", from.short(), e.message));
            HostError(e.message)
        })?;
        if stored > 0 {
            self.log(&format!(
                "stored {stored} change(s) from device {}",
                from.short()
            ));
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
            self.log(&format!(
                "cannot send co-op {} to a newcomer: {}",
                coop.short(),
                e.message
            ));
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
