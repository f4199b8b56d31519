//! Whether a promise to pay was kept: payments received between the promise and its date plus a
//! grace period (in business days) must cover it. Partial payments count towards it.
//!
//! What "cover" means depends on what was promised:
//! - an amount: cash received in the window (allocated to the promised invoices, or unapplied,
//!   or anything when no invoices were named) reaches the amount;
//! - no amount, named invoices: every named invoice is settled (nothing open) by the deadline;
//! - no amount, no invoices ("the overdue balance"): every invoice that was overdue when the
//!   promise was made is settled by the deadline.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::calendar::BusinessCalendar;
use crate::ledger::{Invoice, Payment};
use crate::money_arith::{open_amount, saturating_add, saturating_sub};
use crate::promise::{Promise, PromiseStatus};

/// The full picture of one promise on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseAssessment {
    pub status: PromiseStatus,
    /// The last day payment counts: promised date plus the grace period in business days.
    pub deadline: NaiveDate,
    /// The amount promised, when the promise named one.
    pub promised: Option<Decimal>,
    /// Cash counted towards the promise so far (partial payments included).
    pub received: Decimal,
    /// What is still missing for the promise to be kept (zero once kept).
    pub remaining: Decimal,
}

/// The promise's status on `today`, with Monday–Friday business days for the grace period.
/// Settled statuses (kept, broken, cancelled) are returned unchanged: an assessment never reopens.
pub fn assess_promise(
    p: &Promise,
    invoices: &[Invoice],
    payments: &[Payment],
    today: NaiveDate,
    grace_business_days: u32,
) -> PromiseStatus {
    assess_promise_with(
        p,
        invoices,
        payments,
        today,
        grace_business_days,
        &BusinessCalendar::default(),
    )
    .status
}

/// [`assess_promise`] with an explicit calendar, returning amounts and the deadline too.
pub fn assess_promise_with(
    p: &Promise,
    invoices: &[Invoice],
    payments: &[Payment],
    today: NaiveDate,
    grace_business_days: u32,
    calendar: &BusinessCalendar,
) -> PromiseAssessment {
    let deadline = calendar.add_business_days(p.promised_date, grace_business_days);
    let made_on = p.made_at.date_naive();
    // Cash only counts once it has arrived (`today`) and only up to the deadline.
    let window_end = deadline.min(today);

    let received = received_towards(p, payments, made_on, window_end);
    let (covered, remaining) = match p.amount {
        Some(amount) => {
            let remaining = saturating_sub(amount, received).max(Decimal::ZERO);
            (remaining.is_zero(), remaining)
        }
        None => {
            let mut open = Decimal::ZERO;
            let mut all_settled = true;
            let overdue_scope = invoices.iter().any(|i| overdue_when_made(p, i, made_on));
            for inv in invoices
                .iter()
                .filter(|i| promised_invoice(p, i, made_on, overdue_scope))
            {
                let open_now = open_amount(inv);
                let settled_in_time =
                    open_now.is_zero() && inv.paid_on.is_none_or(|d| d <= deadline);
                if !settled_in_time {
                    all_settled = false;
                    open = saturating_add(open, open_now);
                }
            }
            (all_settled, open)
        }
    };

    let status = if p.status != PromiseStatus::Active {
        p.status
    } else if covered {
        PromiseStatus::Kept
    } else if today > deadline {
        PromiseStatus::Broken
    } else {
        PromiseStatus::Active
    };
    PromiseAssessment {
        status,
        deadline,
        promised: p.amount,
        received,
        remaining: if status == PromiseStatus::Kept {
            Decimal::ZERO
        } else {
            remaining
        },
    }
}

/// True when `inv` was overdue (and not credited away) when `p` was made, in its currency.
fn overdue_when_made(p: &Promise, inv: &Invoice, made_on: NaiveDate) -> bool {
    p.currency.is_none_or(|c| c == inv.currency)
        && inv.due_date < made_on
        && inv.total > inv.credited
}

/// True when `inv` is one the promise is about. A promise naming no invoices is about the
/// overdue balance as it stood when it was made or, when nothing was overdue then (a promise
/// made before the due date), about the invoices issued by then.
fn promised_invoice(p: &Promise, inv: &Invoice, made_on: NaiveDate, overdue_scope: bool) -> bool {
    if p.currency.is_some_and(|c| c != inv.currency) {
        return false;
    }
    if !p.invoice_ids.is_empty() {
        p.invoice_ids.contains(&inv.id)
    } else if overdue_scope {
        overdue_when_made(p, inv, made_on)
    } else {
        inv.issue_date <= made_on && inv.total > inv.credited
    }
}

/// Cash received in `[from, to]` that counts towards `p`.
fn received_towards(p: &Promise, payments: &[Payment], from: NaiveDate, to: NaiveDate) -> Decimal {
    let mut sum = Decimal::ZERO;
    for pay in payments {
        if pay.received_on < from || pay.received_on > to {
            continue;
        }
        if p.currency.is_some_and(|c| c != pay.currency) {
            continue;
        }
        if p.invoice_ids.is_empty() {
            sum = saturating_add(sum, pay.amount);
        } else {
            // Allocated to promised invoices, plus cash not yet applied (cash application lags).
            let mut allocated = Decimal::ZERO;
            for a in &pay.allocations {
                allocated = saturating_add(allocated, a.amount);
                if p.invoice_ids.contains(&a.invoice_id) {
                    sum = saturating_add(sum, a.amount);
                }
            }
            sum = saturating_add(
                sum,
                saturating_sub(pay.amount, allocated).max(Decimal::ZERO),
            );
        }
    }
    sum
}

