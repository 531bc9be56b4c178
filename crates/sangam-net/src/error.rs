//! Why the network could not start or a sync failed.

/// Why the network could not start or a sync failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// The endpoint could not bind.
    #[error("could not start networking: {0}")]
    Bind(String),
    /// A peer address that does not parse.
    #[error(
        "{0:?} is not a peer address: paste the whole address the other laptop shows while it serves"
    )]
    BadAddress(String),
    /// A relay URL that does not parse.
    #[error("relay URL {0:?} is not valid")]
    BadRelay(String),
    /// Could not reach the peer.
    #[error("could not connect to the peer: {0}")]
    Connect(String),
    /// The peer refused this device (or this invite).
    #[error("refused: {0}")]
    Refused(String),
    /// The session broke off.
    #[error("sync failed: {0}")]
    Sync(String),
    /// The peer sent nothing for too long.
    #[error("the peer stopped answering")]
    Timeout,
}
