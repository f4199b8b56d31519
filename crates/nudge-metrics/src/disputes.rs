//! Disputes by category: opened and resolved in the period, and how long resolving took.
//!
//! "Resolved" is any closing outcome: credited, rejected or withdrawn; a withdrawn dispute stopped
//! costing time too. A dispute belongs to the period by the UTC day of its opening (for "opened")
//! and of its resolution (for "resolved" and the mean time), independently: a dispute opened in
//! February and resolved in March counts as resolved in March.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ratio::round1;
use crate::{AccountFacts, Period};

/// One category's line (or the total line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeLine {
    /// Opened in the period.
    pub opened: u32,
    /// Resolved in the period, all outcomes: `credited + rejected + withdrawn`.
    pub resolved: u32,
    /// Resolved with a credit note (the customer was right).
    pub credited: u32,
    /// Resolved against the customer.
    pub rejected: u32,
    /// Withdrawn by the customer.
    pub withdrawn: u32,
    /// Still open at the end of the period (opened before `to`, not resolved before `to`).
    pub open_at_end: u32,
    /// Mean of `resolved_at − opened_at` over the disputes resolved in the period, in days to
    /// one decimal; `None` when none was resolved.
    pub mean_days_to_resolve: Option<Decimal>,
}

/// A category and its line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryLine {
    /// The category (`"pricing"`, `"missing_po"`, …).
    pub category: DisputeCategory,
    /// Its counts, flattened into the category's JSON object.
    #[serde(flatten)]
    pub line: DisputeLine,
}

/// Disputes over the period: one line per category that had any activity, and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisputeMetrics {
    /// One line per category with any activity, in nudge-core's declaration order.
    pub by_category: Vec<CategoryLine>,
    /// All categories together (the mean is over all resolved disputes, not of the means).
    pub total: DisputeLine,
}

/// Accumulates one line; the mean is kept as a sum of seconds until the end.
#[derive(Default)]
struct Tally {
    opened: u32,
    credited: u32,
    rejected: u32,
    withdrawn: u32,
    open_at_end: u32,
    resolve_seconds: i128,
}

impl Tally {
    fn add(&mut self, d: &Dispute, period: &Period) {
        let to = start_of(period.to());
        if period.contains(d.opened_at.date_naive()) {
            self.opened += 1;
        }
        // A closed dispute without a resolution time is closed, but we cannot say when: it is
        // not open at the end, and it is resolved in no period.
        let closed = d.status != DisputeStatus::Open;
        let still_open = !closed || d.resolved_at.is_some_and(|r| r >= to);
        if d.opened_at < to && still_open {
            self.open_at_end += 1;
        }
        let Some(resolved_at) = d
            .resolved_at
            .filter(|r| closed && period.contains(r.date_naive()))
        else {
            return;
        };
        match d.status {
            DisputeStatus::ResolvedCredited => self.credited += 1,
            DisputeStatus::ResolvedRejected => self.rejected += 1,
            DisputeStatus::Withdrawn => self.withdrawn += 1,
            DisputeStatus::Open => return,
        }
        // A resolution stamped before the opening is bad data; it counts as instant, not as
        // negative time that would flatter the mean.
        let seconds = (resolved_at - d.opened_at).num_seconds().max(0);
        self.resolve_seconds += i128::from(seconds);
    }

    fn line(&self) -> DisputeLine {
        let resolved = self.credited + self.rejected + self.withdrawn;
        let mean_days_to_resolve = (resolved > 0).then(|| {
            // Seconds fit a Decimal easily (i128 sums of i64 seconds of real dates).
            let secs = Decimal::from_i128_with_scale(self.resolve_seconds, 0);
            round1(secs / Decimal::from(86_400u32) / Decimal::from(resolved))
        });
        DisputeLine {
            opened: self.opened,
            resolved,
            credited: self.credited,
            rejected: self.rejected,
            withdrawn: self.withdrawn,
            open_at_end: self.open_at_end,
            mean_days_to_resolve,
        }
    }

    fn is_empty(&self) -> bool {
        self.opened + self.credited + self.rejected + self.withdrawn + self.open_at_end == 0
    }
}

/// The moment `day` begins, in UTC: the end of a period ending before `day`.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The categories in the order nudge-core declares them, so reports are stable. The match is
/// exhaustive on purpose: a new category fails to compile here rather than vanish from reports.
fn category_rank(c: DisputeCategory) -> u8 {
    match c {
        DisputeCategory::Pricing => 0,
        DisputeCategory::Quantity => 1,
        DisputeCategory::NotReceived => 2,
        DisputeCategory::Quality => 3,
        DisputeCategory::DuplicateBilling => 4,
        DisputeCategory::CreditNoteRequested => 5,
        DisputeCategory::MissingPo => 6,
        DisputeCategory::Other => 7,
    }
}

