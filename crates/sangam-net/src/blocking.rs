//! Host calls that block, kept off the async runtime's worker threads.

/// Runs a host call that may take a while (checking a frame of thousands of changes, a
/// sync round over a large document) so that the runtime's other tasks go on meanwhile:
/// QUIC keep-alives, other sessions, a member reconnecting. Without it a busy node could
/// miss its connections' keep-alives and drop them. Inline on a current-thread runtime.
pub(crate) fn off_runtime<R>(f: impl FnOnce() -> R) -> R {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}
