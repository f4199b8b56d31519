//! Dates in free text, resolved against the day a message was received.
//!
//! [`resolve`] reads one phrase ("next Thursday", "by the 15th", "12/03", "Ende des Monats");
//! [`find`] lists every date phrase in a text with where it stands; [`find_promise`] picks the
//! day a reply says money will be paid. Phrases come from the language tables in
//! [`crate::lang`]; the locale decides only whether `12/03` is month-first (en-US) or
//! day-first (everyone else).
//!
//! Conventions, chosen for a collections agent (a promise is about the future):
//! - a bare weekday is its next occurrence, today included; "next Friday" is the Friday of next
//!   calendar week; "last Friday" the one before today;
//! - a day and month without a year is the nearest such date, leaning to the future;
//! - periods resolve to their last working day, as a deadline: "next week" is next week's Friday,
//!   "next month" and "end of the month" the month's last day, "within 2 weeks" today + 14 days.

mod calendar;
mod scan;

use chrono::NaiveDate;

pub use calendar::DayOrder;

use crate::text::{normalise, sentences, tokenize};

/// A date phrase found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    /// The day it resolves to.
    pub date: NaiveDate,
    /// Byte span of the phrase in the lower-cased text (see [`crate::text::normalise`]).
    pub start: usize,
    pub end: usize,
    /// The phrase itself points to the past ("yesterday", "last Friday", "5 days ago", a past
    /// year), as opposed to a future-leaning phrase that happens to resolve before today.
    pub explicit_past: bool,
}

/// Resolves the first date phrase in `text` relative to `today`; `None` when there is none.
///
/// `locale` is a BCP 47 tag (`en-US`, `en-GB`, `de-DE`, …); it only decides the order of
/// all-numeric dates.
pub fn resolve(text: &str, today: NaiveDate, locale: &str) -> Option<NaiveDate> {
    find(text, today, locale).first().map(|f| f.date)
}

/// Every date phrase in `text`, in order of appearance.
pub fn find(text: &str, today: NaiveDate, locale: &str) -> Vec<FoundDate> {
    let lower = normalise(text);
    let tokens = tokenize(&lower);
    scan::scan(&tokens, today, DayOrder::from_locale(locale))
}

/// The day `text` promises a payment for: the first date, today or later, in a sentence that
/// speaks of paying; `None` when no such date is stated. Negation is not judged here (see
/// [`crate::understand`], which only asks for a date when the promise itself stands).
pub fn find_promise(text: &str, today: NaiveDate, locale: &str) -> Option<NaiveDate> {
    let lower = normalise(text);
    let tokens = tokenize(&lower);
    let order = DayOrder::from_locale(locale);
    sentences(&lower, &tokens).into_iter().find_map(|sentence| {
        let speaks_of_paying = sentence.iter().any(|t| {
            crate::lang::ALL
                .iter()
                .any(|l| l.pay_words.iter().any(|w| *w == t.text))
        });
        if !speaks_of_paying {
            return None;
        }
        scan::scan(sentence, today, order)
            .into_iter()
            .find(|f| f.date >= today && !f.explicit_past)
            .map(|f| f.date)
    })
}

pub(crate) use scan::scan as scan_tokens;

#[cfg(test)]
mod tests;
