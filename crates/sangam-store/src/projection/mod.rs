//! The projection: tables that mirror a co-op's state as the fold computes it, so screens
//! open without replaying the log. The change log stays the source of truth; the
//! projection is a cache of it that every commit keeps up to date.
//!
//! One submodule per area, each owning its tables and their incremental update: a commit
//! says what changed in each area and only those rows are written, never a co-op's whole
//! table. Three areas are projected: `membership` (the members table), `market` (the
//! listings, with their full-text index) and `books` (the ledger's accounts, entries,
//! postings and balances).

pub(crate) mod books;
pub(crate) mod market;
pub(crate) mod membership;

/// `word` for `LIKE … ESCAPE '\'` anywhere in a text: its own `%`, `_` and `\` match as
/// themselves, so what a member types is never a pattern.
pub(crate) fn like(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 2);
    out.push('%');
    for c in word.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}
