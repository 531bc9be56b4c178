//! Naming a co-op, member, proposal, listing, account or entry by the start of its id:
//! one rule for every front end. The whole id, or a prefix of at least [`MIN_PREFIX`]
//! hex characters that only one of them starts with (any case). A shorter prefix is
//! refused even when it is unique today: a ballot cast with `a` could land on another
//! proposal once one more starts with it.

use sangam_model::{CoopId, PublicKey, RecordId};

use crate::node::Node;
use crate::problem::{ProblemKey, Thing, problem};
use crate::{ApiError, Home};

/// The fewest hex characters that name something by prefix.
pub const MIN_PREFIX: usize = 4;

/// The one of `candidates` (hex id, value) whose id starts with `text`, a `what` ("a
/// proposal") named by its id or its id's start.
pub(crate) fn pick<T>(
    text: &str,
    candidates: impl IntoIterator<Item = (String, T)>,
    what: Thing,
) -> Result<T, ApiError> {
    let prefix = text.trim().to_lowercase();
    if prefix.len() < MIN_PREFIX || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(problem(ProblemKey::PrefixTooShort)
            .about(what)
            .with("min", MIN_PREFIX)
            .with("text", text.trim())
            .into());
    }
    let mut found = candidates
        .into_iter()
        .filter(|(id, _)| id.starts_with(&prefix))
        .map(|(_, value)| value);
    match (found.next(), found.next()) {
        (Some(one), None) => Ok(one),
        (None, _) => Err(problem(ProblemKey::NoSuchPrefix)
            .about(what)
            .with("text", prefix)
            .into()),
        (Some(_), Some(_)) => Err(problem(ProblemKey::SeveralWithPrefix)
            .about(what)
            .with("text", prefix)
            .into()),
    }
}

impl Node {
    /// A proposal of `coop` by id or prefix (the fold's, so no tally is counted).
    pub(crate) fn find_proposal(&mut self, coop: CoopId, text: &str) -> Result<RecordId, ApiError> {
        let fold = self.replica(coop)?.fold();
        let ids = fold
            .proposals()
            .map(|(p, _)| (p.record.id().to_string(), p.record.id()));
        pick(text, ids, Thing::Proposal)
    }
}

impl Home {
    /// A co-op of this home by id or prefix.
    pub fn find_coop(&self, text: &str) -> Result<CoopId, ApiError> {
        let ids = self
            .node()
            .store()
            .coops()?
            .into_iter()
            .map(|row| (row.id.to_string(), row.id));
        pick(text, ids, Thing::Coop)
    }

    /// A member of `coop` by key or prefix. A whole key is taken as it is, member or not
    /// yet (a newcomer being admitted).
    pub fn find_member(&self, coop: CoopId, text: &str) -> Result<PublicKey, ApiError> {
        if let Ok(key) = text.trim().parse::<PublicKey>() {
            return Ok(key);
        }
        let members = self.node().state(coop)?.members;
        let keys = members.iter().map(|m| (m.key.to_string(), m.key));
        pick(text, keys, Thing::Member)
    }

    /// A proposal of `coop` by id or prefix.
    pub fn find_proposal(&self, coop: CoopId, text: &str) -> Result<RecordId, ApiError> {
        self.node().find_proposal(coop, text)
    }

    /// A marketplace listing of `coop` by id or prefix.
    pub fn find_listing(&self, coop: CoopId, text: &str) -> Result<RecordId, ApiError> {
        let mut node = self.node();
        let fold = node.replica(coop)?.fold();
        let ids = fold
            .listings()
            .into_iter()
            .map(|l| (l.id.to_string(), l.id));
        pick(text, ids, Thing::Listing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    fn ids() -> Vec<(String, u8)> {
        vec![
            ("abcd1234".into(), 1),
            ("abce5678".into(), 2),
            ("ff001122".into(), 3),
        ]
    }

    #[test]
    fn a_unique_prefix_of_four_or_more_names_one() {
        assert_eq!(pick("abcd", ids(), Thing::Entry).expect("unique"), 1);
        assert_eq!(pick(" ABCE56 ", ids(), Thing::Entry).expect("any case"), 2);
        assert_eq!(pick("ff001122", ids(), Thing::Entry).expect("whole"), 3);
    }

    #[test]
    fn short_ambiguous_unknown_and_non_hex_names_are_refused_each_with_its_code() {
        let code = |text: &str| pick(text, ids(), Thing::Entry).expect_err(text).code;
        // Unique today ("f"), but too short to stay so.
        assert_eq!(code("f"), ErrorCode::InvalidInput);
        assert_eq!(code("ff0"), ErrorCode::InvalidInput);
        assert_eq!(code(""), ErrorCode::InvalidInput);
        assert_eq!(code("zzzz"), ErrorCode::InvalidInput);
        assert_eq!(code("abc1"), ErrorCode::NotFound);
        let err = pick("abc", ids(), Thing::Entry).expect_err("short");
        assert!(
            err.message.contains("first 4 hex characters"),
            "{}",
            err.message
        );
        let two = vec![("abcd1".to_owned(), 1), ("abcd2".to_owned(), 2)];
        let err = pick("abcd", two, Thing::Entry).expect_err("two");
        assert_eq!(err.code, ErrorCode::Ambiguous);
    }
}
