//! Identifiers: the [`AccountId`] of a customer account (which also names its Durable Object),
//! and new row ids, time-ordered (sortable by creation) with 80 random bits, like a ULID in hex.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A customer account's id (`stripe:cus_…`, `erp:C-100`): the key of its D1 rows and the name
/// of its Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for AccountId {
    fn from(s: String) -> Self {
        AccountId(s)
    }
}

impl From<&str> for AccountId {
    fn from(s: &str) -> Self {
        AccountId(s.to_string())
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&AccountId> for crate::store::P {
    fn from(id: &AccountId) -> Self {
        crate::store::P::Text(id.0.clone())
    }
}

/// A new id `"{prefix}_{millis:012x}{random:020x}"`. Falls back to a time-only id if the
/// platform's random source fails, which keeps request paths panic-free.
pub fn new_id(prefix: &str, now: DateTime<Utc>) -> String {
    let mut random = [0u8; 10];
    let _ = getrandom::fill(&mut random);
    let millis = now.timestamp_millis().max(0) as u64;
    let mut id = format!("{prefix}_{millis:012x}");
    for b in random {
        id.push_str(&format!("{b:02x}"));
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_differ() {
        let t1 = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let t2 = DateTime::from_timestamp(1_700_000_001, 0).unwrap();
        let a = new_id("msg", t1);
        let b = new_id("msg", t1);
        let c = new_id("msg", t2);
        assert_ne!(a, b);
        assert!(a < c && b < c);
        assert!(a.starts_with("msg_") && a.len() == 4 + 12 + 20);
    }
}
