//! Lookup tables built once from the phrase tables, so that matching costs a hash lookup per
//! word instead of a walk over every table of every language.

use std::collections::HashMap as StdHashMap;
use std::collections::HashSet as StdHashSet;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use chrono::Weekday;

use super::{Cue, Lang, Words, ALL};

/// FNV-1a: the keys are short words, for which SipHash's DoS resistance buys nothing (the
/// keys come from our own tables) and costs a third of the lookup time.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        self.0 = h;
    }
}

type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<Fnv>>;
type HashSet<K> = StdHashSet<K, BuildHasherDefault<Fnv>>;

/// What the tables say about one word.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordInfo {
    pub flags: u32,
    pub month: Option<u32>,
    pub weekday: Option<(Weekday, bool)>,
}

pub const NEGATION: u32 = 1;
pub const CONDITION: u32 = 1 << 1;
pub const FUTURE: u32 = 1 << 2;
pub const PAST: u32 = 1 << 3;
pub const PAY: u32 = 1 << 4;
pub const RETURN: u32 = 1 << 5;
pub const UNTIL: u32 = 1 << 6;
pub const INVOICE: u32 = 1 << 7;
pub const CORRECTION: u32 = 1 << 8;
pub const ACCEPTED: u32 = 1 << 9;
pub const WITHDRAWN: u32 = 1 << 10;
pub const APPROVAL: u32 = 1 << 11;
pub const QUESTION: u32 = 1 << 12;
pub const WEEK: u32 = 1 << 13;
pub const RUN: u32 = 1 << 14;
pub const MISSED: u32 = 1 << 15;
pub const AFTER: u32 = 1 << 16;
pub const RECEIPT: u32 = 1 << 17;
pub const NET: u32 = 1 << 18;
pub const OF: u32 = 1 << 19;
pub const AGO: u32 = 1 << 20;
pub const WITHIN: u32 = 1 << 21;

