//! Receivables at a past date, rebuilt from the book as it stands now.
//!
//! The ledger keeps each invoice's current `paid` and `credited`, not a history of balances, but
//! it does keep the dated rows those came from: payments' allocations (dated by `received_on`)
//! and credit notes (dated by `issued_on`). An invoice's balance at the start of day `D` is
//! therefore its total, if it was issued before `D`, less the reductions dated before `D`.
//!
//! Rules, where the rows do not tell the whole story:
//! - Only open and paid invoices with a positive total are receivables. Drafts were never owed;
//!   void invoices should never have been; uncollectible ones were written off on a day the
//!   ledger does not record, so they are left out of every date (and of credit sales) rather
//!   than counted as collected.
//! - What is paid beyond the dated allocations (Stripe reports `amount_paid` without a payment
//!   row) is dated at `paid_on`, or at the issue date when there is none; what is credited
//!   beyond the credit notes (discounts, customer balance applied at finalisation) at the issue
//!   date. A paid invoice is settled in full by its `paid_on` at the latest.
//! - A reduction dated before the issue date (a prepayment allocated later) counts from the
//!   issue date; allocations from a payment in another currency are not dated (they fall back
//!   like an undated payment).
//! - The reductions are capped so that they add up to exactly `total − open`: far enough in the
//!   future, every restated balance is the invoice's `open_amount()`, and aging the restated book
//!   at any date after the last row is aging the book as it is.

use std::collections::HashMap;

use chrono::NaiveDate;
use nudge_core::ledger::{AccountBook, Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use nudge_core::money_arith::{open_amount, saturating_add, saturating_sub};
use rust_decimal::Decimal;

/// One receivable invoice with the dated reductions of its balance.
#[derive(Debug, Clone)]
pub(crate) struct InvoiceHistory<'a> {
    pub invoice: &'a Invoice,
    /// Reductions with their dates, each on or after the issue date (not necessarily in order:
    /// `paid_on` may precede a dated row, so `open_at` filters rather than stops early).
    reductions: Vec<(NaiveDate, Decimal)>,
}

impl<'a> InvoiceHistory<'a> {
    pub fn currency(&self) -> Currency {
        self.invoice.currency
    }

    pub fn issue_date(&self) -> NaiveDate {
        self.invoice.issue_date
    }

    pub fn due_date(&self) -> NaiveDate {
        self.invoice.due_date
    }

    /// The invoice's total: what it added to credit sales on its issue date.
    pub fn total(&self) -> Decimal {
        self.invoice.total
    }

    /// The balance at the start of `day`: zero before (and on) the issue date, then the total
    /// less every reduction dated before `day`.
    pub fn open_at(&self, day: NaiveDate) -> Decimal {
        if self.invoice.issue_date >= day {
            return Decimal::ZERO;
        }
        let reduced = self
            .reductions
            .iter()
            .filter(|(on, _)| *on < day)
            .fold(Decimal::ZERO, |acc, (_, a)| saturating_add(acc, *a));
        saturating_sub(self.invoice.total, reduced).max(Decimal::ZERO)
    }

    /// The invoice as it stood at the start of `day`: open, owing [`Self::open_at`]. Lets the
    /// restated book go through `nudge_core::ledger::aging`, so the buckets are the ones the
    /// account view shows.
    pub fn as_of(&self, day: NaiveDate) -> Invoice {
        Invoice {
            total: self.open_at(day),
            paid: Decimal::ZERO,
            credited: Decimal::ZERO,
            status: InvoiceStatus::Open,
            paid_on: None,
            ..self.invoice.clone()
        }
    }
}

/// One account, ready for the metrics: its normalised stage and its restated invoices (kept to
/// the currency asked for, if any).
pub(crate) struct AccountView<'a> {
    pub stage: String,
    pub invoices: Vec<InvoiceHistory<'a>>,
}

/// Restates every account once, for all the metrics to share.
pub(crate) fn views(
    facts: &[crate::AccountFacts],
    currency: Option<Currency>,
) -> Vec<AccountView<'_>> {
    facts
        .iter()
        .map(|f| {
            let mut invoices = histories(&f.book);
            invoices.retain(|h| currency.is_none_or(|c| c == h.currency()));
            AccountView {
                stage: f.stage_name(),
                invoices,
            }
        })
        .collect()
}

