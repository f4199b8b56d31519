//! Calendar arithmetic the date phrases resolve to. Every function is total: out-of-range
//! results are `None`, never a panic.

use chrono::{Datelike, Days, Months, NaiveDate, Weekday};

use crate::lang::Unit;

/// Day/month order of all-numeric dates like `12/03`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayOrder {
    /// `12/03` is 3 December (en-US).
    MonthFirst,
    /// `12/03` is 12 March (en-GB, de, fr, es, sv and most of the world).
    DayFirst,
}

impl DayOrder {
    /// The order a locale tag writes numeric dates in. Only the United States and a few
    /// places that follow it write month first; bare `en` follows CLDR's default (US).
    pub fn from_locale(locale: &str) -> DayOrder {
        let tag = locale.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = tag.split('-');
        let lang = parts.next().unwrap_or("");
        let region = parts.find(|p| p.len() == 2 || p.len() == 3);
        match (lang, region) {
            (
                _,
                Some("us" | "ph" | "fm" | "mh" | "pw" | "as" | "gu" | "mp" | "pr" | "um" | "vi"),
            ) => DayOrder::MonthFirst,
            ("en", None) => DayOrder::MonthFirst,
            _ => DayOrder::DayFirst,
        }
    }
}

/// The last day of the month `offset` months from `today`'s month.
pub fn end_of_month(today: NaiveDate, offset: i32) -> Option<NaiveDate> {
    let first = start_of_month(today, offset + 1)?;
    first.pred_opt()
}

/// The first day of the month `offset` months from `today`'s month.
pub fn start_of_month(today: NaiveDate, offset: i32) -> Option<NaiveDate> {
    let first = today.with_day(1)?;
    add_months(first, offset)
}

/// `date` plus `n` months (negative allowed), clamped to the month's last day.
pub fn add_months(date: NaiveDate, n: i32) -> Option<NaiveDate> {
    if n >= 0 {
        date.checked_add_months(Months::new(n.unsigned_abs()))
    } else {
        date.checked_sub_months(Months::new(n.unsigned_abs()))
    }
}

/// `date` plus `n` days (negative allowed).
pub fn add_days(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    if n >= 0 {
        date.checked_add_days(Days::new(n.unsigned_abs()))
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs()))
    }
}

/// The Monday of the ISO week `offset` weeks from `today`'s.
pub fn monday_of_week(today: NaiveDate, offset: i32) -> Option<NaiveDate> {
    let back = i64::from(today.weekday().num_days_from_monday());
    add_days(today, i64::from(offset) * 7 - back)
}

/// The next `weekday` on or after `today` (`include_today`) or strictly after it.
pub fn next_weekday(today: NaiveDate, weekday: Weekday, include_today: bool) -> Option<NaiveDate> {
    let from = today.weekday().num_days_from_monday();
    let to = weekday.num_days_from_monday();
    let mut ahead = (7 + to - from) % 7;
    if ahead == 0 && !include_today {
        ahead = 7;
    }
    add_days(today, i64::from(ahead))
}

/// The most recent `weekday` strictly before `today`.
pub fn previous_weekday(today: NaiveDate, weekday: Weekday) -> Option<NaiveDate> {
    let from = today.weekday().num_days_from_monday();
    let to = weekday.num_days_from_monday();
    let mut back = (7 + from - to) % 7;
    if back == 0 {
        back = 7;
    }
    add_days(today, -i64::from(back))
}

/// `today` plus a duration.
pub fn add_duration(today: NaiveDate, count: u32, unit: Unit) -> Option<NaiveDate> {
    match unit {
        Unit::Day => add_days(today, i64::from(count)),
        Unit::Week => add_days(today, i64::from(count) * 7),
        Unit::Fortnight => add_days(today, i64::from(count) * 14),
        Unit::Month => add_months(today, i32::try_from(count).ok()?),
        Unit::BusinessDay => {
            let mut date = today;
            let mut left = count.min(10_000);
            while left > 0 {
                date = date.succ_opt()?;
                if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
                    left -= 1;
                }
            }
            Some(date)
        }
    }
}

