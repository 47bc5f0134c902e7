//! A least-recently-used cache with a cap on the bytes its values hold:
//! pictures at the sizes they were drawn at, so scrolling back to a figure
//! costs nothing, and memory stays bounded however many figures an article
//! has.

use std::collections::HashMap;
use std::hash::Hash;

/// Values by key, each with its size in bytes; the least recently used go
/// first when the total passes the cap. A value larger than the cap alone
/// is still kept, until the next one comes.
pub struct Lru<K, V> {
    cap: usize,
    held: usize,
    /// Each value with its bytes and when it was last used.
    entries: HashMap<K, (V, usize, u64)>,
    clock: u64,
}

impl<K: Eq + Hash + Clone, V> Lru<K, V> {
    pub fn new(cap: usize) -> Lru<K, V> {
        Lru {
            cap,
            held: 0,
            entries: HashMap::new(),
            clock: 0,
        }
    }

    /// The value of `key`, now the most recently used.
    pub fn get(&mut self, key: &K) -> Option<&V> {
        self.clock += 1;
        let clock = self.clock;
        let entry = self.entries.get_mut(key)?;
        entry.2 = clock;
        Some(&entry.0)
    }

    /// Keep `value`, of `bytes`, under `key`; older values go while the
    /// total is over the cap.
    pub fn put(&mut self, key: K, value: V, bytes: usize) {
        self.clock += 1;
        if let Some((_, old, _)) = self.entries.insert(key.clone(), (value, bytes, self.clock)) {
            self.held -= old;
        }
        self.held += bytes;
        while self.held > self.cap && self.entries.len() > 1 {
            let Some(oldest) = self
                .entries
                .iter()
                .filter(|(k, _)| **k != key)
                .min_by_key(|(_, (_, _, used))| *used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some((_, b, _)) = self.entries.remove(&oldest) {
                self.held -= b;
            }
        }
    }

    /// The bytes the values hold.
    pub fn held(&self) -> usize {
        self.held
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_go_first_past_the_cap() {
        let mut lru = Lru::new(100);
        lru.put("a", 1, 40);
        lru.put("b", 2, 40);
        // `a` is used, so `b` is the older one.
        assert_eq!(lru.get(&"a"), Some(&1));
        lru.put("c", 3, 40);
        assert_eq!(lru.get(&"b"), None);
        assert_eq!(lru.get(&"a"), Some(&1));
        assert_eq!(lru.get(&"c"), Some(&3));
        assert_eq!(lru.held(), 80);
        // Replacing a value counts its new size only.
        lru.put("a", 4, 10);
        assert_eq!(lru.held(), 50);
        // One value over the cap is kept alone.
        lru.put("huge", 5, 500);
        assert_eq!(lru.len(), 1);
        assert_eq!(lru.get(&"huge"), Some(&5));
        assert_eq!(lru.held(), 500);
    }
}
