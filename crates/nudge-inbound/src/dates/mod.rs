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
pub mod terms;

use chrono::NaiveDate;

pub use calendar::DayOrder;

use crate::lang;
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
/// is neither negated ("we will not pay by Friday"), conditional ("until the credit note
/// arrives") nor about a payment already made ("we paid on 2 November", "paid last Friday").
/// Sentences that speak of paying are read first. `None` when no such date is stated.
pub fn find_promise(text: &str, today: NaiveDate, locale: &str) -> Option<NaiveDate> {
    let lower = normalise(text);
    let tokens = tokenize(&lower);
    let order = DayOrder::from_locale(locale);
    if let Some(d) = whole_text_date(&tokens, today, order) {
        return Some(d);
    }
    let candidates: Vec<(bool, NaiveDate)> = sentences(&lower, &tokens)
        .into_iter()
        .filter_map(|sentence| {
            let words: Vec<&str> = sentence
                .iter()
                .filter(|t| t.kind != crate::text::Kind::Symbol)
                .map(|t| t.text)
                .collect();
            if !promise_may_stand(&words) {
                return None;
            }
            let date = promised_in(sentence, today, order)?;
            let pays = words
                .iter()
                .any(|w| lang::index::index().is(w, lang::index::PAY));
            Some((pays, date))
        })
        .collect();
    candidates
        .iter()
        .find(|(pays, _)| *pays)
        .or_else(|| candidates.first())
        .map(|(_, d)| *d)
}

/// The day a reply's payables routine gives, read from the whole text: a payment run
/// ([`terms::payment_run`]) or terms counted from receipt ([`terms::from_receipt`]).
pub(crate) fn whole_text_date(
    tokens: &[crate::text::Token<'_>],
    today: NaiveDate,
    order: DayOrder,
) -> Option<NaiveDate> {
    terms::payment_run(tokens, today).or_else(|| terms::from_receipt(tokens, today, order))
}

/// The first future date of one sentence, as a promised day ("after the board meets on the
/// 10th" is the next working day after the 10th).
pub(crate) fn promised_in(
    sentence: &[crate::text::Token<'_>],
    today: NaiveDate,
    order: DayOrder,
) -> Option<NaiveDate> {
    let f = scan::scan(sentence, today, order)
        .into_iter()
        .find(|f| f.date >= today && !f.explicit_past)?;
    Some(terms::after_event(sentence, &f))
}

/// A sentence can carry a promise: no negation, no condition, not a payment in the past.
pub(crate) fn promise_may_stand(words: &[&str]) -> bool {
    let tables = lang::index::index();
    let any = |flag| words.iter().any(|w| tables.is(w, flag));
    if any(lang::index::NEGATION) || any(lang::index::CONDITION) {
        return false;
    }
    any(lang::index::FUTURE) || !any(lang::index::PAST)
}

pub(crate) use scan::scan as scan_tokens;

#[cfg(test)]
mod tests;