/// A pattern or phrase split into its elements. The tables keep each as one string (smaller in
/// the wasm, see [`Words`]); matching walks these slices, built once, instead of splitting the
/// string at every attempt (which made classification 3× slower).
pub type Split = Box<[&'static str]>;

/// The multi-word date and sentence phrases of every language, split.
#[derive(Default)]
pub struct Phrases {
    pub next_week: Vec<Split>,
    pub from_now: Vec<Split>,
    pub end_of: Vec<Split>,
    pub mid: Vec<Split>,
    pub start_of: Vec<Split>,
    pub numbers: Vec<(Split, u32)>,
    pub boilerplate: Vec<Split>,
    pub inclusive: Vec<Split>,
}

/// The built tables.
pub struct Index {
    words: HashMap<&'static str, WordInfo>,
    /// Every cue of every language.
    pub cues: Vec<&'static Cue>,
    /// Each cue's pattern (same order as `cues`).
    pub patterns: Vec<Split>,
    /// Multi-word phrases.
    pub phrases: Phrases,
    /// Cues by an exact alternative of their first element.
    by_first: HashMap<&'static str, Vec<usize>>,
    /// Cues whose first element has a prefix alternative (`instal*`).
    by_prefix: Vec<(&'static str, usize)>,
    /// Every word any date table uses: a word outside it cannot start a date phrase.
    date_words: HashSet<&'static str>,
    /// Misspelling → spelling.
    spellings: HashMap<&'static str, &'static str>,
    /// Fixed date phrases by their first word.
    anchors: HashMap<&'static str, Vec<(Split, super::Anchor)>>,
}

static INDEX: LazyLock<Index> = LazyLock::new(build);

/// The tables, built on first use.
pub fn index() -> &'static Index {
    &INDEX
}

/// Picks one word list out of a language's tables.
type WordList = fn(&'static Lang) -> Words;

fn build() -> Index {
    let mut words: HashMap<&'static str, WordInfo> = HashMap::default();
    let mut flag = |list: Words, f: u32| {
        for w in list {
            words.entry(w).or_default().flags |= f;
        }
    };
    // Every single-word list a word is looked up in: one hash lookup per word instead of a
    // walk over each list of each language.
    let lists: [(WordList, u32); 22] = [
        (|l| l.negations, NEGATION),
        (|l| l.conditions, CONDITION),
        (|l| l.future_markers, FUTURE),
        (|l| l.past_markers, PAST),
        (|l| l.pay_words, PAY),
        (|l| l.return_words, RETURN),
        (|l| l.until_words, UNTIL),
        (|l| l.invoice_words, INVOICE),
        (|l| l.corrections, CORRECTION),
        (|l| l.accepted, ACCEPTED),
        (|l| l.withdrawn, WITHDRAWN),
        (|l| l.approvals, APPROVAL),
        (|l| l.question_words, QUESTION),
        (|l| l.week_words, WEEK),
        (|l| l.run_words, RUN),
        (|l| l.missed, MISSED),
        (|l| l.after_words, AFTER),
        (|l| l.receipt_words, RECEIPT),
        (|l| l.net_words, NET),
        (|l| l.of, OF),
        (|l| l.ago, AGO),
        (|l| l.within, WITHIN),
    ];
    for lang in ALL {
        for (get, f) in lists {
            flag(get(lang), f);
        }
    }
    for lang in ALL {
        for (name, m) in lang.months {
            words.entry(name).or_default().month.get_or_insert(*m);
        }
        for (name, d) in lang.weekdays {
            // Abbreviations ("sat", "wed", "sun") are also ordinary words.
            words
                .entry(name)
                .or_default()
                .weekday
                .get_or_insert((*d, name.len() <= 4));
        }
    }
    let cues: Vec<&'static Cue> = ALL.iter().flat_map(|l| l.cues.iter()).collect();
    let mut by_first: HashMap<&'static str, Vec<usize>> = HashMap::default();
    let mut by_prefix = Vec::new();
    for (i, cue) in cues.iter().enumerate() {
        let Some(first) = cue.pattern.iter().next() else {
            continue;
        };
        for alt in first.split('|') {
            match alt.strip_suffix('*') {
                Some(prefix) => by_prefix.push((prefix, i)),
                None => by_first.entry(alt).or_default().push(i),
            }
        }
    }
    let mut date_words: HashSet<&'static str> = HashSet::default();
    let mut anchors: HashMap<&'static str, Vec<(Split, super::Anchor)>> = HashMap::default();
    for lang in ALL {
        date_words.extend(lang.weekdays.iter().map(|(w, _)| *w));
        date_words.extend(lang.months.iter().map(|(w, _)| *w));
        date_words.extend(lang.weekday_shifts.iter().map(|(w, _)| *w));
        date_words.extend(lang.within);
        date_words.extend(lang.ago);
        date_words.extend(lang.ordinals.iter().map(|(w, _)| *w));
        date_words.extend(lang.week_words);
        for list in [
            lang.next_week,
            lang.from_now,
            lang.end_of,
            lang.mid,
            lang.start_of,
        ] {
            date_words.extend(list.iter().filter_map(|p| p.iter().next()));
        }
        date_words.extend(lang.numbers.iter().filter_map(|(p, _)| p.iter().next()));
        for (phrase, anchor) in lang.anchors {
            if let Some(first) = phrase.iter().next() {
                date_words.insert(first);
                anchors
                    .entry(first)
                    .or_default()
                    .push((split(*phrase), *anchor));
            }
        }
    }
    // Words the scanner itself looks for before a number or weekday.
    date_words.extend([
        "the", "am", "zum", "bis", "le", "den", "día", "dia", "el", "this", "coming", "twenty",
        "thirty",
    ]);
    let all = |get: fn(&'static Lang) -> &'static [Words]| -> Vec<Split> {
        ALL.iter()
            .flat_map(|l| get(l).iter().map(|p| split(*p)))
            .collect()
    };
    let phrases = Phrases {
        next_week: all(|l| l.next_week),
        from_now: all(|l| l.from_now),
        end_of: all(|l| l.end_of),
        mid: all(|l| l.mid),
        start_of: all(|l| l.start_of),
        numbers: ALL
            .iter()
            .flat_map(|l| l.numbers.iter().map(|(p, n)| (split(*p), *n)))
            .collect(),
        boilerplate: all(|l| l.boilerplate),
        inclusive: all(|l| l.inclusive),
    };
    Index {
        words,
        patterns: cues.iter().map(|c| split(c.pattern)).collect(),
        phrases,
        cues,
        by_first,
        by_prefix,
        date_words,
        anchors,
        spellings: ALL
            .iter()
            .flat_map(|l| l.spellings.iter().copied())
            .collect(),
    }
}

/// The elements of one table entry.
fn split(words: Words) -> Split {
    words.iter().collect()
}

impl Index {
    /// The spelling the tables use for a common misspelling of `word`.
    pub fn respell<'a>(&self, word: &'a str) -> &'a str {
        self.spellings.get(word).copied().unwrap_or(word)
    }

    /// Fixed date phrases starting with `word`.
    pub fn anchors_for(&self, word: &str) -> &[(Split, super::Anchor)] {
        self.anchors.get(word).map_or(&[], Vec::as_slice)
    }

    /// Whether `word` can start a date phrase.
    pub fn is_date_word(&self, word: &str) -> bool {
        self.date_words.contains(word)
    }

    /// What the tables know about `word` (all flags clear when nothing).
    pub fn word(&self, word: &str) -> WordInfo {
        self.words.get(word).copied().unwrap_or_default()
    }

    /// Whether `word` carries `flag`.
    pub fn is(&self, word: &str, flag: u32) -> bool {
        self.word(word).flags & flag != 0
    }

    /// Indices (into [`Index::cues`]) of cues whose first element can match `word`, in
    /// ascending order.
    pub fn cues_starting_with(&self, word: &str, out: &mut Vec<usize>) {
        out.clear();
        if let Some(list) = self.by_first.get(word) {
            out.extend_from_slice(list);
        }
        out.extend(
            self.by_prefix
                .iter()
                .filter(|(p, _)| word.starts_with(p))
                .map(|(_, i)| *i),
        );
        out.sort_unstable();
        out.dedup();
    }
}
