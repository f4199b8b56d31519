//! Send windows: emails go out on business days, between the window's start and end in the
//! account's local time. Outside it, the decision says when the window next opens.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use nudge_core::calendar::BusinessCalendar;
use nudge_core::zone::Zone;

use crate::policy::SendWindow;

/// `now` seen from the account: its local date and time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalNow {
    pub now: DateTime<Utc>,
    pub tz: Zone,
    pub local: NaiveDateTime,
}

impl LocalNow {
    pub fn new(now: DateTime<Utc>, tz: Zone) -> Self {
        LocalNow {
            now,
            tz,
            local: now.with_timezone(&tz).naive_local(),
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.local.date()
    }

    /// True when an email may go out right now.
    pub fn in_window(&self, window: &SendWindow, cal: &BusinessCalendar) -> bool {
        let t = self.local.time();
        cal.is_business_day(self.today()) && t >= window.start && t < window.end
    }

    /// The first moment on or after `date` (local) when the window is open and that is not in
    /// the past: `now` itself when the window is open now.
    pub fn opening_on_or_after(
        &self,
        date: NaiveDate,
        window: &SendWindow,
        cal: &BusinessCalendar,
    ) -> DateTime<Utc> {
        let today = self.today();
        let mut d = cal.on_or_after(date.max(today));
        if d == today {
            let t = self.local.time();
            if t >= window.start && t < window.end {
                return self.now;
            }
            if t >= window.end {
                d = cal.after(today);
            }
        }
        self.utc_of(d.and_time(window.start)).max(self.now)
    }

    /// A local time to UTC, trying the offset in force at `now` first (right unless a DST
    /// change lies in between, which the round trip detects).
    pub fn utc_of(&self, local: NaiveDateTime) -> DateTime<Utc> {
        let offset = self.local - self.now.naive_utc();
        let Some(guess) = local.checked_sub_signed(offset).map(|t| t.and_utc()) else {
            return to_utc(self.tz, local);
        };
        if guess.with_timezone(&self.tz).naive_local() == local {
            return guess;
        }
        to_utc(self.tz, local)
    }
}

/// A local time to UTC. In a DST gap (the time does not exist) the first valid time after it is
/// used; in a fold, the earlier of the two.
pub(crate) fn to_utc(tz: Zone, local: NaiveDateTime) -> DateTime<Utc> {
    for shift in 0..4 {
        let Some(candidate) = local.checked_add_signed(Duration::minutes(30 * shift)) else {
            break;
        };
        if let Some(t) = tz.from_local_datetime(&candidate).earliest() {
            return t.with_timezone(&Utc);
        }
    }
    // No timezone has a gap over two hours; fall back to reading the time as UTC.
    local.and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn window_opens_in_local_time_and_skips_weekends() {
        let w = SendWindow::default();
        let cal = BusinessCalendar::default();
        // Friday 2026-11-27 18:30 in Berlin (17:30 UTC): after hours → Monday 09:00 Berlin.
        let l = LocalNow::new(
            utc("2026-11-27T17:30:00Z"),
            chrono_tz::Europe::Berlin.into(),
        );
        assert!(!l.in_window(&w, &cal));
        assert_eq!(
            l.opening_on_or_after(l.today(), &w, &cal),
            utc("2026-11-30T08:00:00Z")
        );
        // Monday 07:00 New York = 12:00 UTC: opens at 09:00 local = 14:00 UTC.
        let l = LocalNow::new(
            utc("2026-11-30T12:00:00Z"),
            chrono_tz::America::New_York.into(),
        );
        assert_eq!(
            l.opening_on_or_after(l.today(), &w, &cal),
            utc("2026-11-30T14:00:00Z")
        );
        // Inside the window: now.
        let l = LocalNow::new(
            utc("2026-11-30T15:00:00Z"),
            chrono_tz::America::New_York.into(),
        );
        assert!(l.in_window(&w, &cal));
        assert_eq!(
            l.opening_on_or_after(l.today(), &w, &cal),
            utc("2026-11-30T15:00:00Z")
        );
    }

    #[test]
    fn offset_shortcut_agrees_across_dst_changes() {
        let l = LocalNow::new(
            utc("2026-03-20T12:00:00Z"),
            chrono_tz::Europe::Berlin.into(),
        );
        for day in 20..31 {
            let local = NaiveDate::from_ymd_opt(2026, 3, day)
                .unwrap()
                .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap());
            assert_eq!(
                l.utc_of(local),
                to_utc(chrono_tz::Europe::Berlin.into(), local)
            );
        }
    }

    #[test]
    fn dst_gap_moves_forward() {
        // 2026-03-29 02:30 does not exist in Berlin.
        let local = NaiveDate::from_ymd_opt(2026, 3, 29)
            .unwrap()
            .and_time(NaiveTime::from_hms_opt(2, 30, 0).unwrap());
        assert_eq!(
            to_utc(chrono_tz::Europe::Berlin.into(), local),
            utc("2026-03-29T01:00:00Z")
        );
    }
}
