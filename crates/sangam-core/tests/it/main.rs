//! Integration tests of the use cases over real SQLite homes in temporary directories.

mod books;
mod bundled;
mod events;
mod forks;
mod forms;
mod homes;
mod join;
mod net;
mod nominations;
mod reports;
mod words;
mod writers;

/// The one co-op of a home that holds exactly one.
pub(crate) fn only_coop(home: &sangam_core::Home) -> sangam_model::CoopId {
    let coops = home.coops().expect("coops");
    assert_eq!(coops.len(), 1, "one co-op");
    coops[0].id.parse().expect("co-op id")
}

/// A member or device key from its hex text.
pub(crate) fn pk(text: &str) -> sangam_model::PublicKey {
    text.parse().expect("a key")
}

/// A record id from its hex text.
pub(crate) fn rid(text: &str) -> sangam_model::RecordId {
    text.parse().expect("a record id")
}

/// The TypeScript bindings the desktop imports are those of today's types.
#[test]
fn the_committed_bindings_match_the_types() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(sangam_core::BINDINGS_DIR);
    let write = std::env::var_os("SANGAM_WRITE_BINDINGS").is_some();
    let stale = sangam_core::check_bindings(&dir, write).expect("bindings readable");
    assert!(
        stale.is_empty(),
        "stale TypeScript bindings (run `make bindings` and commit them): {stale:?}"
    );
}
