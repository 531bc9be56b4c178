//! Moving sync frames over one QUIC stream pair, for both the dialling and the accepting
//! side.
//!
//! The dialler opens a bidirectional stream and sends `Hello { coop, live }`; the acceptor
//! checks that the device may sync that co-op. Then both sides run the same loop: each
//! Sync frame is answered (with frames, or Idle when there is nothing to say); an Idle is
//! answered only when there is something to say, except towards a one-shot dialler, who
//! gets an Idle back and, holding nothing more either, finishes its stream. A live session
//! also pushes whenever the co-op changes locally, and drops a peer as soon as it is no
//! longer allowed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use iroh::endpoint::{Connection, ReadExactError, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr, TransportAddr};
use sangam_model::{CoopId, PublicKey};
use sangam_replica::sync::{Frame, SyncSession};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

use crate::allowlist::REFUSED;
use crate::blocking::off_runtime;
use crate::error::NetError;
use crate::host::{FRAME_TIMEOUT, Host, PathKind, SYNC_ALPN};
use crate::messages::SyncSummary;

/// QUIC application error code for a protocol violation (bad frame, too many rounds).
const PROTOCOL: u32 = 400;

/// QUIC application error code for "too many sessions at once".
const BUSY: u32 = 503;

/// Most sync sessions one device may hold open with this home on one co-op at a time
/// (a laptop needs one; a reconnect may briefly overlap the session it replaces).
pub const MAX_SESSIONS_PER_DEVICE: usize = 4;

pub(crate) struct SyncProtocol {
    pub(crate) host: Arc<dyn Host>,
    pub(crate) sessions: Sessions,
}

/// The sync sessions open now, either direction, counted by co-op and peer device.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sessions(Arc<Mutex<HashMap<(CoopId, PublicKey), usize>>>);

/// One open session; counted until dropped.
struct Open {
    sessions: Sessions,
    key: (CoopId, PublicKey),
}

impl Drop for Open {
    fn drop(&mut self) {
        let mut open = self.sessions.lock();
        if let Some(count) = open.get_mut(&self.key) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

impl Sessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(CoopId, PublicKey), usize>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn open(&self, coop: CoopId, device: PublicKey) -> Open {
        *self.lock().entry((coop, device)).or_default() += 1;
        Open {
            sessions: self.clone(),
            key: (coop, device),
        }
    }

    pub(crate) fn contains(&self, coop: CoopId, device: &PublicKey) -> bool {
        self.count(coop, device) > 0
    }

    fn count(&self, coop: CoopId, device: &PublicKey) -> usize {
        self.lock().get(&(coop, *device)).copied().unwrap_or(0)
    }
}

impl std::fmt::Debug for SyncProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SyncProtocol")
    }
}

impl ProtocolHandler for SyncProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let remote = PublicKey::from_bytes(*conn.remote_id().as_bytes());
        // A device that connects and then says nothing gives its place back soon.
        let opened = tokio::time::timeout(FRAME_TIMEOUT, async {
            let (send, mut recv) = conn.accept_bi().await.ok()?;
            match read_frame(&mut recv).await {
                Ok(Some(Frame::Hello { coop, live })) => Some((send, recv, coop, live)),
                _ => None,
            }
        })
        .await;
        let Ok(Some((send, recv, coop, live))) = opened else {
            conn.close(PROTOCOL.into(), b"expected hello");
            return Ok(());
        };
        if !self.host.holds(coop) || !self.host.allows(coop, &remote) {
            conn.close(REFUSED.into(), b"not a device of this co-op");
            return Ok(());
        }
        if self.sessions.count(coop, &remote) >= MAX_SESSIONS_PER_DEVICE {
            conn.close(BUSY.into(), b"too many sessions from this device");
            return Ok(());
        }
        let dialler = EndpointAddr::new(conn.remote_id());
        self.host
            .connected(&remote, coop, &dialler, path_kind(&conn));
        let role = Role {
            live: true,
            answer_idle: !live,
            finish_on_idle: false,
        };
        let _open = self.sessions.open(coop, remote);
        let result = drive(&self.host, coop, &conn, send, recv, remote, role).await;
        self.host
            .ended(&remote, coop, &dialler, path_kind(&conn), result.is_ok());
        match result {
            Ok(_) => {
                // Let the dialler read our last frames and close the connection itself:
                // returning here would drop (and so close) it under the dialler's feet.
                let _ = tokio::time::timeout(FRAME_TIMEOUT, conn.closed()).await;
            }
            Err(NetError::Refused(_)) => {}
            Err(e) => conn.close(PROTOCOL.into(), e.to_string().as_bytes()),
        }
        Ok(())
    }
}