/// `today` minus a duration.
pub fn sub_duration(today: NaiveDate, count: u32, unit: Unit) -> Option<NaiveDate> {
    let n = i64::from(count);
    match unit {
        Unit::Day | Unit::BusinessDay => add_days(today, -n),
        Unit::Week => add_days(today, -n * 7),
        Unit::Fortnight => add_days(today, -n * 14),
        Unit::Month => add_months(today, -i32::try_from(count).ok()?),
    }
}

/// A day and month without a year: the nearest such date, leaning to the future (a reply
/// speaks more often of what will happen). The past one is taken only when it is less than
/// half as far away as the future one: "12 July" on 10 August is last month, "10 January" on
/// 10 August is next year.
pub fn infer_year(today: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let year = today.year();
    let this = NaiveDate::from_ymd_opt(year, month, day);
    if let Some(d) = this {
        if d >= today {
            return Some(d);
        }
    }
    // First valid date in a later year (29 February waits for a leap year).
    let future = (1..=8).find_map(|k| NaiveDate::from_ymd_opt(year + k, month, day));
    let past = this.or_else(|| (1..=8).find_map(|k| NaiveDate::from_ymd_opt(year - k, month, day)));
    match (past, future) {
        (Some(p), Some(f)) => {
            if (today - p).num_days() * 2 < (f - today).num_days() {
                Some(p)
            } else {
                Some(f)
            }
        }
        (p, f) => f.or(p),
    }
}

/// A day of the month without a month ("by the 15th"): its next occurrence, today included.
pub fn next_day_of_month(today: NaiveDate, day: u32) -> Option<NaiveDate> {
    if !(1..=31).contains(&day) {
        return None;
    }
    (0..=3).find_map(|k| {
        let first = start_of_month(today, k)?;
        let d = first.with_day(day)?;
        (d >= today).then_some(d)
    })
}

/// A year written with two digits: 00–49 are this century, 50–99 the last.
pub fn expand_year(value: u32, digits: usize) -> Option<i32> {
    let v = i32::try_from(value).ok()?;
    match digits {
        4 => (1000..=9999).contains(&v).then_some(v),
        2 if v < 50 => Some(2000 + v),
        2 => Some(1900 + v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn locale_orders() {
        assert_eq!(DayOrder::from_locale("en-US"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::from_locale("en_us"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::from_locale("en-GB"), DayOrder::DayFirst);
        assert_eq!(DayOrder::from_locale("de-DE"), DayOrder::DayFirst);
        assert_eq!(DayOrder::from_locale("sv"), DayOrder::DayFirst);
        assert_eq!(DayOrder::from_locale("en"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::from_locale("es-US"), DayOrder::MonthFirst);
    }

    #[test]
    fn months_and_weeks() {
        assert_eq!(end_of_month(d(2026, 1, 31), 1), Some(d(2026, 2, 28)));
        assert_eq!(end_of_month(d(2026, 12, 3), 0), Some(d(2026, 12, 31)));
        assert_eq!(monday_of_week(d(2026, 11, 30), 1), Some(d(2026, 12, 7)));
        assert_eq!(
            next_weekday(d(2026, 11, 30), Weekday::Mon, false),
            Some(d(2026, 12, 7))
        );
        assert_eq!(
            previous_weekday(d(2026, 11, 30), Weekday::Fri),
            Some(d(2026, 11, 27))
        );
        assert_eq!(
            add_duration(d(2026, 11, 27), 3, Unit::BusinessDay),
            Some(d(2026, 12, 2))
        );
    }

    #[test]
    fn year_inference_leans_forward() {
        let today = d(2012, 8, 10);
        assert_eq!(infer_year(today, 7, 12), Some(d(2012, 7, 12)));
        assert_eq!(infer_year(today, 1, 10), Some(d(2013, 1, 10)));
        assert_eq!(infer_year(today, 12, 21), Some(d(2012, 12, 21)));
        assert_eq!(infer_year(d(2026, 3, 1), 2, 29), Some(d(2028, 2, 29)));
        assert_eq!(next_day_of_month(d(2026, 1, 31), 30), Some(d(2026, 3, 30)));
    }
}
