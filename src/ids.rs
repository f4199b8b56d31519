//! Identifiers: time-ordered (sortable by creation) with 80 random bits, like a ULID in hex.

use chrono::{DateTime, Utc};

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
