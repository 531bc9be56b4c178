//! Placeholder while the transport is written.