/// An account's record of keeping its word.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseHistory {
    pub kept: u32,
    pub broken: u32,
    pub active: u32,
    pub cancelled: u32,
}

impl PromiseHistory {
    /// Share of settled promises that were kept, `None` before any settled.
    pub fn kept_ratio(&self) -> Option<Decimal> {
        let settled = self.kept + self.broken;
        (settled > 0).then(|| Decimal::from(self.kept) / Decimal::from(settled))
    }
}

/// Counts promises by status.
pub fn promise_history(promises: &[Promise]) -> PromiseHistory {
    let mut h = PromiseHistory::default();
    for p in promises {
        match p.status {
            PromiseStatus::Kept => h.kept += 1,
            PromiseStatus::Broken => h.broken += 1,
            PromiseStatus::Active => h.active += 1,
            PromiseStatus::Cancelled => h.cancelled += 1,
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::InvoiceStatus;
    use crate::test_support::*;

    #[test]
    fn partial_payments_add_up_to_a_kept_promise() {
        // Promise on Fri 2026-11-27 for 1000, made on the 20th; grace 2 business days → Tue 12-01.
        let p = promise(d(2026, 11, 27), Some("1000"), &["a"], at(2026, 11, 20, 10));
        let invs = [invoice("a", d(2026, 11, 1), "1000", "0")];
        let first = [payment("x", d(2026, 11, 24), "400", &[("a", "400")])];
        assert_eq!(
            assess_promise(&p, &invs, &first, d(2026, 11, 25), 2),
            PromiseStatus::Active
        );
        let r = assess_promise_with(
            &p,
            &invs,
            &first,
            d(2026, 11, 25),
            2,
            &BusinessCalendar::default(),
        );
        assert_eq!(
            (r.received, r.remaining, r.deadline),
            (dec("400"), dec("600"), d(2026, 12, 1))
        );
        // The rest arrives unapplied on Monday, inside the grace period.
        let both = [first[0].clone(), payment("y", d(2026, 11, 30), "600", &[])];
        assert_eq!(
            assess_promise(&p, &invs, &both, d(2026, 11, 30), 2),
            PromiseStatus::Kept
        );
        // Only part paid by the end of the grace: broken the day after.
        assert_eq!(
            assess_promise(&p, &invs, &first, d(2026, 12, 1), 2),
            PromiseStatus::Active
        );
        assert_eq!(
            assess_promise(&p, &invs, &first, d(2026, 12, 2), 2),
            PromiseStatus::Broken
        );
    }

    #[test]
    fn late_cash_and_cash_before_the_promise_do_not_count() {
        let p = promise(d(2026, 11, 27), Some("100"), &[], at(2026, 11, 20, 10));
        let pays = [
            payment("old", d(2026, 11, 19), "100", &[]),
            payment("late", d(2026, 12, 2), "100", &[]),
        ];
        assert_eq!(
            assess_promise(&p, &[], &pays, d(2026, 12, 3), 2),
            PromiseStatus::Broken
        );
    }

    #[test]
    fn promise_without_amount_is_kept_when_promised_invoices_settle_in_time() {
        let p = promise(d(2026, 11, 27), None, &[], at(2026, 11, 20, 10));
        let mut a = invoice("a", d(2026, 11, 1), "100", "100");
        a.status = InvoiceStatus::Paid;
        a.paid_on = Some(d(2026, 11, 26));
        let not_yet_due = invoice("b", d(2026, 12, 15), "100", "0");
        // Made before anything was due: the promise is about the open invoices.
        assert_eq!(
            assess_promise(
                &p,
                std::slice::from_ref(&not_yet_due),
                &[],
                d(2026, 11, 26),
                0
            ),
            PromiseStatus::Active
        );
        assert_eq!(
            assess_promise(
                &p,
                &[a.clone(), not_yet_due.clone()],
                &[],
                d(2026, 11, 26),
                0
            ),
            PromiseStatus::Kept
        );
        let still_open = invoice("c", d(2026, 11, 10), "50", "0");
        assert_eq!(
            assess_promise(
                &p,
                &[a.clone(), still_open.clone()],
                &[],
                d(2026, 11, 30),
                0
            ),
            PromiseStatus::Broken
        );
        // Paid after the deadline: broken even though settled now.
        a.paid_on = Some(d(2026, 12, 10));
        assert_eq!(
            assess_promise(&p, &[a], &[], d(2026, 12, 10), 0),
            PromiseStatus::Broken
        );
    }

    #[test]
    fn settled_promises_stay_settled_and_history_counts_them() {
        let mut p = promise(d(2026, 11, 27), Some("100"), &[], at(2026, 11, 20, 10));
        p.status = PromiseStatus::Cancelled;
        assert_eq!(
            assess_promise(&p, &[], &[], d(2026, 12, 30), 0),
            PromiseStatus::Cancelled
        );
        let mut k = p.clone();
        k.status = PromiseStatus::Kept;
        let mut b = p.clone();
        b.status = PromiseStatus::Broken;
        let h = promise_history(&[p, k.clone(), k, b]);
        assert_eq!((h.kept, h.broken, h.cancelled, h.active), (2, 1, 1, 0));
        assert_eq!(h.kept_ratio(), Some(Decimal::from(2) / Decimal::from(3)));
    }
}