/// The receivable invoices of `book`, each with its dated reductions.
pub(crate) fn histories(book: &AccountBook) -> Vec<InvoiceHistory<'_>> {
    // Index the dated rows once per book: allocations and credit notes by invoice id.
    let mut allocated: HashMap<&str, Vec<(NaiveDate, Currency, Decimal)>> = HashMap::new();
    for pay in &book.payments {
        for a in &pay.allocations {
            allocated.entry(a.invoice_id.as_str()).or_default().push((
                pay.received_on,
                pay.currency,
                a.amount,
            ));
        }
    }
    let mut credited: HashMap<&str, Vec<(NaiveDate, Currency, Decimal)>> = HashMap::new();
    for cn in book.credit_notes.iter().filter(|c| !c.voided) {
        if let Some(id) = cn.invoice_id.as_deref() {
            credited
                .entry(id)
                .or_default()
                .push((cn.issued_on, cn.currency, cn.amount));
        }
    }
    let none = Vec::new();
    book.invoices
        .iter()
        .filter(|inv| is_receivable(inv))
        .map(|inv| {
            let allocs = allocated.get(inv.id.as_str()).unwrap_or(&none);
            let notes = credited.get(inv.id.as_str()).unwrap_or(&none);
            InvoiceHistory {
                invoice: inv,
                reductions: reductions(inv, allocs, notes),
            }
        })
        .collect()
}

/// Open or paid, with something to pay: the invoices that are (or were) receivables.
fn is_receivable(inv: &Invoice) -> bool {
    matches!(inv.status, InvoiceStatus::Open | InvoiceStatus::Paid) && inv.total > Decimal::ZERO
}

