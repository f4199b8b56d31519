//! [`Words`]: a constant list of words or phrases, kept as one string.

/// A list of words or phrases stored as one `&'static str`, one entry per line. Written with
/// [`words!`](crate::words), which reads like the slice literal it replaces.
///
/// Why not `&[&str]`: in the wasm worker every entry of a slice is a pointer and a length,
/// 8 bytes of address data gzip can hardly compress, and the phrase tables of the mail reader
/// and the classifier had ≈ 4,000 entries (≈ 19 KB of the gzipped module, issue 12). One string
/// per list compresses like the text it is. Entries never contain a newline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Words(&'static str);

impl Words {
    /// The empty list.
    pub const EMPTY: Words = Words("");

    /// A list from its entries joined by `\n` (what [`words!`](crate::words) writes).
    pub const fn joined(lines: &'static str) -> Words {
        Words(lines)
    }

    /// The entries, in order.
    pub fn iter(self) -> std::str::SplitTerminator<'static, char> {
        self.0.split_terminator('\n')
    }

    /// Whether `entry` is one of the entries (exactly). One substring search over the joined
    /// list rather than a walk entry by entry: this runs for every word of every message.
    pub fn contains(self, entry: &str) -> bool {
        if entry.is_empty() || entry.contains('\n') {
            return false;
        }
        let list = self.0.as_bytes();
        self.0.match_indices(entry).any(|(at, _)| {
            let starts = at == 0 || list.get(at - 1) == Some(&b'\n');
            let end = at + entry.len();
            starts && (end == list.len() || list.get(end) == Some(&b'\n'))
        })
    }

    /// Whether the list has no entries.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }
}

impl IntoIterator for Words {
    type Item = &'static str;
    type IntoIter = std::str::SplitTerminator<'static, char>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A [`Words`] list from string literals: `words!["net", "within", "in"]`.
#[macro_export]
macro_rules! words {
    () => {
        $crate::phrases::Words::EMPTY
    };
    ($first:expr $(, $rest:expr)* $(,)?) => {
        $crate::phrases::Words::joined(concat!($first $(, "\n", $rest)*))
    };
}

#[cfg(test)]
mod tests {
    use super::Words;

    #[test]
    fn entries_come_back_in_order() {
        let w: Words = crate::words!["end of", "month", "eom",];
        assert_eq!(w.iter().collect::<Vec<_>>(), ["end of", "month", "eom"]);
        assert!(w.contains("month"));
        assert!(!w.contains("end"));
        assert!(!w.contains(""));
        assert!(!w.contains("of"), "a part of an entry is not an entry");
        assert!(!w.contains("end of\nmonth"));
        assert!(w.contains("end of") && w.contains("eom"));
        assert!(!w.is_empty());
    }

    #[test]
    fn the_empty_list_has_no_entries() {
        let w: Words = crate::words![];
        assert_eq!(w.iter().count(), 0);
        assert!(w.is_empty());
        assert!(!w.contains(""));
        assert_eq!(crate::words!["one"].iter().collect::<Vec<_>>(), ["one"]);
    }
}
