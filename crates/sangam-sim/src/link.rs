//! The in-process transport: one sync connection between two homes, with the frames in
//! flight each way held by the simulator, which decides when each is read.
//!
//! Each side runs the loop `sangam-net` runs over QUIC (session.rs `drive`), one frame at
//! a time: what a frame is answered with, when a side goes idle, settles, finishes its
//! stream or cuts a peer that is no longer allowed. Frames travel encoded, so the wire
//! format is part of every run; a truncated frame fails to decode and ends the
//! connection, as it would over the network.

use std::collections::VecDeque;
use std::sync::Arc;

use sangam_model::{CoopId, PublicKey};
use sangam_net::Host;
use sangam_replica::sync::{Frame, SyncError, SyncSession};
use tokio::sync::broadcast::{self, error::TryRecvError};

/// What travels on one direction of a stream.
#[derive(Debug, Clone)]
pub enum Wire {
    /// An encoded frame, length prefix included.
    Frame(Vec<u8>),
    /// The sender finished its stream.
    End,
}

#[derive(Debug, Clone, Copy)]
struct Role {
    live: bool,
    answer_idle: bool,
    finish_on_idle: bool,
}

/// One end of a connection.
pub struct Side {
    /// The laptop this side runs on.
    pub laptop: usize,
    host: Arc<dyn Host>,
    /// The other side's device.
    remote: PublicKey,
    session: SyncSession,
    role: Role,
    /// This side finished its stream: it sends nothing more.
    finished: bool,
    /// This side read the end of the peer's stream: its loop is over.
    pub ended: bool,
    watched: bool,
    changed: broadcast::Receiver<CoopId>,
    /// Frames from the other side not read yet, in order.
    pub inbox: VecDeque<Wire>,
}

/// Why a connection ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// A frame failed (did not decode, or the home refused it).
    Failed(String),
    /// The peer's device stopped being allowed.
    Refused,
}

/// A connection: side 0 dialled, side 1 accepted.
pub struct Link {
    /// The co-op synced.
    pub coop: CoopId,
    /// Whether the dialler stays for live updates.
    pub live: bool,
    /// The two sides.
    pub sides: [Side; 2],
    /// A frame was tampered with: over QUIC that cannot happen to an honest peer, so the
    /// session need not reach agreement (it must only do no harm).
    pub tainted: bool,
}

/// A home as one end of a connection.
pub struct End {
    /// Its index among the laptops.
    pub laptop: usize,
    /// Its sync host.
    pub host: Arc<dyn Host>,
    /// Its device key.
    pub device: PublicKey,
}

impl Link {
    /// `dialler` dials `acceptor` for `coop`; `None` when the acceptor turns it away at
    /// the Hello (it does not hold the co-op, or the dialler's device is not allowed).
    pub fn open(coop: CoopId, live: bool, dialler: End, acceptor: End) -> Option<Self> {
        if !acceptor.host.holds(coop) || !acceptor.host.allows(coop, &dialler.device) {
            return None;
        }
        let side = |me: &End, remote: &End, role: Role| Side {
            laptop: me.laptop,
            host: me.host.clone(),
            remote: remote.device,
            session: SyncSession::new(),
            role,
            finished: false,
            ended: false,
            watched: me.host.allows(coop, &remote.device),
            changed: me.host.subscribe(),
            inbox: VecDeque::new(),
        };
        let dialling = side(
            &dialler,
            &acceptor,
            Role {
                live,
                answer_idle: false,
                finish_on_idle: !live,
            },
        );
        let accepting = side(
            &acceptor,
            &dialler,
            Role {
                live: true,
                answer_idle: !live,
                finish_on_idle: false,
            },
        );
        let mut link = Self {
            coop,
            live,
            sides: [dialling, accepting],
            tainted: false,
        };
        for k in 0..2 {
            let opening = {
                let side = &mut link.sides[k];
                side.host.opening(coop, &mut side.session)
            };
            link.send(k, vec![opening]);
        }
        Some(link)
    }

    fn send(&mut self, from: usize, frames: Vec<Frame>) {
        let to = &mut self.sides[1 - from].inbox;
        to.extend(frames.iter().map(|f| Wire::Frame(f.encode())));
    }

    fn finish(&mut self, k: usize) {
        if !self.sides[k].finished {
            self.sides[k].finished = true;
            self.sides[1 - k].inbox.push_back(Wire::End);
        }
    }

