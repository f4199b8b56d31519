//! Balances: what an account was billed, paid, was credited and still owes, per currency.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Invoice, InvoiceStatus};
use crate::money::Totals;
use crate::money_arith::{open_amount, saturating_sub};

/// Sums over an account's invoices, per currency. `total = paid + credited + open + adjustments`
/// holds exactly in every currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balances {
    /// Invoiced (every status except draft).
    pub total: Totals,
    pub paid: Totals,
    pub credited: Totals,
    /// Still owed on open invoices.
    pub open: Totals,
    /// What is neither paid, credited nor owed: the remainder of void or uncollectible invoices
    /// (positive) and overpayments (negative). Zero for a clean ledger of open and paid invoices.
    pub adjustments: Totals,
}

/// The split of one invoice's total, as in [`Balances`].
pub fn invoice_split(inv: &Invoice) -> (Decimal, Decimal, Decimal, Decimal) {
    let open = open_amount(inv);
    let adjustment = saturating_sub(
        saturating_sub(saturating_sub(inv.total, inv.paid), inv.credited),
        open,
    );
    (inv.paid, inv.credited, open, adjustment)
}

/// Sums `invoices` per currency. Drafts are not yet owed and are left out.
pub fn balances(invoices: &[Invoice]) -> Balances {
    let mut b = Balances::default();
    for inv in invoices {
        if inv.status == InvoiceStatus::Draft {
            continue;
        }
        let (paid, credited, open, adjustment) = invoice_split(inv);
        let c = inv.currency;
        b.total.add(c, inv.total);
        b.paid.add(c, paid);
        b.credited.add(c, credited);
        b.open.add(c, open);
        b.adjustments.add(c, adjustment);
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::InvoiceStatus;
    use crate::money::{Currency, Totals};
    use crate::test_support::*;
    use proptest::prelude::*;

    #[test]
    fn void_and_overpaid_invoices_show_up_as_adjustments() {
        let mut void = invoice("v", d(2026, 1, 1), "100", "0");
        void.status = InvoiceStatus::Void;
        let over = invoice("o", d(2026, 1, 1), "100", "120");
        let mut draft = invoice("d", d(2026, 1, 1), "999", "0");
        draft.status = InvoiceStatus::Draft;
        let b = balances(&[void, over, draft]);
        assert_eq!(b.total.get(Currency::EUR), dec("200"));
        assert_eq!(b.open.get(Currency::EUR), dec("0"));
        assert_eq!(b.adjustments.get(Currency::EUR), dec("-20") + dec("100"));
    }

    fn sum(parts: &[&Totals], c: Currency) -> Decimal {
        parts.iter().map(|t| t.get(c)).sum()
    }

    proptest! {
        /// Money conserves: for open invoices that are not overpaid, total = paid + credited +
        /// open exactly; over any ledger, total = paid + credited + open + adjustments.
        #[test]
        fn money_conserves(rows in proptest::collection::vec(
            (0i64..10_000_000, 0u32..=100, 0u32..=100, 0usize..5, any::<bool>()), 0..40)
        ) {
            let statuses = [InvoiceStatus::Open, InvoiceStatus::Paid, InvoiceStatus::Void,
                            InvoiceStatus::Uncollectible, InvoiceStatus::Open];
            let mut invs = Vec::new();
            for (i, (cents, paid_pct, cred_pct, st, usd)) in rows.iter().enumerate() {
                let cur = if *usd { Currency::USD } else { Currency::EUR };
                let total = cur.from_minor(*cents);
                let paid = cur.round(total * Decimal::from(*paid_pct) / Decimal::from(100));
                let credited = cur.round((total - paid).max(Decimal::ZERO) * Decimal::from(*cred_pct) / Decimal::from(100));
                let mut inv = invoice(&format!("i{i}"), d(2026, 1, 1), "0", "0");
                inv.currency = cur;
                inv.total = total;
                inv.paid = paid;
                inv.credited = credited;
                inv.status = statuses[*st];
                if inv.status == InvoiceStatus::Open {
                    prop_assert_eq!(inv.total, inv.paid + inv.credited + inv.open_amount());
                }
                invs.push(inv);
            }
            let b = balances(&invs);
            for c in [Currency::EUR, Currency::USD] {
                prop_assert_eq!(b.total.get(c), sum(&[&b.paid, &b.credited, &b.open, &b.adjustments], c));
                let open_only: Vec<_> = invs.iter().filter(|i| i.status == InvoiceStatus::Open).cloned().collect();
                let bo = balances(&open_only);
                prop_assert_eq!(bo.total.get(c), sum(&[&bo.paid, &bo.credited, &bo.open], c));
                // Aging distributes exactly the open balance.
                prop_assert_eq!(crate::ledger::aging(&invs, d(2026, 3, 1)).total().get(c), b.open.get(c));
            }
        }
    }
}
