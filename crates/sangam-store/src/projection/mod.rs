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

/// The FTS5 string for one word: a quoted phrase, quotes doubled, so nothing a member
/// types is read as query syntax.
pub(crate) fn phrase(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// The words of a search: those of three characters or more for a trigram index, and the
/// shorter ones (which it cannot find) for `LIKE`.
pub(crate) fn search_words(text: Option<&str>) -> (Vec<&str>, Vec<&str>) {
    text.unwrap_or("")
        .split_whitespace()
        .partition(|w| w.chars().count() >= 3)
}

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
