//! Dates that depend on how a customer's payables work rather than on one phrase: calendar
//! weeks ("KW 50"), payment runs ("our runs are on Thursdays; we missed this week's
//! cut-off"), terms counted from receipt ("Net 30 from receipt; we received it on 20
//! November") and payments after an event on a day ("after the board meets on the 10th").
//!
//! Conventions (also in `tests/corpus/README.md`):
//! - a calendar week is its Friday, the end of the working week, like "next week"; a week
//!   number already past this year is next year's;
//! - a payment run named by its weekday is the next such day after today; a missed cut-off
//!   ("we missed this week's run") moves it to the next calendar week's run day;
//! - "Net N from receipt" is the receipt day + N days (a receipt day written without a year
//!   is the latest such day not after today);
//! - "after <event> on <day>" is the next working day after that day.

use chrono::{Datelike, NaiveDate, Weekday};

use super::calendar::{self as cal, DayOrder};
use super::scan::scan;
use super::FoundDate;
use crate::lang::index::{self, index};
use crate::lang::ALL;
use crate::text::{Kind, Token};

fn words_of<'t, 'a>(tokens: &'t [Token<'a>]) -> impl Iterator<Item = (usize, &'a str)> + 't {
    tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| t.kind != Kind::Symbol)
        .map(|(i, t)| (i, t.text))
}

/// The next Monday–Friday after `day`.
pub fn next_working_day(day: NaiveDate) -> Option<NaiveDate> {
    let mut d = day.succ_opt()?;
    while matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
        d = d.succ_opt()?;
    }
    Some(d)
}

/// The Friday of ISO week `week` that is not in the past (this year's, else next year's).
pub fn friday_of_week(week: u32, today: NaiveDate) -> Option<NaiveDate> {
    let this_year = today.iso_week().year();
    [this_year, this_year + 1]
        .into_iter()
        .find_map(|y| NaiveDate::from_isoywd_opt(y, week, Weekday::Fri).filter(|d| *d >= today))
}

/// A week word glued to its number ("kw50", "wk50").
pub(super) fn glued_week(w: &str) -> bool {
    w.find(|c: char| c.is_ascii_digit())
        .is_some_and(|at| at > 0 && index().is(&w[..at], index::WEEK))
}

/// "KW 50", "KW50", "week 50", "wk. 50", "v. 50", "semaine 50": `(date, tokens used)`.
pub(super) fn iso_week(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<(NaiveDate, usize)> {
    let tok = t.get(i)?;
    if tok.kind != Kind::Word {
        return None;
    }
    let is_week_word = |w: &str| index().is(w, index::WEEK);
    // Glued: "kw50", "wk50", "v50".
    let split = tok.text.find(|c: char| c.is_ascii_digit());
    if let Some(at) = split {
        let (head, digits) = tok.text.split_at(at);
        if is_week_word(head) && digits.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = digits.parse().ok()?;
            if !(1..=53).contains(&n) {
                return None;
            }
            return friday_of_week(n, today).map(|d| (d, 1));
        }
        return None;
    }
    if !is_week_word(tok.text) {
        return None;
    }
    let mut j = i + 1;
    if t.get(j).is_some_and(|x| x.is_sym('.')) {
        j += 1;
    }
    let n = t
        .get(j)
        .filter(|x| x.kind == Kind::Number && x.digits <= 2)?;
    if !(1..=53).contains(&n.value) {
        return None;
    }
    // "week 50 of 2027" is rare; "week 50" alone is this (or next) year's.
    friday_of_week(n.value, today).map(|d| (d, j + 1 - i))
}

fn plural_weekday(w: &str) -> Option<Weekday> {
    let singular = w
        .strip_suffix("ar")
        .filter(|s| index().word(s).weekday.is_some())
        .or_else(|| w.strip_suffix('s'))?;
    index()
        .word(singular)
        .weekday
        .filter(|(_, abbreviated)| !abbreviated)
        .map(|(d, _)| d)
}

