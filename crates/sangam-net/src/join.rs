//! The join protocol (`sangam/join/1`): a newcomer holding an invite reaches the inviter's
//! endpoint, proves the invite's secret and, if the inviter's home admits it, leaves with
//! the whole co-op and its own device bound.
//!
//! The newcomer dials the endpoint id named in the (signed) ticket, so the secret is only
//! ever sent, encrypted, to the inviter's device. One bidirectional stream:
//! ```text
//! newcomer -> inviter   request   {coop, secret, member, name, proof} (JSON, length-prefixed)
//! inviter  -> newcomer  answer    welcome | pending | refused        (JSON, length-prefixed)
//! on welcome:
//! inviter  -> newcomer  Heads, Changes*, Idle   the inviter's heads, then every change
//!                                              of the co-op (sync frames)
//! newcomer -> inviter   Changes*, Idle      what the inviter lacks: the newcomer's device
//!                                           binding (written now or on an earlier try)
//! inviter  -> newcomer  Idle                stored durably; the newcomer closes
//! ```
//! The device is the one the handshake authenticated; nothing in the request can name
//! another. The request is signed by the member key it names, over the co-op, the secret
//! and that device, so nobody can ask in the name of a key they do not hold. Changes in
//! both directions are verified like any sync input.

use std::sync::Arc;
use std::time::Duration;

use iroh::endpoint::{Connection, RecvStream, SendStream};
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr};
use sangam_model::{CoopId, PublicKey};
use sangam_replica::RawChange;
use sangam_replica::sync::{Frame, SyncSession, change_frames};
use serde::{Deserialize, Serialize};

use crate::error::NetError;
use crate::host::{FRAME_TIMEOUT, Host};
use crate::messages::{JoinAnswer, JoinOutcome, JoinRequest};
use crate::session::{open_stream, path_kind, read_frame, refused_or, write_frames};

/// The ALPN of the join protocol.
pub const JOIN_ALPN: &[u8] = b"sangam/join/1";

/// Largest request or answer accepted, checked before reading it.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// QUIC application error code for a join protocol violation.
const PROTOCOL: u32 = 400;

/// QUIC application error code for "too many joins at once; try again".
const BUSY: u32 = 503;

/// How long a newcomer has, once connected, to open its stream and send its request.
pub const JOIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Most join requests handled at once. Anyone may dial the join protocol (that is its
/// point), so a flood of connections that never send a request must not pile up: past
/// this many, newcomers are told to try again, and each one in progress ends within
/// `FRAME_TIMEOUT` per step.
pub const MAX_JOINS_AT_ONCE: usize = 8;

pub(crate) struct JoinProtocol {
    pub(crate) host: Arc<dyn Host>,
    pub(crate) slots: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for JoinProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JoinProtocol")
    }
}

impl ProtocolHandler for JoinProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let Some(_slot) = take_slot(&self.slots, &conn) else {
            return Ok(());
        };
        let newcomer = PublicKey::from_bytes(*conn.remote_id().as_bytes());
        let Some((mut send, mut recv, request)) = take_request::<JoinRequest>(&conn).await else {
            return Ok(());
        };
        let answer = self.host.join(&request, &newcomer);
        let welcomed = answer == JoinAnswer::Welcome;
        let result = async {
            write_message(&mut send, &answer).await?;
            if welcomed {
                welcome(
                    self.host.as_ref(),
                    &conn,
                    &mut send,
                    &mut recv,
                    request.coop,
                    &newcomer,
                )
                .await?;
            }
            let _ = send.finish();
            Ok::<(), NetError>(())
        }
        .await;
        finish(&conn, result).await;
        Ok(())
    }
}

/// One of the slots join and link connections share, or `None` with the connection closed
/// as busy: anyone may dial these protocols, so a flood must not pile up.
pub(crate) fn take_slot(
    slots: &Arc<tokio::sync::Semaphore>,
    conn: &Connection,
) -> Option<tokio::sync::OwnedSemaphorePermit> {
    let slot = slots.clone().try_acquire_owned().ok();
    if slot.is_none() {
        conn.close(
            BUSY.into(),
            b"busy with other newcomers: try again in a minute",
        );
    }
    slot
}