/// The dated reductions of `inv`, adding up to exactly `total − open` (see the module rules).
fn reductions(
    inv: &Invoice,
    allocs: &[(NaiveDate, Currency, Decimal)],
    notes: &[(NaiveDate, Currency, Decimal)],
) -> Vec<(NaiveDate, Decimal)> {
    let issued = inv.issue_date;
    let settled_by = inv.paid_on.unwrap_or(issued).max(issued);
    let mut dated: Vec<(NaiveDate, Decimal)> = Vec::new();

    // Dated rows, each capped by what the invoice itself says was paid or credited: the
    // invoice's own figures are the billing system's truth, the rows only date them.
    let mut take = |rows: &[(NaiveDate, Currency, Decimal)], cap: Decimal| -> Decimal {
        let mut rows: Vec<_> = rows
            .iter()
            .filter(|(_, c, a)| *c == inv.currency && *a > Decimal::ZERO)
            .collect();
        nudge_core::order::sort_by_key(&mut rows, |(on, _, _)| *on);
        let mut left = cap.max(Decimal::ZERO);
        for (on, _, amount) in rows {
            let part = (*amount).min(left);
            if part.is_zero() {
                break;
            }
            dated.push(((*on).max(issued), part));
            left = saturating_sub(left, part);
        }
        left
    };
    let paid_undated = take(allocs, inv.paid);
    let credited_undated = take(notes, inv.credited);
    dated.push((issued, credited_undated));
    dated.push((settled_by, paid_undated));
    nudge_core::order::sort_by_key(&mut dated, |(on, _)| *on);

    // Cap the whole at `total − open` (paid + credited may exceed the total: an overpayment),
    // and for a paid invoice top up to the total by `paid_on`.
    let target = saturating_sub(inv.total, open_amount(inv));
    let mut left = target;
    let mut out = Vec::with_capacity(dated.len() + 1);
    for (on, amount) in dated {
        let part = amount.min(left);
        if part > Decimal::ZERO {
            out.push((on, part));
            left = saturating_sub(left, part);
        }
    }
    if left > Decimal::ZERO {
        out.push((settled_by, left));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    #[test]
    fn a_partly_paid_invoice_owes_its_total_until_each_payment_arrives() {
        // Issued 01-10 for 1000; 300 allocated on 02-05, credit note of 200 on 02-20.
        let mut b = book("a");
        let mut inv = invoice("i1", d(2026, 1, 10), d(2026, 2, 9), "1000");
        inv.paid = dec("300");
        inv.credited = dec("200");
        b.invoices.push(inv);
        b.payments
            .push(payment("p1", d(2026, 2, 5), "300", &[("i1", "300")]));
        b.credit_notes
            .push(credit_note("c1", "i1", d(2026, 2, 20), "200"));
        let h = histories(&b);
        let h = &h[0];
        assert_eq!(h.open_at(d(2026, 1, 10)), dec("0")); // not issued yet at the start of 01-10
        assert_eq!(h.open_at(d(2026, 1, 11)), dec("1000"));
        assert_eq!(h.open_at(d(2026, 2, 5)), dec("1000")); // paid during 02-05
        assert_eq!(h.open_at(d(2026, 2, 6)), dec("700")); // 1000 − 300
        assert_eq!(h.open_at(d(2026, 2, 21)), dec("500")); // 700 − 200 = open_amount()
        assert_eq!(h.open_at(d(2030, 1, 1)), b.invoices[0].open_amount());
    }

    #[test]
    fn undated_payments_fall_on_paid_on_and_closed_statuses_are_not_receivables() {
        let mut b = book("a");
        // Paid through Stripe, no payment row: settled on paid_on 03-03.
        let mut paid = invoice("i1", d(2026, 2, 1), d(2026, 3, 1), "500");
        paid.status = InvoiceStatus::Paid;
        paid.paid = dec("500");
        paid.paid_on = Some(d(2026, 3, 3));
        let mut void = invoice("i2", d(2026, 2, 1), d(2026, 3, 1), "900");
        void.status = InvoiceStatus::Void;
        let mut bad = invoice("i3", d(2026, 2, 1), d(2026, 3, 1), "800");
        bad.status = InvoiceStatus::Uncollectible;
        b.invoices = vec![paid, void, bad];
        let h = histories(&b);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].open_at(d(2026, 3, 3)), dec("500"));
        assert_eq!(h[0].open_at(d(2026, 3, 4)), dec("0"));
    }

    #[test]
    fn overpayments_and_prepayments_are_capped_and_dated_from_issue() {
        let mut b = book("a");
        // 120 paid on a 100 invoice, received before it was issued: settled from 01-10 on.
        let mut inv = invoice("i1", d(2026, 1, 10), d(2026, 2, 9), "100");
        inv.paid = dec("120");
        b.invoices.push(inv);
        b.payments
            .push(payment("p1", d(2026, 1, 2), "120", &[("i1", "120")]));
        let h = histories(&b);
        assert_eq!(h[0].open_at(d(2026, 1, 10)), dec("0"));
        assert_eq!(h[0].open_at(d(2026, 1, 11)), dec("0"));
        assert_eq!(h[0].reductions, vec![(d(2026, 1, 10), dec("100"))]);
    }

    #[test]
    fn a_paid_on_before_later_rows_settles_the_rest_on_paid_on() {
        // 1000 issued 01-10, status paid with paid_on 02-01 but `paid` never filled in, and a
        // credit note of 100 on 02-20: the 900 the rows do not explain fall on 02-01, the credit
        // note on 02-20. Open at 02-02 = 1000 − 900 = 100; at 02-21 = 0.
        let mut b = book("a");
        let mut inv = invoice("i1", d(2026, 1, 10), d(2026, 2, 9), "1000");
        inv.status = InvoiceStatus::Paid;
        inv.credited = dec("100");
        inv.paid_on = Some(d(2026, 2, 1));
        b.invoices.push(inv);
        b.credit_notes
            .push(credit_note("c1", "i1", d(2026, 2, 20), "100"));
        let h = histories(&b);
        assert_eq!(h[0].open_at(d(2026, 2, 1)), dec("1000"));
        assert_eq!(h[0].open_at(d(2026, 2, 2)), dec("100"));
        assert_eq!(h[0].open_at(d(2026, 2, 21)), dec("0"));
    }
}
