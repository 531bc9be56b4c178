//! A map whose older part stays on disk until something asks for an entry only it holds.
//!
//! A co-op opened from its saved replica holds 100,000 records' places and changes'
//! bookkeeping; one write needs a handful of them (the heads it cites, the authority
//! records its rules read). So the fold's and the replica's large maps are [`Layered`]:
//! the entries placed since opening (and a few pinned from the saved state) are here, and
//! the rest is a [`Far`] part, read whole the first time a lookup needs it. Every read goes
//! through both parts, so a caller sees one map whatever has been read.

use std::hash::Hash;
use std::sync::Arc;

use crate::id::IdMap;

/// The older part of a [`Layered`] map.
pub trait Far<K, V>: Send + Sync {
    /// Every entry of the part (read the first time it is asked for).
    fn map(&self) -> &IdMap<K, V>;
    /// Whether the part may hold `key`, answered without reading it: `false` is certain.
    fn may_hold(&self, key: &K) -> bool;
    /// How many entries the part holds.
    fn len(&self) -> usize;
    /// Whether it holds none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Whether the part has been read.
    fn is_read(&self) -> bool;
}

/// Entries here, over an optional [`Far`] part.
pub struct Layered<K, V> {
    near: IdMap<K, V>,
    far: Option<Arc<dyn Far<K, V>>>,
    /// How many of `near`'s keys the far part holds too (entries pinned from it).
    pinned: usize,
}

impl<K, V> Default for Layered<K, V> {
    fn default() -> Self {
        Self {
            near: IdMap::default(),
            far: None,
            pinned: 0,
        }
    }
}

impl<K: std::fmt::Debug, V> std::fmt::Debug for Layered<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Layered({} here, {} older, {})",
            self.near.len(),
            self.far.as_ref().map_or(0, |far| far.len()),
            if self.far.as_ref().is_some_and(|far| far.is_read()) {
                "read"
            } else {
                "not read"
            }
        )
    }
}

impl<K: Eq + Hash + Copy, V> Layered<K, V> {
    /// An empty map over `far`.
    pub fn over(far: Arc<dyn Far<K, V>>) -> Self {
        Self {
            near: IdMap::default(),
            far: Some(far),
            pinned: 0,
        }
    }

    /// Keeps a copy of `far`'s entry for `key` here, so reading it does not read the far
    /// part. The caller vouches that it equals the far part's entry.
    pub fn pin(&mut self, key: K, value: V) {
        if self.near.insert(key, value).is_none() {
            self.pinned += 1;
        }
    }

    /// Adds an entry the far part does not hold.
    pub fn insert(&mut self, key: K, value: V) {
        debug_assert!(
            !self.far_holds(&key),
            "a layered map's older part is never written to"
        );
        self.near.insert(key, value);
    }

    fn far_holds(&self, key: &K) -> bool {
        self.far
            .as_ref()
            .is_some_and(|far| far.may_hold(key) && far.map().contains_key(key))
    }

    /// The entry for `key`.
    pub fn get(&self, key: &K) -> Option<&V> {
        self.near.get(key).or_else(|| {
            let far = self.far.as_ref()?;
            if far.may_hold(key) {
                far.map().get(key)
            } else {
                None
            }
        })
    }

    /// Whether there is an entry for `key`.
    pub fn contains_key(&self, key: &K) -> bool {
        self.near.contains_key(key) || self.far_holds(key)
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.near.len() + self.far.as_ref().map_or(0, |far| far.len()) - self.pinned
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Room for `more` entries here.
    pub fn reserve(&mut self, more: usize) {
        self.near.reserve(more);
    }

    /// Every entry, in no particular order (reads the far part).
    pub fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        let far = self.far.as_ref().map(|far| far.map());
        let near = self
            .near
            .iter()
            .filter(move |(key, _)| far.is_none_or(|far| !far.contains_key(key)));
        far.into_iter().flatten().chain(near)
    }

    /// The keys held here (placed since opening, and pinned), without reading the far
    /// part.
    pub fn near_keys(&self) -> impl Iterator<Item = &K> {
        self.near.keys()
    }

    /// Every key (reads the far part).
    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.iter().map(|(key, _)| key)
    }

    /// Every value (reads the far part).
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.iter().map(|(_, value)| value)
    }

    /// The values in memory now: those here, and the far part's if it has been read.
    pub fn values_in_memory(&self) -> Box<dyn Iterator<Item = &V> + '_> {
        if self.far_is_read() || self.far.is_none() {
            Box::new(self.values())
        } else {
            Box::new(self.near.values())
        }
    }

    /// Whether a far part is there and has been read.
    pub fn far_is_read(&self) -> bool {
        self.far.as_ref().is_some_and(|far| far.is_read())
    }

    /// Whether there is a far part not read yet.
    pub fn far_is_unread(&self) -> bool {
        self.far.as_ref().is_some_and(|far| !far.is_read())
    }

    /// The entries here, for a map with no far part.
    pub fn into_near(self) -> IdMap<K, V> {
        assert!(
            self.far.is_none(),
            "only a map with no older part is taken apart"
        );
        self.near
    }
}