/// Dials `addr`, syncs `coop`, and (unless `live`) leaves once both sides are idle.
pub(crate) async fn dial(
    endpoint: &Endpoint,
    host: Arc<dyn Host>,
    sessions: &Sessions,
    addr: EndpointAddr,
    coop: CoopId,
    live: bool,
) -> Result<SyncSummary, NetError> {
    let (conn, remote, mut send, recv) = open_stream(endpoint, &addr, SYNC_ALPN).await?;
    write_frames(&mut send, &[Frame::Hello { coop, live }]).await?;
    // Remembered as soon as it answers, so a live session that later drops still counts.
    host.connected(&remote, coop, &addr, path_kind(&conn));
    let role = Role {
        live,
        answer_idle: false,
        finish_on_idle: !live,
    };
    let open = sessions.open(coop, remote);
    let summary = drive(&host, coop, &conn, send, recv, remote, role).await;
    drop(open);
    host.ended(&remote, coop, &addr, path_kind(&conn), summary.is_ok());
    conn.close(0u32.into(), b"done");
    summary
}

/// Dials `addr` on `alpn` and opens the one stream a session uses.
pub(crate) async fn open_stream(
    endpoint: &Endpoint,
    addr: &EndpointAddr,
    alpn: &[u8],
) -> Result<(Connection, PublicKey, SendStream, RecvStream), NetError> {
    let conn = endpoint
        .connect(addr.clone(), alpn)
        .await
        .map_err(|e| refused_or(e, NetError::Connect))?;
    let remote = PublicKey::from_bytes(*conn.remote_id().as_bytes());
    let (send, recv) = conn
        .open_bi()
        .await
        .map_err(|e| refused_or(e, NetError::Connect))?;
    Ok((conn, remote, send, recv))
}

#[derive(Debug, Clone, Copy)]
struct Role {
    /// Stay connected and push local changes.
    live: bool,
    /// Answer an Idle with an Idle when there is nothing to send (towards a one-shot peer).
    answer_idle: bool,
    /// Finish once the peer is idle and so are we (a one-shot dialler).
    finish_on_idle: bool,
}

/// Frames queued for the peer. A task of its own writes them, so reading never waits on
/// writing: two peers that each have a lot to send would otherwise block each other.
struct Outbox {
    queue: Option<mpsc::UnboundedSender<Vec<Frame>>>,
    writer: tokio::task::JoinHandle<Result<(), NetError>>,
}

impl Outbox {
    fn new(mut send: SendStream) -> Self {
        let (queue, mut frames) = mpsc::unbounded_channel::<Vec<Frame>>();
        let writer = tokio::spawn(async move {
            while let Some(batch) = frames.recv().await {
                write_frames(&mut send, &batch).await?;
            }
            // The queue closed: everything is written; end our side of the stream.
            let _ = send.finish();
            Ok(())
        });
        Self {
            queue: Some(queue),
            writer,
        }
    }

    fn push(&self, frames: Vec<Frame>) -> Result<(), NetError> {
        if frames.is_empty() {
            return Ok(());
        }
        match &self.queue {
            Some(queue) if queue.send(frames).is_ok() => Ok(()),
            _ => Err(NetError::Sync(
                "the connection stopped taking frames".into(),
            )),
        }
    }

    /// No more frames: the writer flushes and finishes the stream.
    fn finish(&mut self) {
        self.queue = None;
    }

