//! Business days: which days count for grace periods, cadence gaps and send windows.
//!
//! Collections run on working days only: a "two business day grace" after a Friday promise ends on
//! Tuesday, not Sunday. The calendar is data (serde) so a policy can name its working weekdays and
//! public holidays; [`BusinessCalendar::default`] is Monday to Friday without holidays.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a calendar was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("a business calendar needs at least one working weekday")]
    NoWorkingDays,
}

/// Working weekdays plus holidays. Cheap to query: a weekday bit mask and a sorted holiday list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    /// Bit `n` set means weekday `n` (Monday = 0) is a working day.
    mask: u8,
    /// Sorted, deduplicated.
    holidays: Vec<NaiveDate>,
}

impl Default for BusinessCalendar {
    /// Monday to Friday, no holidays.
    fn default() -> Self {
        BusinessCalendar {
            mask: 0b0001_1111,
            holidays: Vec::new(),
        }
    }
}

impl BusinessCalendar {
    /// A calendar working on `weekdays`, closed on `holidays` (any order, duplicates ignored).
    pub fn new(
        weekdays: &[Weekday],
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let mask = weekdays
            .iter()
            .fold(0u8, |m, d| m | (1 << d.num_days_from_monday()));
        if mask == 0 {
            return Err(CalendarError::NoWorkingDays);
        }
        let mut holidays: Vec<NaiveDate> = holidays.into_iter().collect();
        holidays.sort_unstable();
        holidays.dedup();
        Ok(BusinessCalendar { mask, holidays })
    }

    /// The working weekdays, Monday first.
    pub fn weekdays(&self) -> Vec<Weekday> {
        ALL_WEEKDAYS
            .iter()
            .copied()
            .filter(|d| self.works_on(*d))
            .collect()
    }

    /// The holidays, sorted.
    pub fn holidays(&self) -> &[NaiveDate] {
        &self.holidays
    }

    fn works_on(&self, day: Weekday) -> bool {
        self.mask & (1 << day.num_days_from_monday()) != 0
    }

    /// True on a working weekday that is not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        self.works_on(date.weekday()) && self.holidays.binary_search(&date).is_err()
    }

    /// The first business day on or after `date`.
    pub fn on_or_after(&self, date: NaiveDate) -> NaiveDate {
        if self.holidays.is_empty() {
            // Fast path: weekday arithmetic only, one date addition.
            let wd = date.weekday().num_days_from_monday();
            let skip = (0..7u32)
                .find(|k| self.mask & (1 << ((wd + k) % 7)) != 0)
                .unwrap_or(0);
            return date
                .checked_add_days(Days::new(u64::from(skip)))
                .unwrap_or(date);
        }
        let mut d = date;
        // A year of closed days is impossible with at least one working weekday and a finite
        // holiday list shorter than that; the bound only guards against the end of the calendar.
        for _ in 0..(self.holidays.len() + 8) {
            if self.is_business_day(d) {
                return d;
            }
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => return d,
            }
        }
        d
    }

    /// The first business day strictly after `date`.
    pub fn after(&self, date: NaiveDate) -> NaiveDate {
        match date.checked_add_days(Days::new(1)) {
            Some(next) => self.on_or_after(next),
            None => date,
        }
    }

    /// `date` moved forward by `n` business days: the `n`-th business day after it (for `n = 0`,
    /// `date` itself). A two-day grace from Friday ends on Tuesday.
    pub fn add_business_days(&self, date: NaiveDate, n: u32) -> NaiveDate {
        if self.holidays.is_empty() {
            // Fast path: count calendar days on the weekday mask, then add them once.
            let mut wd = date.weekday().num_days_from_monday();
            let mut days: u64 = 0;
            let mut left = n;
            while left > 0 {
                days += 1;
                wd = (wd + 1) % 7;
                if self.mask & (1 << wd) != 0 {
                    left -= 1;
                }
            }
            return date.checked_add_days(Days::new(days)).unwrap_or(date);
        }
        let mut d = date;
        for _ in 0..n {
            d = self.after(d);
        }
        d
    }

    /// Business days in the half-open range `(from, to]`: how many working days have passed since
    /// `from` by `to` (zero when `to <= from`).
    pub fn business_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut count = 0u32;
        let mut d = from;
        while d < to {
            match d.checked_add_days(Days::new(1)) {
                Some(next) => d = next,
                None => break,
            }
            if self.is_business_day(d) {
                count = count.saturating_add(1);
            }
        }
        count
    }
}

const ALL_WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// The calendar as it appears in JSON: `{"weekdays": ["Mon", …], "holidays": ["2026-12-25"]}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarJson {
    weekdays: Vec<Weekday>,
    #[serde(default)]
    holidays: Vec<NaiveDate>,
}

impl Serialize for BusinessCalendar {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        CalendarJson {
            weekdays: self.weekdays(),
            holidays: self.holidays.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for BusinessCalendar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = CalendarJson::deserialize(d)?;
        BusinessCalendar::new(&json.weekdays, json.holidays).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = BusinessCalendar::default();
        // 2026-11-27 is a Friday.
        assert_eq!(cal.add_business_days(d(2026, 11, 27), 2), d(2026, 12, 1));
        assert_eq!(cal.add_business_days(d(2026, 11, 27), 0), d(2026, 11, 27));
        assert_eq!(cal.on_or_after(d(2026, 11, 28)), d(2026, 11, 30));
        assert_eq!(
            cal.business_days_between(d(2026, 11, 27), d(2026, 12, 1)),
            2
        );
        assert_eq!(
            cal.business_days_between(d(2026, 12, 1), d(2026, 11, 27)),
            0
        );
    }

    #[test]
    fn fast_path_agrees_with_day_by_day_stepping() {
        let plain = BusinessCalendar::default();
        let far = d(2100, 1, 1);
        // Same weekdays, with a holiday that never matters: forces the slow path.
        let slow = BusinessCalendar::new(&plain.weekdays(), [far]).unwrap();
        let odd = BusinessCalendar::new(&[Weekday::Sun, Weekday::Wed], []).unwrap();
        let odd_slow = BusinessCalendar::new(&[Weekday::Sun, Weekday::Wed], [far]).unwrap();
        for offset in 0..21 {
            let start = d(2026, 11, 1) + chrono::Days::new(offset);
            for n in 0..12 {
                assert_eq!(
                    plain.add_business_days(start, n),
                    slow.add_business_days(start, n)
                );
                assert_eq!(
                    odd.add_business_days(start, n),
                    odd_slow.add_business_days(start, n)
                );
            }
            assert_eq!(plain.on_or_after(start), slow.on_or_after(start));
            assert_eq!(odd.on_or_after(start), odd_slow.on_or_after(start));
        }
    }

    #[test]
    fn holidays_are_skipped_and_serde_round_trips() {
        let cal = BusinessCalendar::new(
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            [d(2026, 12, 25), d(2026, 12, 24)],
        )
        .unwrap();
        assert!(!cal.is_business_day(d(2026, 12, 25)));
        assert_eq!(cal.after(d(2026, 12, 23)), d(2026, 12, 28));
        let json = serde_json::to_string(&cal).unwrap();
        assert_eq!(
            json,
            r#"{"weekdays":["Mon","Tue","Wed","Thu","Fri"],"holidays":["2026-12-24","2026-12-25"]}"#
        );
        assert_eq!(
            serde_json::from_str::<BusinessCalendar>(&json).unwrap(),
            cal
        );
        assert!(serde_json::from_str::<BusinessCalendar>(r#"{"weekdays":[]}"#).is_err());
    }
}