impl<K: Eq + Hash + Copy, V> std::ops::Index<&K> for Layered<K, V> {
    type Output = V;

    fn index(&self, key: &K) -> &V {
        self.get(key).expect("no entry for the key")
    }
}

/// Which 32-byte keys a set holds, by their first eight bytes, sorted: a far part's
/// [`Far::may_hold`] without reading it. A random key shares a prefix with one of
/// 100,000 held keys about once in 10^14 lookups, and then the far part is read to be sure.
#[derive(Debug, Clone, Default)]
pub struct Prefixes(Box<[u64]>);

impl Prefixes {
    /// The prefixes of `keys`.
    pub fn of<'a>(keys: impl IntoIterator<Item = &'a [u8; 32]>) -> Self {
        let mut prefixes: Vec<u64> = keys.into_iter().map(prefix).collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        Self(prefixes.into())
    }

    /// These prefixes and those of `more`.
    pub fn merged<'a>(&self, more: impl IntoIterator<Item = &'a [u8; 32]>) -> Self {
        let mut prefixes: Vec<u64> = self.0.to_vec();
        prefixes.extend(more.into_iter().map(prefix));
        prefixes.sort_unstable();
        prefixes.dedup();
        Self(prefixes.into())
    }

    /// Read back from [`Prefixes::to_bytes`]; `None` if the bytes are not a sorted list.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if !bytes.len().is_multiple_of(8) {
            return None;
        }
        let prefixes: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
            .collect();
        prefixes
            .windows(2)
            .all(|w| w[0] < w[1])
            .then(|| Self(prefixes.into()))
    }

    /// The prefixes as little-endian bytes, ascending.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.0.iter().flat_map(|p| p.to_le_bytes()).collect()
    }

    /// Whether a key with `key`'s prefix is held.
    pub fn may_hold(&self, key: &[u8; 32]) -> bool {
        self.0.binary_search(&prefix(key)).is_ok()
    }
}

fn prefix(key: &[u8; 32]) -> u64 {
    u64::from_le_bytes(key[..8].try_into().expect("8 bytes"))
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    struct Counted {
        map: OnceLock<IdMap<u8, &'static str>>,
        reads: AtomicUsize,
    }

    impl Far<u8, &'static str> for Counted {
        fn map(&self) -> &IdMap<u8, &'static str> {
            self.map.get_or_init(|| {
                self.reads.fetch_add(1, Ordering::SeqCst);
                [(1, "one"), (2, "two"), (3, "three")].into_iter().collect()
            })
        }
        fn may_hold(&self, key: &u8) -> bool {
            (1..=3).contains(key)
        }
        fn len(&self) -> usize {
            3
        }
        fn is_read(&self) -> bool {
            self.map.get().is_some()
        }
    }

    #[test]
    fn the_far_part_is_read_only_for_what_only_it_holds() {
        let far = Arc::new(Counted {
            map: OnceLock::new(),
            reads: AtomicUsize::new(0),
        });
        let mut map: Layered<u8, &'static str> = Layered::over(far.clone());
        map.pin(3, "three");
        map.insert(4, "four");
        assert_eq!(map.len(), 4);
        assert_eq!(map.get(&3), Some(&"three"));
        assert_eq!(map.get(&4), Some(&"four"));
        assert_eq!(map.get(&9), None);
        assert!(!map.contains_key(&7));
        assert_eq!(map.values_in_memory().count(), 2);
        assert_eq!(far.reads.load(Ordering::SeqCst), 0);
        assert_eq!(map.get(&1), Some(&"one"));
        assert_eq!(far.reads.load(Ordering::SeqCst), 1);
        let mut all: Vec<(u8, &str)> = map.iter().map(|(k, v)| (*k, *v)).collect();
        all.sort();
        assert_eq!(all, vec![(1, "one"), (2, "two"), (3, "three"), (4, "four")]);
        assert_eq!(map.values_in_memory().count(), 4);
        assert_eq!(far.reads.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn prefixes_round_trip_and_refuse_unsorted_bytes() {
        let keys = [[3u8; 32], [1u8; 32], [2u8; 32]];
        let prefixes = Prefixes::of(keys.iter());
        let back = Prefixes::from_bytes(&prefixes.to_bytes()).expect("reads");
        assert!(keys.iter().all(|k| back.may_hold(k)));
        assert!(!back.may_hold(&[4u8; 32]));
        let mut unsorted = prefixes.to_bytes();
        unsorted.rotate_left(8);
        assert!(Prefixes::from_bytes(&unsorted).is_none());
    }
}