    /// Waits until everything queued is written.
    async fn flushed(mut self) -> Result<(), NetError> {
        self.finish();
        match self.writer.await {
            Ok(result) => result,
            Err(_) => Err(NetError::Sync("the writer stopped".into())),
        }
    }
}

async fn drive(
    host: &Arc<dyn Host>,
    coop: CoopId,
    conn: &Connection,
    send: SendStream,
    mut recv: RecvStream,
    remote: PublicKey,
    role: Role,
) -> Result<SyncSummary, NetError> {
    let mut session = SyncSession::new();
    let mut changed = host.subscribe();
    let mut summary = SyncSummary::default();
    let mut outbox = Outbox::new(send);
    let mut finished = false;
    // Cut a peer off when it stops being allowed. A dialled peer this home does not know
    // yet (a fresh laptop syncing from a member whose device binding it has not received)
    // is not cut: its changes are verified like anyone's, and it was our choice to dial.
    let mut watched = host.allows(coop, &remote);
    outbox.push(vec![off_runtime(|| host.opening(coop, &mut session))])?;
    loop {
        tokio::select! {
            next = read_with_timeout(&mut recv, role.live) => {
                let next = match next {
                    // Once we are done, the peer closing the connection is the normal end.
                    Err(_) if finished => None,
                    Err(e) => return Err(refusal_of(conn).unwrap_or(e)),
                    Ok(next) => next,
                };
                let Some(frame) = next else {
                    // The peer finished its side: finish ours and stop.
                    break;
                };
                summary.frames += 1;
                // Heads open the exchange: answer them as a sync message.
                let is_sync = matches!(frame, Frame::Sync(_) | Frame::Heads(_));
                let is_idle = matches!(frame, Frame::Idle);
                let stored = off_runtime(|| host.incoming(coop, &mut session, frame, &remote))
                    .map_err(|e| NetError::Sync(e.0))?;
                summary.received += stored;
                let allowed = host.allows(coop, &remote);
                if watched && !allowed {
                    conn.close(REFUSED.into(), b"device no longer allowed");
                    return Err(NetError::Refused("device no longer allowed".into()));
                }
                watched |= allowed;
                if !finished && session.wants_sync() {
                    // A pushed change came without its deps: reconcile with a sync round.
                    let out = off_runtime(|| host.outgoing(coop, &mut session));
                    sent(host, coop, &remote, &mut summary, &out);
                    outbox.push(out)?;
                }
                if finished || !(is_sync || is_idle) {
                    continue;
                }
                if session.is_stuck() {
                    // Nothing moves any more (the peer offers changes we refuse): stop
                    // rather than go round forever. Refusals are in the home's log.
                    outbox.finish();
                    finished = true;
                    continue;
                }
                let out = off_runtime(|| host.outgoing(coop, &mut session));
                sent(host, coop, &remote, &mut summary, &out);
                if !out.is_empty() {
                    outbox.push(out)?;
                } else if is_sync || role.answer_idle {
                    if is_idle && role.finish_on_idle {
                        outbox.finish();
                        finished = true;
                    } else {
                        outbox.push(vec![Frame::Idle])?;
                    }
                } else if role.finish_on_idle {
                    outbox.finish();
                    finished = true;
                }
            }
            note = changed.recv(), if role.live && !finished => {
                match note {
                    Ok(c) if c != coop => continue,
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => continue,
                }
                let allowed = host.allows(coop, &remote);
                if watched && !allowed {
                    conn.close(REFUSED.into(), b"device no longer allowed");
                    return Err(NetError::Refused("device no longer allowed".into()));
                }
                watched |= allowed;
                let out = off_runtime(|| host.on_change(coop, &mut session));
                sent(host, coop, &remote, &mut summary, &out);
                outbox.push(out)?;
            }
        }
    }
    outbox.flushed().await?;
    Ok(summary)
}

