//! Phrase tables, one file per language, as plain `const` data.
//!
//! Everything language-specific lives here: weekday and month names, relative-date phrases, the
//! cue phrases that signal an intent, negations and conditions. The matching code never names a
//! word of any language, so adding French, Spanish or Swedish is adding one file with a [`Lang`]
//! and listing it in [`ALL`].
//!
//! Cue patterns are word sequences matched against the lower-cased words of one sentence
//! (punctuation skipped). An element is a word, `pre*` (any word starting with `pre`), `a|b`
//! (alternatives, each may use `*`), `~` (zero to four arbitrary words) or `~~` (zero to eight,
//! for verb-final languages: "wird bis zum 20.11. überwiesen").

use chrono::Weekday;
use nudge_core::dispute::DisputeCategory;

use crate::intent::Intent;
pub use nudge_mail::phrases::Words;

mod de;
mod en;
mod es;
mod fr;
pub mod index;
mod nl;
mod sv;

/// Every language the tables cover. All of them are consulted for every message: customers of a
/// German account often write English, and a phrase of one language rarely means anything else
/// in another. The locale only decides ambiguous numeric dates.
pub const ALL: &[&Lang] = &[&en::EN, &de::DE, &fr::FR, &es::ES, &sv::SV, &nl::NL];

/// A fixed point a phrase names, resolved against "today".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// Today, unless a date follows ("by close of business Friday" is Friday).
    EndOfDay,
    /// Today plus this many days (negative for the past: "yesterday").
    Days(i32),
    /// The last day of the month, `n` months from now ("end of the month", "EOM").
    EndOfMonth(i32),
    /// The first day of the month `n` months from now ("beginning of next month").
    StartOfMonth(i32),
    /// The 15th of the month `n` months from now ("mid-month").
    MidMonth(i32),
    /// The Friday of the week `n` weeks from now ("end of the week", "end of next week").
    EndOfWeek(i32),
    /// The Monday of the week `n` weeks from now ("early next week").
    StartOfWeek(i32),
    /// A whole week `n` weeks from now ("next week"): its working-week end, as a deadline.
    Week(i32),
    /// A whole month `n` months from now ("next month"): its last day, as a deadline.
    Month(i32),
    /// The last day of the year `n` years from now.
    EndOfYear(i32),
    /// A phrase that looks like a date phrase but is not one ("guten Morgen").
    Nothing,
}

/// A unit of a relative duration ("in 10 days", "within 2 weeks").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Day,
    BusinessDay,
    Week,
    Fortnight,
    Month,
}

/// How a weekday name is qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeekdayShift {
    /// "this Friday", "coming Friday": the next occurrence, today included.
    This,
    /// "next Friday": the occurrence in the next calendar week.
    Next,
    /// "last Friday": the most recent one before today.
    Last,
}

/// A phrase that signals an intent, with how strongly.
#[derive(Debug, Clone, Copy)]
pub struct Cue {
    pub pattern: Words,
    pub intent: Intent,
    /// Strength in 0..1; several cues combine as independent evidence.
    pub weight: f32,
    /// For dispute cues: the category the words point to (`None`: a dispute of no stated kind).
    pub category: Option<DisputeCategory>,
}

/// Shorthand for the tables.
pub const fn cue(pattern: Words, intent: Intent, weight: f32) -> Cue {
    Cue {
        pattern,
        intent,
        weight,
        category: None,
    }
}

/// Shorthand for dispute cues of a category.
pub const fn dispute(pattern: Words, category: DisputeCategory, weight: f32) -> Cue {
    Cue {
        pattern,
        intent: Intent::Dispute,
        weight,
        category: Some(category),
    }
}

