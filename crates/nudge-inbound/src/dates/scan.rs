//! The date scanner: at each token, every phrase shape is tried and the longest match wins.

use chrono::{Datelike, NaiveDate, Weekday};

use super::calendar::{self as cal, DayOrder};
use super::FoundDate;
use crate::lang::index::{self, index, Split};
use crate::lang::{Anchor, Unit, WeekdayShift, ALL};
use crate::text::{Kind, Token};

/// A match at one position: the date (`None` for phrases that only block others, like
/// "guten Morgen"), how many tokens it spans and whether it points to the past by itself.
#[derive(Debug, Clone, Copy)]
struct Hit {
    date: Option<NaiveDate>,
    len: usize,
    past: bool,
}

impl Hit {
    fn new(date: Option<NaiveDate>, len: usize) -> Option<Hit> {
        date.map(|d| Hit {
            date: Some(d),
            len,
            past: false,
        })
    }
    fn past(mut self) -> Hit {
        self.past = true;
        self
    }
}

/// Every date phrase in `tokens`, in order.
pub fn scan(tokens: &[Token<'_>], today: NaiveDate, order: DayOrder) -> Vec<FoundDate> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let Some(hit) = best_at(tokens, i, today, order) else {
            i += 1;
            continue;
        };
        let len = hit.len.max(1);
        if let (Some(date), Some(first), Some(last)) =
            (hit.date, tokens.get(i), tokens.get(i + len - 1))
        {
            out.push(FoundDate {
                date,
                start: first.start,
                end: last.end,
                explicit_past: hit.past,
            });
        }
        i += len;
    }
    out
}

fn best_at(t: &[Token<'_>], i: usize, today: NaiveDate, order: DayOrder) -> Option<Hit> {
    if is_time(t, i) {
        return None;
    }
    // Most words cannot start a date phrase: skip them without trying every shape.
    if t.get(i).is_some_and(|tok| {
        tok.kind == Kind::Word
            && !index().is_date_word(tok.text)
            && !super::terms::glued_week(tok.text)
    }) {
        return None;
    }
    let candidates = [
        iso(t, i, today),
        numeric(t, i, today, order),
        day_month(t, i, today),
        month_day(t, i, today),
        month_period(t, i, today),
        anchor(t, i, today),
        weekday(t, i, today, order),
        duration(t, i, today),
        day_of_month(t, i, today),
        super::terms::iso_week(t, i, today).and_then(|(d, len)| Hit::new(Some(d), len)),
    ];
    let mut best: Option<Hit> = None;
    for hit in candidates.into_iter().flatten() {
        if best.is_none_or(|b| hit.len > b.len) {
            best = Some(hit);
        }
    }
    best
}

// ---------------------------------------------------------------- token helpers

fn word<'a>(t: &[Token<'a>], i: usize) -> Option<&'a str> {
    t.get(i)
        .filter(|tok| tok.kind != Kind::Symbol)
        .map(|tok| tok.text)
}

