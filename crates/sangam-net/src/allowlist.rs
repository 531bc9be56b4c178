//! Refusing unknown devices at the handshake, before any document byte flows.

use std::sync::Arc;

use iroh::endpoint::{AfterHandshakeOutcome, Connection, EndpointHooks, Side};
use sangam_model::PublicKey;

use crate::host::{Host, SYNC_ALPN};

/// QUIC application error code for "this device may not sync here".
pub(crate) const REFUSED: u32 = 403;

pub(crate) struct Allowlist {
    pub(crate) host: Arc<dyn Host>,
}

impl std::fmt::Debug for Allowlist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Allowlist")
    }
}

impl EndpointHooks for Allowlist {
    async fn after_handshake<'a>(&'a self, conn: &'a Connection) -> AfterHandshakeOutcome {
        // Our own dials are to peers we chose; screen what comes in.
        if conn.side() == Side::Client || conn.alpn() != SYNC_ALPN {
            return AfterHandshakeOutcome::Accept;
        }
        let remote = PublicKey::from_bytes(*conn.remote_id().as_bytes());
        // The check takes the home's lock, which a large frame being stored can hold for a
        // second or more: waited for off the runtime, so the endpoint meanwhile still
        // answers every other connection (a member reconnecting lost its connection here).
        if crate::blocking::off_runtime(|| self.host.knows(&remote)) {
            AfterHandshakeOutcome::Accept
        } else {
            AfterHandshakeOutcome::Reject {
                error_code: REFUSED.into(),
                reason: b"unknown device".to_vec(),
            }
        }
    }
}