/// Counts the disputes of `accounts` over `period`, by category.
pub fn dispute_metrics(accounts: &[AccountFacts], period: &Period) -> DisputeMetrics {
    let mut tallies: Vec<(DisputeCategory, Tally)> = Vec::new();
    let mut total = Tally::default();
    for d in accounts.iter().flat_map(|f| f.book.disputes.iter()) {
        let at = match tallies.iter().position(|(c, _)| *c == d.category) {
            Some(i) => i,
            None => {
                tallies.push((d.category, Tally::default()));
                tallies.len() - 1
            }
        };
        tallies[at].1.add(d, period);
        total.add(d, period);
    }
    tallies.retain(|(_, t)| !t.is_empty());
    nudge_core::order::sort_by_key(&mut tallies, |(c, _)| category_rank(*c));
    DisputeMetrics {
        by_category: tallies
            .iter()
            .map(|(category, t)| CategoryLine {
                category: *category,
                line: t.line(),
            })
            .collect(),
        total: total.line(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    #[test]
    fn counts_and_mean_time_to_resolve_by_hand() {
        use DisputeCategory::{MissingPo, Pricing, Quality};
        use DisputeStatus::{Open, ResolvedCredited, ResolvedRejected, Withdrawn};
        let mut b = book("acme");
        b.disputes = vec![
            // Pricing, opened 03-02 09:00, credited 03-12 09:00: 10.0 days.
            dispute(
                "d1",
                Pricing,
                ResolvedCredited,
                at(2026, 3, 2, 9),
                Some(at(2026, 3, 12, 9)),
            ),
            // Pricing, opened 02-20 09:00, rejected 03-05 21:00: 13 days 12 h = 13.5 days.
            // Resolved in March, opened in February.
            dispute(
                "d2",
                Pricing,
                ResolvedRejected,
                at(2026, 2, 20, 9),
                Some(at(2026, 3, 5, 21)),
            ),
            // Quality, opened 03-10, still open at 04-01.
            dispute("d3", Quality, Open, at(2026, 3, 10, 9), None),
            // Missing PO, opened 03-20, withdrawn 04-03 (after March): open at the end of March.
            dispute(
                "d4",
                MissingPo,
                Withdrawn,
                at(2026, 3, 20, 9),
                Some(at(2026, 4, 3, 9)),
            ),
            // Pricing, opened and resolved in January: no March activity at all.
            dispute(
                "d5",
                Pricing,
                ResolvedCredited,
                at(2026, 1, 5, 9),
                Some(at(2026, 1, 9, 9)),
            ),
        ];
        let m = dispute_metrics(&[facts(b, None)], &Period::month(2026, 3).unwrap());
        let cats: Vec<_> = m.by_category.iter().map(|l| l.category).collect();
        assert_eq!(cats, vec![Pricing, Quality, MissingPo]);

        // Pricing: opened 1 (d1), resolved 2 (d1 credited, d2 rejected);
        // mean (10.0 + 13.5) / 2 = 11.75 → 11.8 days.
        let pricing = &m.by_category[0].line;
        assert_eq!(
            (
                pricing.opened,
                pricing.resolved,
                pricing.credited,
                pricing.rejected
            ),
            (1, 2, 1, 1)
        );
        assert_eq!(pricing.mean_days_to_resolve, Some(dec("11.8")));
        assert_eq!(pricing.open_at_end, 0);
        // Quality and Missing PO: opened 1 each, open at the end, nothing resolved.
        for l in &m.by_category[1..] {
            assert_eq!(
                (l.line.opened, l.line.resolved, l.line.open_at_end),
                (1, 0, 1)
            );
            assert_eq!(l.line.mean_days_to_resolve, None);
        }
        // Total: opened 3 (d1, d3, d4), resolved 2, open at end 2, mean 11.8.
        assert_eq!(
            (m.total.opened, m.total.resolved, m.total.open_at_end),
            (3, 2, 2)
        );
        assert_eq!(m.total.mean_days_to_resolve, Some(dec("11.8")));
        let json = serde_json::to_value(&m).unwrap();
        assert_eq!(json["by_category"][0]["category"], "pricing");
        assert_eq!(json["by_category"][0]["mean_days_to_resolve"], "11.8");
    }
}