/// The first stream of a join or link connection and the request on it. A connection
/// that opens no stream, or sends no request, within [`JOIN_REQUEST_TIMEOUT`] (or sends
/// one that does not parse) is closed with the reason, and gives its slot back: `None`.
pub(crate) async fn take_request<T: for<'de> Deserialize<'de>>(
    conn: &Connection,
) -> Option<(SendStream, RecvStream, T)> {
    let opened = tokio::time::timeout(JOIN_REQUEST_TIMEOUT, async {
        let (send, mut recv) = conn
            .accept_bi()
            .await
            .map_err(|e| NetError::Connect(e.to_string()))?;
        let request = read_message::<T>(&mut recv).await?;
        Ok::<_, NetError>((send, recv, request))
    })
    .await
    .map_err(|_| NetError::Timeout)
    .and_then(|r| r);
    match opened {
        Ok(opened) => Some(opened),
        Err(e) => {
            conn.close(PROTOCOL.into(), e.to_string().as_bytes());
            None
        }
    }
}

/// After an exchange on `conn`: on success, waits for the other side to close (it does
/// once it has read everything); on failure, closes with the error.
pub(crate) async fn finish(conn: &Connection, result: Result<(), NetError>) {
    match result {
        Ok(()) => {
            let _ = tokio::time::timeout(FRAME_TIMEOUT, conn.closed()).await;
        }
        Err(e) => conn.close(PROTOCOL.into(), e.to_string().as_bytes()),
    }
}

/// Sends the whole co-op to a welcomed device, then stores the device's own changes (its
/// binding), and confirms: the welcome of a join, and of each co-op a link hands over.
pub(crate) async fn welcome(
    host: &dyn Host,
    conn: &Connection,
    send: &mut SendStream,
    recv: &mut RecvStream,
    coop: CoopId,
    newcomer: &PublicKey,
) -> Result<(), NetError> {
    let addr = EndpointAddr::new(conn.remote_id());
    // A session with the newcomer opens here; it ends, well or not, when this returns.
    host.connected(newcomer, coop, &addr, path_kind(conn));
    let welcomed = send_and_take(host, send, recv, coop, newcomer).await;
    host.ended(newcomer, coop, &addr, path_kind(conn), welcomed.is_ok());
    welcomed?;
    write_frames(send, &[Frame::Idle]).await
}

/// The welcome's exchange: the whole co-op out, the newcomer's own changes in.
async fn send_and_take(
    host: &dyn Host,
    send: &mut SendStream,
    recv: &mut RecvStream,
    coop: CoopId,
    newcomer: &PublicKey,
) -> Result<(), NetError> {
    let (heads, changes) = host.everything(coop).map_err(|e| NetError::Sync(e.0))?;
    let mut frames = vec![Frame::Heads(heads)];
    frames.extend(change_frames(changes));
    frames.push(Frame::Idle);
    write_frames(send, &frames).await?;
    let mut session = SyncSession::new();
    loop {
        let frame = tokio::time::timeout(FRAME_TIMEOUT, read_frame(recv))
            .await
            .map_err(|_| NetError::Timeout)??;
        match frame {
            Some(frame @ Frame::Changes(_)) => {
                host.incoming(coop, &mut session, frame, newcomer)
                    .map_err(|e| NetError::Sync(e.0))?;
            }
            Some(Frame::Idle) => break,
            _ => return Err(NetError::Sync("expected the newcomer's changes".into())),
        }
    }
    Ok(())
}