/// All the tables of one language.
#[derive(Debug)]
pub struct Lang {
    /// BCP 47 primary language subtag.
    pub code: &'static str,
    pub weekdays: &'static [(&'static str, Weekday)],
    /// Month names and abbreviations, with month numbers 1–12. Names that are also common
    /// words ("may", "march") are only taken next to a day number.
    pub months: &'static [(&'static str, u32)],
    /// Month names that are also ordinary words and need a day number next to them.
    pub ambiguous_months: Words,
    /// Fixed phrases ("tomorrow", "end of the month"); the longest match wins.
    pub anchors: &'static [(Words, Anchor)],
    pub weekday_shifts: &'static [(&'static str, WeekdayShift)],
    /// "next week" after a weekday ("Tuesday next week").
    pub next_week: &'static [Words],
    /// Words introducing a duration from now ("in", "within").
    pub within: Words,
    /// Words after a duration meaning "from now" ("from now", "later").
    pub from_now: &'static [Words],
    /// Words after a duration meaning "before now" ("ago").
    pub ago: Words,
    pub units: &'static [(&'static str, Unit)],
    /// Number words ("two", "a couple of").
    pub numbers: &'static [(Words, u32)],
    /// Ordinal words ("first", "twenty-fourth" is "twenty" + "fourth").
    pub ordinals: &'static [(&'static str, u32)],
    /// Filler between a day and a month ("the 4th of December").
    pub of: Words,
    /// "end of" / "Ende" before a month name.
    pub end_of: &'static [Words],
    /// "mid" / "Mitte" before a month name.
    pub mid: &'static [Words],
    /// "beginning of" / "Anfang" before a month name.
    pub start_of: &'static [Words],
    /// Words that negate what follows within a few words.
    pub negations: Words,
    /// Words that make a clause conditional ("until", "once", "unless").
    pub conditions: Words,
    /// Words that put an action in the future ("will"), used to tell "paid" from "will be paid".
    pub future_markers: Words,
    /// Words that put a payment in the past ("paid", "was", "bezahlt"), unless a future marker
    /// stands in the same sentence ("will be paid").
    pub past_markers: Words,
    /// Words that mark a sentence as mail boilerplate (legal disclaimers, "sent from my
    /// phone"): such sentences are not read for intents.
    pub boilerplate: &'static [Words],
    /// Words that make "send the invoice" a request for a *changed* invoice ("send a corrected
    /// invoice"), which is not a copy request.
    pub corrections: Words,
    /// Words saying an invoice is in order ("INV-B is fine"): its reference is then not at
    /// issue, and a dispute elsewhere in the reply does not take it along.
    pub accepted: Words,
    /// Words that make a stated payment plan a withdrawn one ("I'd *hoped* to pay Friday, but
    /// finance has put it on hold"): a promise cue in the same sentence promises nothing.
    pub withdrawn: Words,
    /// Words of a request for internal approval ("Jan, can you *approve* this so we can pay
    /// Friday?"): a forwarded internal chain, not a question to us; the payment it speaks of
    /// depends on the approval.
    pub approvals: Words,
    /// Interrogatives of an information question ("who", "why", "wann"): a question asking
    /// one of them beside other intents is a question of its own, while "Can you check?" is
    /// part of the request it follows.
    pub question_words: Words,
    /// Words before a calendar-week number ("KW 50", "week 50", "v. 50").
    pub week_words: Words,
    /// Words for a recurring payment run ("run", "Zahllauf", "betaalrun").
    pub run_words: Words,
    /// Words saying a payment run was missed ("we *missed* this week's cut-off").
    pub missed: Words,
    /// "after": a payment after an event on a day ("after the board meets on the 10th") is due
    /// on the next working day after it.
    pub after_words: Words,
    /// Words for the receipt of an invoice ("Net 30 from *receipt*", "we *received* it on …").
    pub receipt_words: Words,
    /// "net" in payment terms ("Net 30", "30 Tage netto").
    pub net_words: Words,
    /// Phrases after "until" that make its date the last day away ("bis *einschließlich*",
    /// "t/m", "through"): the person is back on the next working day.
    pub inclusive: &'static [Words],
    /// Common misspellings and chat shorthand, mapped to the word the cues are written in.
    pub spellings: &'static [(&'static str, &'static str)],
    /// Intent cues.
    pub cues: &'static [Cue],
    /// Words after which a date is the day a payment will be made ("pay", "transfer").
    pub pay_words: Words,
    /// Words after which a date is a return from absence ("back", "returning", "zurück").
    pub return_words: Words,
    /// Words after which a date ends an absence ("until", "bis"): weaker than `return_words`.
    pub until_words: Words,
    /// Words that introduce a purchase-order number ("po", "bestellnummer").
    pub po_words: &'static [Words],
    /// Words that introduce an invoice reference ("invoice", "rechnung").
    pub invoice_words: Words,
    /// Words that introduce a number ("no", "number", "nr").
    pub number_words: Words,
}

/// True when `word` matches one pattern element (`word`, `pre*`, `a|b`).
pub fn element_matches(element: &str, word: &str) -> bool {
    element.split('|').any(|alt| match alt.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => alt == word,
    })
}

/// Matches `pattern` at the start of `words`; returns the number of words consumed.
pub fn match_at(pattern: &[&str], words: &[&str]) -> Option<usize> {
    let Some((first, rest)) = pattern.split_first() else {
        return Some(0);
    };
    if *first == "~" || *first == "~~" {
        let max = if *first == "~" { 4 } else { 8 };
        for skip in 0..=max {
            if skip > words.len() {
                break;
            }
            if let Some(n) = match_at(rest, words.get(skip..).unwrap_or(&[])) {
                return Some(skip + n);
            }
        }
        return None;
    }
    let word = words.first()?;
    if element_matches(first, word) {
        match_at(rest, words.get(1..).unwrap_or(&[])).map(|n| n + 1)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match() {
        assert_eq!(
            match_at(
                &["send", "~", "invoice*"],
                &["send", "us", "the", "invoices"]
            ),
            Some(4)
        );
        assert_eq!(
            match_at(
                &["send", "~", "invoice"],
                &["send", "a", "b", "c", "d", "e", "invoice"]
            ),
            None
        );
        assert_eq!(match_at(&["a|b", "c*"], &["b", "cat"]), Some(2));
        assert_eq!(match_at(&["a"], &[]), None);
    }

    #[test]
    fn tables_are_lower_case() {
        for lang in ALL {
            for c in lang.cues {
                for e in c.pattern {
                    assert_eq!(e, e.to_lowercase(), "{e}");
                }
            }
            for (m, n) in lang.months {
                assert_eq!(*m, m.to_lowercase());
                assert!((1..=12).contains(n));
            }
        }
    }
}