    /// Whether both sides still run their loops: neither finished nor read the end.
    pub fn is_running(&self) -> bool {
        self.sides.iter().all(|s| !s.finished && !s.ended)
    }

    /// Whether the connection is over: the dialler read the end of the acceptor's stream
    /// and the acceptor read everything sent to it.
    pub fn is_done(&self) -> bool {
        self.sides[0].ended && self.sides[1].inbox.is_empty()
    }

    /// Side `k` reads its next frame, if any, and answers as the transport does.
    pub fn deliver(&mut self, k: usize) -> Result<(), Broken> {
        let Some(wire) = self.sides[k].inbox.pop_front() else {
            return Ok(());
        };
        let bytes = match wire {
            Wire::End => {
                // The peer finished its half: finish ours and stop.
                self.sides[k].ended = true;
                self.finish(k);
                return Ok(());
            }
            Wire::Frame(bytes) => bytes,
        };
        if self.sides[k].ended {
            return Ok(());
        }
        let frame = decode(&bytes).map_err(|e| Broken::Failed(e.to_string()))?;
        let coop = self.coop;
        let is_sync = matches!(frame, Frame::Sync(_) | Frame::Heads(_));
        let is_idle = matches!(frame, Frame::Idle);
        let side = &mut self.sides[k];
        side.host
            .incoming(coop, &mut side.session, frame, &side.remote)
            .map_err(|e| Broken::Failed(e.0))?;
        self.check_allowed(k)?;
        let side = &mut self.sides[k];
        if !side.finished && side.session.wants_sync() {
            let out = side.host.outgoing(coop, &mut side.session);
            self.send(k, out);
        }
        let side = &mut self.sides[k];
        if side.finished || !(is_sync || is_idle) {
            return Ok(());
        }
        if side.session.is_stuck() {
            self.finish(k);
            return Ok(());
        }
        let out = side.host.outgoing(coop, &mut side.session);
        let role = side.role;
        if !out.is_empty() {
            self.send(k, out);
        } else if is_sync || role.answer_idle {
            if is_idle && role.finish_on_idle {
                self.finish(k);
            } else {
                self.send(k, vec![Frame::Idle]);
            }
        } else if role.finish_on_idle {
            self.finish(k);
        }
        Ok(())
    }

    /// Side `k` hears whether its co-op changed at home (a write, a peer's changes) and,
    /// when live, pushes or starts a round.
    pub fn wake(&mut self, k: usize) -> Result<(), Broken> {
        let coop = self.coop;
        let side = &mut self.sides[k];
        if !side.role.live || side.finished || side.ended {
            return Ok(());
        }
        let mut heard = false;
        loop {
            match side.changed.try_recv() {
                Ok(c) if c == coop => heard = true,
                Ok(_) => {}
                Err(TryRecvError::Lagged(_)) => heard = true,
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
        if !heard {
            return Ok(());
        }
        self.check_allowed(k)?;
        let side = &mut self.sides[k];
        let out = side.host.on_change(coop, &mut side.session);
        self.send(k, out);
        Ok(())
    }

    /// Whether side `k` may have heard of a change it has not acted on.
    pub fn may_wake(&self, k: usize) -> bool {
        let side = &self.sides[k];
        side.role.live && !side.finished && !side.ended && !side.changed.is_empty()
    }

    fn check_allowed(&mut self, k: usize) -> Result<(), Broken> {
        let coop = self.coop;
        let side = &mut self.sides[k];
        let allowed = side.host.allows(coop, &side.remote);
        if side.watched && !allowed {
            return Err(Broken::Refused);
        }
        side.watched |= allowed;
        Ok(())
    }
}

/// A frame as the network's reader takes it: the length prefix, then that many bytes.
fn decode(bytes: &[u8]) -> Result<Frame, SyncError> {
    let prefix: [u8; 4] = bytes
        .get(..4)
        .and_then(|p| p.try_into().ok())
        .ok_or(SyncError::Malformed("truncated"))?;
    let len = Frame::body_len(prefix)?;
    match bytes.get(4..) {
        Some(body) if body.len() == len => Frame::decode(body),
        // Over a stream the reader would wait for the rest, then read the next frame's
        // bytes as this one's: the connection ends either way.
        _ => Err(SyncError::Malformed("truncated")),
    }
}