/// The welcomed side of [`welcome`]: receives the co-op, hands it to the host, sends back
/// what the host wrote (this device's binding) and waits for the confirmation. Returns
/// how many changes it received.
pub(crate) async fn receive_welcome(
    host: &dyn Host,
    conn: &Connection,
    send: &mut SendStream,
    recv: &mut RecvStream,
    coop: CoopId,
    remote: &PublicKey,
    from: &EndpointAddr,
) -> Result<usize, NetError> {
    let heads = match timed(read_frame(recv)).await? {
        Some(Frame::Heads(heads)) => heads,
        _ => return Err(NetError::Sync("expected the inviter's heads".into())),
    };
    let mut changes = Vec::new();
    loop {
        match timed(read_frame(recv)).await? {
            Some(Frame::Changes(batch)) => changes.extend(batch),
            Some(Frame::Idle) => break,
            _ => return Err(NetError::Sync("expected the co-op's changes".into())),
        }
    }
    let received = changes.len();
    let mine: Vec<RawChange> = host
        .welcomed(coop, heads, changes, remote)
        .map_err(|e| NetError::Sync(e.0))?;
    let mut frames = change_frames(mine);
    frames.push(Frame::Idle);
    write_frames(send, &frames).await?;
    match timed(read_frame(recv)).await? {
        Some(Frame::Idle) => {}
        _ => return Err(NetError::Sync("the inviter did not confirm".into())),
    }
    host.connected(remote, coop, from, path_kind(conn));
    host.ended(remote, coop, from, path_kind(conn), true);
    Ok(received)
}

/// The newcomer's side: dials the inviter, asks, and on a welcome receives the co-op,
/// hands it to the host, and sends back what the host wrote.
pub(crate) async fn join(
    endpoint: &Endpoint,
    host: Arc<dyn Host>,
    inviter: EndpointAddr,
    request: JoinRequest,
) -> Result<JoinOutcome, NetError> {
    let (conn, remote, mut send, mut recv) = open_stream(endpoint, &inviter, JOIN_ALPN).await?;
    let coop = request.coop;
    write_message(&mut send, &request).await?;
    let answer: JoinAnswer = timed(read_message(&mut recv)).await?;
    let outcome = match answer {
        JoinAnswer::Refused { reason } => Err(NetError::Refused(reason)),
        JoinAnswer::Pending { proposal } => Ok(JoinOutcome::Pending { proposal }),
        JoinAnswer::Welcome => {
            let received = receive_welcome(
                host.as_ref(),
                &conn,
                &mut send,
                &mut recv,
                coop,
                &remote,
                &inviter,
            )
            .await?;
            Ok(JoinOutcome::Welcome { received })
        }
    };
    conn.close(0u32.into(), b"done");
    outcome
}

pub(crate) async fn timed<T>(
    read: impl Future<Output = Result<T, NetError>>,
) -> Result<T, NetError> {
    tokio::time::timeout(FRAME_TIMEOUT, read)
        .await
        .map_err(|_| NetError::Timeout)?
}

pub(crate) async fn write_message(
    send: &mut SendStream,
    message: &impl Serialize,
) -> Result<(), NetError> {
    let body = serde_json::to_vec(message).expect("join messages serialize");
    let mut out = (body.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    send.write_all(&out)
        .await
        .map_err(|e| refused_or(e, NetError::Sync))
}

pub(crate) async fn read_message<T: for<'de> Deserialize<'de>>(
    recv: &mut RecvStream,
) -> Result<T, NetError> {
    let mut prefix = [0u8; 4];
    recv.read_exact(&mut prefix)
        .await
        .map_err(|e| refused_or(e, NetError::Sync))?;
    let len = u32::from_be_bytes(prefix) as usize;
    if len > MAX_MESSAGE_BYTES {
        return Err(NetError::Sync(format!(
            "a message of {len} bytes is over the limit"
        )));
    }
    let mut body = vec![0u8; len];
    recv.read_exact(&mut body)
        .await
        .map_err(|e| refused_or(e, NetError::Sync))?;
    serde_json::from_slice(&body).map_err(|e| NetError::Sync(format!("malformed message: {e}")))
}
