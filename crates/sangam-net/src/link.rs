//! The link protocol (`sangam/link/1`): a member's new laptop, holding a link ticket from
//! one of the member's laptops, receives the member key and every co-op that laptop holds,
//! and binds its own device in each.
//!
//! The new laptop dials the endpoint id named in the (signed) ticket, so the secret, and
//! the member key that answers it, only ever travel encrypted between those two devices.
//! One bidirectional stream:
//! ```text
//! new laptop -> member's laptop  request  {secret}                          (JSON, length-prefixed)
//! member's laptop -> new laptop  answer   welcome {member, name, coops} | refused
//! then for each co-op in `coops`, in order: the welcome of the join protocol
//! (the co-op's heads and changes out, the new device's binding back, Idle)
//! ```
//! The member's laptop takes the ticket's one use before it answers, so a ticket opens one
//! link at most, even if the connection then breaks.

use std::sync::Arc;

use iroh::endpoint::Connection;
use iroh::protocol::{AcceptError, ProtocolHandler};
use iroh::{Endpoint, EndpointAddr};
use sangam_model::PublicKey;

use crate::error::NetError;
use crate::host::Host;
use crate::join::{
    finish, read_message, receive_welcome, take_request, take_slot, timed, welcome, write_message,
};
use crate::messages::{LinkAnswer, LinkOutcome, LinkRequest};
use crate::session::open_stream;

/// The ALPN of the link protocol.
pub const LINK_ALPN: &[u8] = b"sangam/link/1";

pub(crate) struct LinkProtocol {
    pub(crate) host: Arc<dyn Host>,
    /// Shared with the join protocol: anyone may dial either.
    pub(crate) slots: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for LinkProtocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkProtocol")
    }
}

impl ProtocolHandler for LinkProtocol {
    async fn accept(&self, conn: Connection) -> Result<(), AcceptError> {
        let Some(_slot) = take_slot(&self.slots, &conn) else {
            return Ok(());
        };
        let device = PublicKey::from_bytes(*conn.remote_id().as_bytes());
        let Some((mut send, mut recv, request)) = take_request::<LinkRequest>(&conn).await else {
            return Ok(());
        };
        let answer = self.host.link(&request.secret, &device);
        let result = async {
            write_message(&mut send, &answer).await?;
            if let LinkAnswer::Welcome { coops, .. } = &answer {
                for coop in coops {
                    welcome(
                        self.host.as_ref(),
                        &conn,
                        &mut send,
                        &mut recv,
                        *coop,
                        &device,
                    )
                    .await?;
                }
            }
            let _ = send.finish();
            Ok::<(), NetError>(())
        }
        .await;
        finish(&conn, result).await;
        Ok(())
    }
}

/// The new laptop's side: dials the member's laptop, proves the ticket, takes on the
/// identity it answers with, and receives each co-op.
pub(crate) async fn link(
    endpoint: &Endpoint,
    host: Arc<dyn Host>,
    from: EndpointAddr,
    request: LinkRequest,
) -> Result<LinkOutcome, NetError> {
    let (conn, remote, mut send, mut recv) = open_stream(endpoint, &from, LINK_ALPN).await?;
    write_message(&mut send, &request).await?;
    let answer: LinkAnswer = timed(read_message(&mut recv)).await?;
    let outcome = match answer {
        LinkAnswer::Refused { reason } => Err(NetError::Refused(reason)),
        LinkAnswer::Welcome {
            member,
            name,
            coops,
        } => {
            host.linked(&member, &name)
                .map_err(|e| NetError::Refused(e.0))?;
            let mut received = Vec::with_capacity(coops.len());
            for coop in coops {
                let n = receive_welcome(
                    host.as_ref(),
                    &conn,
                    &mut send,
                    &mut recv,
                    coop,
                    &remote,
                    &from,
                )
                .await?;
                received.push((coop, n));
            }
            Ok(LinkOutcome { coops: received })
        }
    };
    conn.close(0u32.into(), b"done");
    outcome
}