/// A payment run: a weekday named as the recurring run day ("our runs are on Thursdays",
/// "donnerstags"), or any run weekday when the text says the cut-off was missed. `None`
/// when the text names no run day.
pub fn payment_run(tokens: &[Token<'_>], today: NaiveDate) -> Option<NaiveDate> {
    let missed = missed_run(tokens);
    let runs = words_of(tokens).any(|(_, w)| index().is(w, index::RUN));
    if !missed && !runs {
        return None;
    }
    let day = words_of(tokens).find_map(|(_, w)| plural_weekday(w))?;
    if missed {
        // This week's run is gone: next calendar week's.
        let monday = cal::monday_of_week(today, 1)?;
        cal::add_days(monday, i64::from(day.num_days_from_monday()))
    } else {
        cal::next_weekday(today, day, false)
    }
}

/// The text says this week's payment run was missed.
pub fn missed_run(tokens: &[Token<'_>]) -> bool {
    words_of(tokens).any(|(_, w)| index().is(w, index::MISSED))
}

/// "Net 30 from receipt" with the day the invoice was received: that day + N days.
pub fn from_receipt(tokens: &[Token<'_>], today: NaiveDate, order: DayOrder) -> Option<NaiveDate> {
    let words: Vec<(usize, &str)> = words_of(tokens).collect();
    let receipt_at = |k: usize| {
        words
            .iter()
            .skip(k)
            .take(5)
            .any(|(_, w)| index().is(w, index::RECEIPT))
    };
    // N: right after a "net" word, or before "days" with a receipt word close after it.
    let mut days = None;
    for (k, (ti, w)) in words.iter().enumerate() {
        let net = index().is(w, index::NET);
        let next = tokens.get(ti + 1).filter(|t| t.kind == Kind::Number);
        let glued = w.strip_prefix("net").and_then(|d| d.parse::<u32>().ok());
        if let Some(n) = glued.filter(|_| receipt_at(k)) {
            days = Some(n);
            break;
        }
        if net {
            if let Some(n) = next.filter(|_| receipt_at(k)) {
                days = Some(n.value);
                break;
            }
        }
        let is_days = ALL.iter().any(|l| {
            l.units
                .iter()
                .any(|(u, unit)| *u == *w && *unit == crate::lang::Unit::Day)
        });
        if is_days && k > 0 && receipt_at(k) {
            if let Some(n) = tokens
                .get(ti.saturating_sub(1))
                .filter(|t| t.kind == Kind::Number)
            {
                days = Some(n.value);
                break;
            }
        }
    }
    let days = days.filter(|d| (1..=180).contains(d))?;
    // The receipt day: a date next to a receipt word, read as the latest such day.
    let receipt_word = words
        .iter()
        .filter(|(_, w)| index().is(w, index::RECEIPT))
        .map(|(ti, _)| *ti)
        .collect::<Vec<_>>();
    let found = scan(tokens, today, order);
    let received = found.iter().find(|f| {
        receipt_word.iter().any(|ti| {
            tokens.get(*ti).is_some_and(|t| {
                let near = |a: usize, b: usize| a.abs_diff(b) < 60;
                near(t.end, f.start) || near(f.end, t.start)
            })
        })
    })?;
    let mut day = received.date;
    if day > today {
        day = day.with_year(day.year() - 1)?;
    }
    cal::add_days(day, i64::from(days)).filter(|d| *d >= today)
}

/// A promised day from one date phrase of a sentence: "after … on the 10th" moves it to the
/// next working day after the 10th.
pub fn after_event(sentence: &[Token<'_>], found: &FoundDate) -> NaiveDate {
    // The nearest "after" before the date, with no word of paying in between ("after checking,
    // we will pay on Friday" pays on Friday).
    let before: Vec<&Token<'_>> = sentence
        .iter()
        .filter(|t| t.kind == Kind::Word && t.end <= found.start)
        .collect();
    let after = before
        .iter()
        .rposition(|t| index().is(t.text, index::AFTER))
        .is_some_and(|k| {
            before.len() - k <= 8
                && !before
                    .iter()
                    .skip(k + 1)
                    .any(|t| index().is(t.text, crate::lang::index::PAY))
        });
    if after {
        next_working_day(found.date).unwrap_or(found.date)
    } else {
        found.date
    }
}
