//! The reporting period: whole days, half-open `[from, to)`.
//!
//! Half-open so that consecutive periods (`[Jan 1, Feb 1)`, `[Feb 1, Mar 1)`) never count a day
//! twice, and so that "the book at `to`" means the book at the start of day `to`, i.e. after the
//! last day of the period.

use chrono::{Days, Months, NaiveDate};
use serde::Serialize;

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `to` is not after `from`: the period would hold no day.
    #[error("period is empty: `to` ({to}) must be after `from` ({from})")]
    Empty {
        /// The first day asked for.
        from: NaiveDate,
        /// The day after the last, asked for.
        to: NaiveDate,
    },
    /// The month does not exist (month outside 1–12, or a year chrono cannot represent).
    #[error("{year}-{month} is not a calendar month")]
    InvalidMonth {
        /// The year asked for.
        year: i32,
        /// The month asked for (1–12 are months).
        month: u32,
    },
    /// A trailing period of zero days, or one reaching before the first representable date.
    #[error("a trailing period of {days} days ending on {today} cannot be represented")]
    InvalidTrailing {
        /// The last day asked for.
        today: NaiveDate,
        /// The number of days asked for.
        days: u32,
    },
}

/// The days `from` (inclusive) to `to` (exclusive). Always at least one day long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

impl Period {
    /// The days from `from` up to, not including, `to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if to <= from {
            return Err(PeriodError::Empty { from, to });
        }
        Ok(Period { from, to })
    }

    /// One calendar month, e.g. `Period::month(2026, 3)` is `[2026-03-01, 2026-04-01)`.
    pub fn month(year: i32, month: u32) -> Result<Self, PeriodError> {
        let from = NaiveDate::from_ymd_opt(year, month, 1)
            .ok_or(PeriodError::InvalidMonth { year, month })?;
        let to = from
            .checked_add_months(Months::new(1))
            .ok_or(PeriodError::InvalidMonth { year, month })?;
        Period::new(from, to)
    }

    /// The last `days` days up to and including `today`: `[today − days + 1, today + 1)`.
    /// What a dashboard means by "the last 30 days", today's payments included.
    pub fn trailing(today: NaiveDate, days: u32) -> Result<Self, PeriodError> {
        let bad = PeriodError::InvalidTrailing { today, days };
        let to = today.checked_add_days(Days::new(1)).ok_or(bad.clone())?;
        if days == 0 {
            return Err(bad);
        }
        let from = to.checked_sub_days(Days::new(u64::from(days))).ok_or(bad)?;
        Period::new(from, to)
    }

    /// The first day of the period.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The first day after the period; balances "at `to`" are those at the start of this day.
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The number of days in the period (at least 1).
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days()
    }

    /// True when `day` lies in the period.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && day < self.to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_are_half_open_and_never_empty() {
        let march = Period::month(2026, 3).unwrap();
        assert_eq!((march.from(), march.to()), (d(2026, 3, 1), d(2026, 4, 1)));
        assert_eq!(march.days(), 31);
        assert!(march.contains(d(2026, 3, 31)));
        assert!(!march.contains(d(2026, 4, 1)));
        assert_eq!(Period::month(2026, 12).unwrap().to(), d(2027, 1, 1));
        assert!(matches!(
            Period::month(2026, 13),
            Err(PeriodError::InvalidMonth { .. })
        ));
        assert!(matches!(
            Period::new(d(2026, 3, 1), d(2026, 3, 1)),
            Err(PeriodError::Empty { .. })
        ));
    }

    #[test]
    fn trailing_days_include_today() {
        // 30 days ending on (and including) 2026-03-31: 03-02 .. 03-31.
        let p = Period::trailing(d(2026, 3, 31), 30).unwrap();
        assert_eq!(
            (p.from(), p.to(), p.days()),
            (d(2026, 3, 2), d(2026, 4, 1), 30)
        );
        assert!(Period::trailing(d(2026, 3, 31), 0).is_err());
    }
}
