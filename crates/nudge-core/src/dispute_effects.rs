//! What disputes do to dunning, invoice by invoice.
//!
//! An open dispute takes its invoices (and only those) out of dunning. A dispute rejected in our
//! favour returns the invoice to dunning after a fresh grace period, so the customer has time to
//! pay once told. A dispute resolved with a credit note leaves whatever is still open (the billing
//! system reduces the invoice's balance by the credit); withdrawn disputes have no effect.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::dispute::{Dispute, DisputeStatus};

/// How disputes bear on one invoice at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "effect")]
pub enum DisputeEffect {
    /// No dispute stops dunning this invoice.
    None,
    /// An open dispute covers the invoice: no dunning on it.
    OnHold,
    /// A rejected dispute's grace period runs until the end of `until` (a business day).
    Grace { until: NaiveDate },
}

impl DisputeEffect {
    /// True when the invoice may be dunned.
    pub fn allows_dunning(&self) -> bool {
        matches!(self, DisputeEffect::None)
    }
}

/// The effect of `disputes` on invoice `invoice_id` at `now` (dates in UTC). An open dispute wins
/// over any grace period; of several rejected disputes the latest grace counts.
pub fn dispute_effect(
    invoice_id: &str,
    disputes: &[Dispute],
    today: NaiveDate,
    calendar: &BusinessCalendar,
    rejected_grace_business_days: u32,
) -> DisputeEffect {
    let mut grace: Option<NaiveDate> = None;
    for d in disputes {
        if !d.invoice_ids.iter().any(|id| id == invoice_id) {
            continue;
        }
        match d.status {
            DisputeStatus::Open => return DisputeEffect::OnHold,
            DisputeStatus::ResolvedRejected => {
                // Without a resolution time we cannot start the grace: count it from opening.
                let from = d.resolved_at.unwrap_or(d.opened_at).date_naive();
                let until = calendar.add_business_days(from, rejected_grace_business_days);
                if today <= until && grace.is_none_or(|g| g < until) {
                    grace = Some(until);
                }
            }
            DisputeStatus::ResolvedCredited | DisputeStatus::Withdrawn => {}
        }
    }
    match grace {
        Some(until) => DisputeEffect::Grace { until },
        None => DisputeEffect::None,
    }
}

/// Ids of invoices held by an open dispute.
pub fn disputed_invoice_ids(disputes: &[Dispute]) -> impl Iterator<Item = &str> {
    disputes
        .iter()
        .filter(|d| d.is_open())
        .flat_map(|d| d.invoice_ids.iter().map(String::as_str))
}

/// The moment `date` begins in UTC, for turning a grace end into a wake-up time.
pub fn start_of_day_utc(date: NaiveDate) -> DateTime<Utc> {
    date.and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dispute::DisputeCategory;
    use crate::test_support::*;

    fn dispute(ids: &[&str], status: DisputeStatus, resolved: Option<DateTime<Utc>>) -> Dispute {
        Dispute {
            id: "d1".into(),
            category: DisputeCategory::Pricing,
            invoice_ids: ids.iter().map(|s| s.to_string()).collect(),
            status,
            opened_at: at(2026, 11, 2, 9),
            resolved_at: resolved,
            summary: None,
        }
    }

    #[test]
    fn open_dispute_holds_only_its_invoices() {
        let cal = BusinessCalendar::default();
        let ds = [dispute(&["a"], DisputeStatus::Open, None)];
        assert_eq!(
            dispute_effect("a", &ds, d(2026, 11, 30), &cal, 5),
            DisputeEffect::OnHold
        );
        assert_eq!(
            dispute_effect("b", &ds, d(2026, 11, 30), &cal, 5),
            DisputeEffect::None
        );
        assert_eq!(disputed_invoice_ids(&ds).collect::<Vec<_>>(), vec!["a"]);
    }

    #[test]
    fn rejected_dispute_returns_after_a_fresh_grace_and_others_release() {
        let cal = BusinessCalendar::default();
        // Rejected Friday 2026-11-27, grace 2 business days → until Tuesday 12-01.
        let ds = [dispute(
            &["a"],
            DisputeStatus::ResolvedRejected,
            Some(at(2026, 11, 27, 15)),
        )];
        let e = dispute_effect("a", &ds, d(2026, 11, 30), &cal, 2);
        assert_eq!(
            e,
            DisputeEffect::Grace {
                until: d(2026, 12, 1)
            }
        );
        assert!(!e.allows_dunning());
        assert!(dispute_effect("a", &ds, d(2026, 12, 2), &cal, 2).allows_dunning());
        for st in [DisputeStatus::ResolvedCredited, DisputeStatus::Withdrawn] {
            let ds = [dispute(&["a"], st, Some(at(2026, 11, 27, 15)))];
            assert!(dispute_effect("a", &ds, d(2026, 11, 30), &cal, 2).allows_dunning());
        }
    }
}