fn sym(t: &[Token<'_>], i: usize, c: char) -> bool {
    t.get(i).is_some_and(|tok| tok.is_sym(c))
}

/// A number token with at most `max_digits` digits.
fn number(t: &[Token<'_>], i: usize, max_digits: usize) -> Option<(u32, usize)> {
    t.get(i)
        .filter(|tok| tok.kind == Kind::Number && tok.digits <= max_digits)
        .map(|tok| (tok.value, tok.digits))
}

/// `10:30`, `5pm`, `17 uhr`: a time of day, never a date.
fn is_time(t: &[Token<'_>], i: usize) -> bool {
    if number(t, i, 2).is_none() {
        return false;
    }
    let next_adjacent = t.get(i + 1).is_some_and(|n| !n.space_before);
    (sym(t, i + 1, ':') && next_adjacent && number(t, i + 2, 2).is_some())
        || matches!(
            word(t, i + 1),
            Some("am" | "pm" | "uhr" | "h" | "a.m" | "p.m" | "o'clock")
        )
}

/// Matches a word phrase from `i`, allowing `-` between words ("month-end", "mid-December").
fn phrase(t: &[Token<'_>], i: usize, words: &[&str]) -> Option<usize> {
    let mut j = i;
    for (k, w) in words.iter().enumerate() {
        if k > 0 && sym(t, j, '-') {
            j += 1;
        }
        if word(t, j)? != *w {
            return None;
        }
        j += 1;
    }
    Some(j - i)
}

/// The longest phrase of a list matching at `i`.
fn longest(t: &[Token<'_>], i: usize, phrases: &[Split]) -> Option<usize> {
    phrases.iter().filter_map(|p| phrase(t, i, p)).max()
}

fn month_of(w: &str) -> Option<(u32, bool)> {
    let w = w.trim_end_matches('.');
    index().word(w).month.map(|m| (m, false))
}

fn weekday_of(w: &str) -> Option<(Weekday, bool)> {
    index().word(w).weekday
}

fn is_currency(tok: &Token<'_>) -> bool {
    matches!(
        tok.text,
        "€" | "$"
            | "£"
            | "¥"
            | "eur"
            | "usd"
            | "gbp"
            | "chf"
            | "sek"
            | "nok"
            | "dkk"
            | "cad"
            | "aud"
            | "jpy"
            | "pln"
            | "czk"
            | "euro"
            | "euros"
            | "dollars"
            | "kr"
            | "sfr"
    )
}

/// A day of the month: `4`, `4th`, `4.`, `fourth`, `twenty-fourth`. Returns (day, tokens).
fn day_at(t: &[Token<'_>], i: usize) -> Option<(u32, usize)> {
    let tok = t.get(i)?;
    let (day, mut len) = match tok.kind {
        Kind::Ordinal => (tok.value, 1),
        Kind::Number if tok.digits <= 2 => (tok.value, 1),
        Kind::Word => ordinal_word(t, i)?,
        _ => return None,
    };
    // Swedish ordinal: "15:e".
    if tok.kind == Kind::Number && sym(t, i + 1, ':') && matches!(word(t, i + 2), Some("e" | "a")) {
        len += 2;
    }
    // German ordinal dot: "4. Dezember".
    if tok.kind == Kind::Number
        && sym(t, i + 1, '.')
        && t.get(i + 1).is_some_and(|d| !d.space_before)
    {
        len += 1;
    }
    (1..=31).contains(&day).then_some((day, len))
}

fn ordinal_word(t: &[Token<'_>], i: usize) -> Option<(u32, usize)> {
    let w = word(t, i)?;
    let simple = |w: &str| {
        ALL.iter()
            .find_map(|l| l.ordinals.iter().find(|(n, _)| *n == w).map(|(_, v)| *v))
    };
    if let Some(v) = simple(w) {
        return Some((v, 1));
    }
    let tens = match w {
        "twenty" => 20,
        "thirty" => 30,
        _ => return None,
    };
    let j = if sym(t, i + 1, '-') { i + 2 } else { i + 1 };
    let unit = simple(word(t, j)?)?;
    (unit < 10).then_some((tens + unit, j + 1 - i))
}

/// An optional year after a date: `, 2026`, `2026`, `'26`, `96`.
fn year_at(t: &[Token<'_>], i: usize) -> Option<(i32, usize)> {
    let mut j = i;
    if sym(t, j, ',') {
        j += 1;
    }
    if sym(t, j, '\'') {
        j += 1;
    }
    let tok = t.get(j)?;
    if tok.kind != Kind::Number {
        return None;
    }
    // A two-digit number right after a day could be a time or a count; only take it as a
    // year when it cannot be a day.
    if tok.digits == 2 && tok.value <= 31 && !t.get(j - 1).is_some_and(|p| p.is_sym('\'')) {
        return None;
    }
    if is_time(t, j) {
        return None;
    }
    let year = cal::expand_year(tok.value, tok.digits)?;
    Some((year, j + 1 - i))
}

/// A date with an explicit year: past when before today.
fn dated(year: i32, month: u32, day: u32, len: usize, today: NaiveDate) -> Option<Hit> {
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let hit = Hit::new(Some(date), len)?;
    Some(if date < today { hit.past() } else { hit })
}

// ---------------------------------------------------------------- shapes

/// `2026-12-03`, `2026/12/03`, `2026.12.03` (and `2024-13-01` read as year-day-month).
fn iso(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let (y, _) = number(t, i, 4).filter(|(_, d)| *d == 4)?;
    // "2012/Aug/10", "2018 March 18".
    let year = i32::try_from(y).ok()?;
    let (m_at, sep) = if sym(t, i + 1, '/') || sym(t, i + 1, '-') {
        (i + 2, true)
    } else {
        (i + 1, false)
    };
    if let Some((month, _)) = word(t, m_at).and_then(month_of) {
        let d_at = if sep && (sym(t, m_at + 1, '/') || sym(t, m_at + 1, '-')) {
            m_at + 2
        } else {
            m_at + 1
        };
        if let Some((day, n)) = day_at(t, d_at) {
            return dated(year, month, day, d_at + n - i, today);
        }
    }
    let sep = t.get(i + 1)?.text;
    if !matches!(sep, "-" | "/" | ".") || !sym(t, i + 3, sep.chars().next()?) {
        return None;
    }
    let (a, _) = number(t, i + 2, 2)?;
    let (b, _) = number(t, i + 4, 2)?;
    let year = i32::try_from(y).ok()?;
    let (m, d) = if a > 12 && b <= 12 { (b, a) } else { (a, b) };
    dated(year, m, d, 5, today)
}

/// `12/03`, `12/03/2026`, `3.12.`, `3.12.2026`, `03-12-2026`.
fn numeric(t: &[Token<'_>], i: usize, today: NaiveDate, order: DayOrder) -> Option<Hit> {
    let (a, _) = number(t, i, 2)?;
    let sep_tok = t.get(i + 1)?;
    let sep = sep_tok.text;
    if !matches!(sep, "/" | "." | "-") || sep_tok.space_before {
        return None;
    }
    let second = t.get(i + 2)?;
    if second.space_before {
        return None;
    }
    let (b, _) = number(t, i + 2, 2)?;
    // Amounts: "€ 12.03", "12.50 EUR", "4.800,00".
    if i > 0 && t.get(i - 1).is_some_and(is_currency) {
        return None;
    }
    let sep_char = sep.chars().next()?;
    let mut len = 3;
    let mut year = None;
    if sym(t, i + 3, sep_char) && t.get(i + 3).is_some_and(|s| !s.space_before) {
        if let Some(y) = t
            .get(i + 4)
            .filter(|y| y.kind == Kind::Number && !y.space_before && matches!(y.digits, 2 | 4))
        {
            year = Some(cal::expand_year(y.value, y.digits)?);
            len = 5;
        } else if sep == "." {
            // "3.12." with the closing dot of German dates.
            len = 4;
        } else {
            return None;
        }
    }
    if let Some(next) = t.get(i + len) {
        let decimals = next.is_sym(',')
            && !next.space_before
            && t.get(i + len + 1)
                .is_some_and(|d| d.kind == Kind::Number && !d.space_before);
        if is_currency(next) || decimals {
            return None;
        }
    }
    // Dashes without a year are ranges ("10-22") more often than dates.
    if sep == "-" && year.is_none() {
        return None;
    }
    if sep == "." && year.is_none() && len == 3 {
        // "3.12" without the closing dot: accept only day-month shapes, not decimals like 1.5.
        if second.digits != 2 && a > 12 {
            return None;
        }
    }
    let (d, m) = match (sep, order) {
        (".", _) | (_, DayOrder::DayFirst) => (a, b),
        (_, DayOrder::MonthFirst) => (b, a),
    };
    // Impossible in the locale's order but valid the other way round ("25/12" in en-US).
    let (d, m) = if m > 12 && d <= 12 && sep != "." {
        (m, d)
    } else {
        (d, m)
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    match year {
        Some(y) => dated(y, m, d, len, today),
        None => Hit::new(cal::infer_year(today, m, d), len),
    }
}

/// `4 December`, `4th of December`, `4. Dezember 2026`, `3rd Feb 82`.
fn day_month(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let (day, mut j) = day_at(t, i)?;
    j += i;
    // A range of days ("10 - 22 August", "eighth to eleventh May"): the first day counts.
    if sym(t, j, '-')
        || matches!(
            word(t, j),
            Some("to" | "till" | "until" | "bis" | "au" | "al")
        )
    {
        if let Some((_, n)) = day_at(t, j + 1) {
            if month_of(word(t, j + 1 + n).unwrap_or("")).is_some()
                || matches!(word(t, j + 1 + n), Some("of"))
            {
                j += 1 + n;
            }
        }
    }
    while let Some(w) = word(t, j) {
        if index().is(w, index::OF) {
            j += 1;
        } else {
            break;
        }
    }
    if sym(t, j, '-') {
        // "4-Dec"
        j += 1;
    }
    let (month, _) = month_of(word(t, j)?)?;
    j += 1;
    if sym(t, j, '.') && !t.get(j).is_some_and(|s| s.space_before) {
        j += 1;
    }
    finish(t, i, j, month, day, today)
}

/// `Dec 3rd`, `December 3, 2026`, `Mar. 6, 2016`, `March, 6th 2016`.
fn month_day(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let (month, _) = month_of(word(t, i)?)?;
    let mut j = i + 1;
    if sym(t, j, '.') {
        j += 1;
    }
    if sym(t, j, ',') {
        j += 1;
    }
    if word(t, j) == Some("the") {
        j += 1;
    }
    let (day, len) = day_at(t, j)?;
    // "Dec 2026" is a month of a year, and "May 10:00" a time.
    if is_time(t, j) {
        return None;
    }
    j += len;
    finish(t, i, j, month, day, today)
}

fn finish(
    t: &[Token<'_>],
    i: usize,
    j: usize,
    month: u32,
    day: u32,
    today: NaiveDate,
) -> Option<Hit> {
    match year_at(t, j) {
        Some((year, ylen)) => dated(year, month, day, j + ylen - i, today),
        None => Hit::new(cal::infer_year(today, month, day), j - i),
    }
}

/// `end of December`, `mid-December`, `Anfang Januar`, `Ende Dez. 2026`.
fn month_period(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    #[derive(Clone, Copy)]
    enum Part {
        Start,
        Mid,
        End,
    }
    let options = [
        (Part::End, longest(t, i, &index().phrases.end_of)),
        (Part::Mid, longest(t, i, &index().phrases.mid)),
        (Part::Start, longest(t, i, &index().phrases.start_of)),
    ];
    let (part, len) = options
        .into_iter()
        .filter_map(|(p, l)| l.map(|l| (p, l)))
        .max_by_key(|(_, l)| *l)?;
    let mut j = i + len;
    if sym(t, j, '-') {
        j += 1;
    }
    let (month, _) = month_of(word(t, j)?)?;
    j += 1;
    if sym(t, j, '.') {
        j += 1;
    }
    let day_in = |year: i32| -> Option<u32> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        Some(match part {
            Part::Start => 1,
            Part::Mid => 15,
            Part::End => cal::end_of_month(first, 0)?.day(),
        })
    };
    if let Some((year, ylen)) = year_at(t, j) {
        return dated(year, month, day_in(year)?, j + ylen - i, today);
    }
    let date = cal::infer_year(today, month, day_in(today.year())?)?;
    // The inferred year may differ (e.g. February in a leap year): recompute the day in it.
    let date = NaiveDate::from_ymd_opt(date.year(), month, day_in(date.year())?)?;
    Hit::new(Some(date), j - i)
}

/// Fixed phrases of the tables: "tomorrow", "end of the month", "EOM", "nächste Woche".
fn anchor(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let (len, anchor) = index()
        .anchors_for(word(t, i)?)
        .iter()
        .filter_map(|(words, a)| phrase(t, i, words).map(|n| (n, *a)))
        .max_by_key(|(n, _)| *n)?;
    let date = match anchor {
        Anchor::Nothing => {
            return Some(Hit {
                date: None,
                len,
                past: false,
            })
        }
        Anchor::Days(n) => cal::add_days(today, i64::from(n)),
        Anchor::EndOfDay => {
            let mut j = i + len;
            while matches!(word(t, j), Some("on" | "of" | "this" | "the")) || sym(t, j, ',') {
                j += 1;
            }
            let dated_next = weekday(t, j, today, DayOrder::DayFirst).is_some()
                || day_month(t, j, today).is_some()
                || month_day(t, j, today).is_some()
                || numeric(t, j, today, DayOrder::DayFirst).is_some()
                || self::anchor(t, j, today).is_some_and(|h| h.date.is_some());
            if dated_next {
                return Some(Hit {
                    date: None,
                    len,
                    past: false,
                });
            }
            Some(today)
        }
        Anchor::EndOfMonth(n) | Anchor::Month(n) => cal::end_of_month(today, n),
        Anchor::StartOfMonth(n) => cal::start_of_month(today, n),
        Anchor::MidMonth(n) => cal::start_of_month(today, n).and_then(|d| d.with_day(15)),
        Anchor::EndOfWeek(n) | Anchor::Week(n) => {
            let friday = cal::add_days(cal::monday_of_week(today, n)?, 4)?;
            Some(friday.max(today))
        }
        Anchor::StartOfWeek(n) => cal::monday_of_week(today, n),
        Anchor::EndOfYear(n) => NaiveDate::from_ymd_opt(today.year() + n, 12, 31),
    };
    let hit = Hit::new(date, len)?;
    Some(if matches!(anchor, Anchor::Days(n) if n < 0) {
        hit.past()
    } else {
        hit
    })
}

/// `Friday`, `next Thursday`, `this coming Monday`, `last Friday`, `Tuesday next week`,
/// `nächsten Freitag`.
fn weekday(t: &[Token<'_>], i: usize, today: NaiveDate, order: DayOrder) -> Option<Hit> {
    let mut j = i;
    let mut shift = None;
    let mut next_week = false;
    if let Some(n) = longest(t, j, &index().phrases.next_week) {
        next_week = true;
        j += n;
    } else {
        if word(t, j) == Some("this") && word(t, j + 1) == Some("coming") {
            j += 1;
        }
        if let Some(w) = word(t, j) {
            if let Some(s) = ALL
                .iter()
                .find_map(|l| l.weekday_shifts.iter().find(|(n, _)| *n == w))
            {
                shift = Some(s.1);
                j += 1;
            }
        }
    }
    let (day, abbreviated) = weekday_of(word(t, j)?)?;
    let introduced = shift.is_some()
        || next_week
        || (i > 0
            && matches!(
                word(t, i - 1),
                Some("on" | "by" | "until" | "till" | "before" | "am" | "bis")
            ));
    if abbreviated && !introduced && !sym(t, j + 1, '.') && !sym(t, j + 1, ',') {
        return None;
    }
    j += 1;
    if sym(t, j, '.') {
        j += 1;
    }
    // "Tuesday, 10 January": the weekday only names the date that follows.
    let mut after = if sym(t, j, ',') { j + 1 } else { j };
    if matches!(
        word(t, after),
        Some("the" | "dem" | "den" | "der" | "le" | "el" | "il")
    ) {
        after += 1;
    }
    if numeric(t, after, today, order).is_some()
        || day_month(t, after, today).is_some()
        || month_day(t, after, today).is_some()
    {
        return None;
    }
    // Qualifiers after the weekday: "lunes pasado", "vendredi dernier", "lundi prochain".
    if shift.is_none() && !next_week {
        if let Some(w) = word(t, after) {
            let post = ALL
                .iter()
                .find_map(|l| l.weekday_shifts.iter().find(|(n, _)| *n == w))
                .map(|s| s.1)
                .or(match w {
                    "pasado" | "passé" | "dernier" => Some(WeekdayShift::Last),
                    _ => None,
                });
            if post == Some(WeekdayShift::Last) {
                shift = post;
                j = after + 1;
            }
        }
    }
    // "Friday the 27th": the day of the month that falls on that weekday.
    if shift.is_none() && !next_week {
        let k = if word(t, after) == Some("the") {
            after + 1
        } else {
            after
        };
        if let Some((dom, n)) = day_at(t, k).filter(|_| {
            t.get(k)
                .is_some_and(|x| x.kind == Kind::Ordinal || word(t, after) == Some("the"))
        }) {
            let date = (0..15).find_map(|m| {
                let d = cal::start_of_month(today, m)?.with_day(dom)?;
                (d > today && d.weekday() == day).then_some(d)
            });
            if date.is_some() {
                return Hit::new(date, k + n - i);
            }
        }
    }
    if !next_week && shift != Some(WeekdayShift::Last) {
        let trailing = longest(t, after, &index().phrases.next_week);
        if let Some(n) = trailing {
            next_week = true;
            j = after + n;
        }
    }
    let offset = i64::from(day.num_days_from_monday());
    if next_week {
        return Hit::new(cal::add_days(cal::monday_of_week(today, 1)?, offset), j - i);
    }
    match shift {
        Some(WeekdayShift::Last) => {
            Hit::new(cal::previous_weekday(today, day), j - i).map(Hit::past)
        }
        Some(WeekdayShift::Next) => {
            Hit::new(cal::add_days(cal::monday_of_week(today, 1)?, offset), j - i)
        }
        Some(WeekdayShift::This) => Hit::new(cal::next_weekday(today, day, true), j - i),
        // A bare weekday is the next one strictly after today: "Friday" said on a Friday
        // means next week (a reply promising today would say "today").
        None => Hit::new(cal::next_weekday(today, day, false), j - i),
    }
}

/// A count: `10`, `two`, `a couple of`.
fn count_at(t: &[Token<'_>], i: usize) -> Option<(u32, usize)> {
    if let Some((v, _)) = number(t, i, 3) {
        return Some((v, 1));
    }
    index()
        .phrases
        .numbers
        .iter()
        .filter_map(|(words, v)| phrase(t, i, words).map(|n| (*v, n)))
        .max_by_key(|(_, n)| *n)
}

/// A unit: `days`, `business days`, `weeks`, `Werktagen`.
fn unit_at(t: &[Token<'_>], i: usize) -> Option<(Unit, usize)> {
    let w = word(t, i)?;
    let unit = ALL
        .iter()
        .find_map(|l| l.units.iter().find(|(n, _)| *n == w).map(|(_, u)| *u))?;
    if unit == Unit::BusinessDay
        && !matches!(w, "werktag" | "werktage" | "werktagen" | "arbeitstagen")
    {
        // "business days": the unit word follows.
        return matches!(word(t, i + 1), Some("day" | "days")).then_some((unit, 2));
    }
    Some((unit, 1))
}

/// `in 10 days`, `within 2 weeks`, `within the next 3 business days`, `5 days from now`,
/// `10 days ago`, `in zwei Wochen`, `vor 5 Tagen`.
fn duration(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let w = word(t, i)?;
    let ago_before = index().is(w, index::AGO) && w != "ago";
    let within = index().is(w, index::WITHIN);
    let mut j = i;
    if within || ago_before {
        j += 1;
        while matches!(
            word(t, j),
            Some("the" | "next" | "von" | "der" | "den" | "nächsten" | "de" | "la" | "los" | "las")
        ) {
            j += 1;
        }
    }
    let (count, clen) = count_at(t, j)?;
    j += clen;
    let (unit, ulen) = unit_at(t, j)?;
    j += ulen;
    if count > 3660 {
        return None;
    }
    if ago_before {
        return Hit::new(cal::sub_duration(today, count, unit), j - i).map(Hit::past);
    }
    if matches!(word(t, j), Some("ago")) {
        return Hit::new(cal::sub_duration(today, count, unit), j + 1 - i).map(Hit::past);
    }
    // "2 days after tomorrow", "a week before yesterday".
    if let Some(dir @ ("before" | "after")) = word(t, j) {
        if let Some(base) = self::anchor(t, j + 1, today).filter(|h| h.date.is_some()) {
            let from = base.date?;
            let len = j + 1 + base.len - i;
            return if dir == "after" {
                Hit::new(cal::add_duration(from, count, unit), len)
            } else {
                Hit::new(cal::sub_duration(from, count, unit), len).map(Hit::past)
            };
        }
    }
    let from_now = longest(t, j, &index().phrases.from_now);
    if !within && from_now.is_none() {
        return None;
    }
    Hit::new(
        cal::add_duration(today, count, unit),
        j + from_now.unwrap_or(0) - i,
    )
}

/// `by the 15th`, `on the 1st of next month`, `am 15.`: a day of the month alone.
fn day_of_month(t: &[Token<'_>], i: usize, today: NaiveDate) -> Option<Hit> {
    let tok = t.get(i)?;
    let (day, mut j) = match tok.kind {
        Kind::Ordinal => (tok.value, i + 1),
        Kind::Word if matches!(tok.text, "am" | "zum" | "bis") => {
            // German "am 15.": a number with its ordinal dot, not followed by a month.
            let (d, _) = number(t, i + 1, 2)?;
            if !(sym(t, i + 2, '.') && t.get(i + 2).is_some_and(|s| !s.space_before)) {
                return None;
            }
            if number(t, i + 3, 4).is_some_and(|_| t.get(i + 3).is_some_and(|n| !n.space_before)) {
                return None;
            }
            (d, i + 3)
        }
        Kind::Word if matches!(tok.text, "le" | "den" | "día" | "dia" | "el") => {
            // "au plus tard le 15", "senast den 15:e", "el día 15".
            let j = if matches!(word(t, i + 1), Some("día" | "dia")) {
                i + 2
            } else {
                i + 1
            };
            let (d, n) = day_at(t, j)?;
            let next = j + n;
            if sym(t, next, '/') || sym(t, next, '.') || sym(t, next, '-') || is_time(t, j) {
                return None;
            }
            if word(t, next)
                .is_some_and(|w| month_of(w).is_some() || unit_at(t, next).is_some() || w == "de")
            {
                return None;
            }
            (d, next)
        }
        Kind::Word if tok.text == "the" => {
            let (d, n) = ordinal_word(t, i + 1)?;
            (d, i + 1 + n)
        }
        _ => return None,
    };
    if !(1..=31).contains(&day) {
        return None;
    }
    // "our 2nd reminder": an ordinal before a noun is not a date.
    let introduced = tok.kind != Kind::Ordinal
        || (i > 0
            && matches!(
                word(t, i - 1),
                Some(
                    "the" | "on" | "by" | "before" | "until" | "till" | "am" | "zum" | "bis" | "of"
                )
            ));
    if !introduced {
        return None;
    }
    // "the 15th of next month".
    let mut k = j;
    if matches!(word(t, k), Some("of")) {
        k += 1;
    }
    if let Some(n) =
        phrase(t, k, &["next", "month"]).or_else(|| phrase(t, k, &["the", "next", "month"]))
    {
        let date = cal::start_of_month(today, 1).and_then(|d| d.with_day(day));
        return Hit::new(date, k + n - i);
    }
    if let Some(n) = phrase(t, k, &["this", "month"]) {
        j = k + n;
    }
    Hit::new(cal::next_day_of_month(today, day), j - i)
}
