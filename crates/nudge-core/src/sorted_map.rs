//! [`SortedMap`]: the small ordered map of the domain types (amounts per currency, a delivery's
//! invoices, a payment's references, metadata).
//!
//! `BTreeMap` compiles its node machinery (search, insert, split, navigate, drop: dozens of
//! functions) once per key/value type; the deployable wasm had 25 of those (issue 12,
//! BENCHMARKS.md "Size"). These maps hold a handful of entries, for which a sorted `Vec` of pairs
//! ([`litemap::LiteMap`], ICU4X's) is as fast and compiles to a few short functions. The wrapper
//! exists for the JSON: LiteMap writes an *empty* map as `[]` (it probes the first key to choose
//! between an object and a list of pairs), while every stored row, API answer and command of
//! Nudge has always been an object. `SortedMap` always writes an object and reads an object
//! (later duplicate keys win, like `BTreeMap`).

use std::fmt;
use std::ops::{Deref, DerefMut};

use litemap::LiteMap;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// An ordered map backed by a sorted `Vec`; derefs to [`LiteMap`] for its API.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SortedMap<K, V>(LiteMap<K, V>);

impl<K, V> SortedMap<K, V> {
    /// An empty map.
    pub const fn new() -> Self {
        SortedMap(LiteMap::new())
    }
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> Deref for SortedMap<K, V> {
    type Target = LiteMap<K, V>;
    fn deref(&self) -> &LiteMap<K, V> {
        &self.0
    }
}

impl<K, V> DerefMut for SortedMap<K, V> {
    fn deref_mut(&mut self) -> &mut LiteMap<K, V> {
        &mut self.0
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = LiteMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        SortedMap(map)
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K, V> IntoIterator for SortedMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_tuple_vec().into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Box<dyn Iterator<Item = (&'a K, &'a V)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.0.iter())
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = LiteMap::new();
                while let Some((k, v)) = access.next_entry()? {
                    map.insert(k, v);
                }
                Ok(SortedMap(map))
            }
        }
        d.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_an_object_even_when_empty_and_keeps_keys_sorted() {
        let empty: SortedMap<String, u32> = SortedMap::new();
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
        let m: SortedMap<String, u32> = [("b".to_string(), 2), ("a".to_string(), 1)].into();
        assert_eq!(serde_json::to_string(&m).unwrap(), r#"{"a":1,"b":2}"#);
    }

    #[test]
    fn reads_an_object_later_duplicates_winning_like_btreemap() {
        let m: SortedMap<String, u32> = serde_json::from_str(r#"{"b":2,"a":1,"b":3}"#).unwrap();
        let b: std::collections::BTreeMap<String, u32> =
            serde_json::from_str(r#"{"b":2,"a":1,"b":3}"#).unwrap();
        assert_eq!(
            m.iter().map(|(k, v)| (k.clone(), *v)).collect::<Vec<_>>(),
            b.into_iter().collect::<Vec<_>>()
        );
        assert!(serde_json::from_str::<SortedMap<String, u32>>("[]").is_err());
    }
}