/// Counts the changes in `frames` as sent, telling the host when there were any.
fn sent(
    host: &Arc<dyn Host>,
    coop: CoopId,
    remote: &PublicKey,
    summary: &mut SyncSummary,
    frames: &[Frame],
) {
    let changes = count_changes(frames);
    if changes > 0 {
        summary.sent += changes;
        host.progress(coop, remote, summary);
    }
}

fn count_changes(frames: &[Frame]) -> usize {
    frames
        .iter()
        .map(|f| match f {
            Frame::Changes(c) => c.len(),
            _ => 0,
        })
        .sum()
}

pub(crate) async fn write_frames(send: &mut SendStream, frames: &[Frame]) -> Result<(), NetError> {
    for frame in frames {
        send.write_all(&frame.encode())
            .await
            .map_err(|e| refused_or(e, NetError::Sync))?;
    }
    Ok(())
}

async fn read_with_timeout(recv: &mut RecvStream, live: bool) -> Result<Option<Frame>, NetError> {
    if live {
        return read_frame(recv).await;
    }
    tokio::time::timeout(FRAME_TIMEOUT, read_frame(recv))
        .await
        .map_err(|_| NetError::Timeout)?
}

/// Reads one frame; `None` when the peer finished its stream cleanly between frames.
pub(crate) async fn read_frame(recv: &mut RecvStream) -> Result<Option<Frame>, NetError> {
    let mut prefix = [0u8; 4];
    match recv.read_exact(&mut prefix).await {
        Ok(()) => {}
        Err(ReadExactError::FinishedEarly(0)) => return Ok(None),
        Err(e) => return Err(refused_or(e, NetError::Sync)),
    }
    let len = Frame::body_len(prefix).map_err(|e| NetError::Sync(e.to_string()))?;
    let mut body = vec![0u8; len];
    recv.read_exact(&mut body)
        .await
        .map_err(|e| refused_or(e, NetError::Sync))?;
    Frame::decode(&body)
        .map(Some)
        .map_err(|e| NetError::Sync(e.to_string()))
}

/// The peer's refusal, if it closed the connection refusing us (403) or saying it is
/// busy (503).
fn refusal_of(conn: &Connection) -> Option<NetError> {
    match conn.close_reason()? {
        iroh::endpoint::ConnectionError::ApplicationClosed(close)
            if close.error_code == REFUSED.into() || close.error_code == BUSY.into() =>
        {
            Some(NetError::Refused(
                String::from_utf8_lossy(&close.reason).into_owned(),
            ))
        }
        _ => None,
    }
}

/// The peer's refusal, when `error` (or an error it wraps) is the connection closed by the
/// peer with our refusal (403) or busy (503) code; otherwise `other` of its text. Decided
/// by the QUIC close code, never by reading the message.
pub(crate) fn refused_or<E: std::error::Error + 'static>(
    error: E,
    other: fn(String) -> NetError,
) -> NetError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&error);
    while let Some(e) = cause {
        if let Some(iroh::endpoint::ConnectionError::ApplicationClosed(close)) =
            e.downcast_ref::<iroh::endpoint::ConnectionError>()
            && (close.error_code == REFUSED.into() || close.error_code == BUSY.into())
        {
            return NetError::Refused(String::from_utf8_lossy(&close.reason).into_owned());
        }
        cause = e.source();
    }
    other(error.to_string())
}

/// How the connection reached the peer: its selected path.
pub(crate) fn path_kind(conn: &Connection) -> PathKind {
    for path in conn.paths().iter() {
        if !path.is_selected() {
            continue;
        }
        if path.is_relay() {
            return PathKind::Relay;
        }
        if let TransportAddr::Ip(addr) = path.remote_addr() {
            let local = match addr.ip() {
                std::net::IpAddr::V4(ip) => {
                    ip.is_private() || ip.is_loopback() || ip.is_link_local()
                }
                std::net::IpAddr::V6(ip) => {
                    ip.is_loopback() || ip.is_unique_local() || ip.is_unicast_link_local()
                }
            };
            return if local {
                PathKind::Lan
            } else {
                PathKind::Direct
            };
        }
    }
    PathKind::Direct
}
