//! Aging: how old the open balance is, in the buckets every collections report uses.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Invoice;
use crate::money::Totals;

/// An account's open balance as of a date, split by days past due, per currency.
///
/// Every open amount lands in exactly one bucket, so the buckets add up to the open balance.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aging {
    /// Not yet due (due today or later).
    pub current: Totals,
    /// 1 to 30 days past due.
    pub d1_30: Totals,
    /// 31 to 60 days past due.
    pub d31_60: Totals,
    /// 61 to 90 days past due.
    pub d61_90: Totals,
    /// More than 90 days past due.
    pub d90_plus: Totals,
}

impl Aging {
    /// All buckets added together: the open balance per currency.
    pub fn total(&self) -> Totals {
        let mut t = Totals::new();
        for bucket in [
            &self.current,
            &self.d1_30,
            &self.d31_60,
            &self.d61_90,
            &self.d90_plus,
        ] {
            for (c, a) in bucket.iter() {
                t.add(c, a);
            }
        }
        t
    }

    /// Everything past due (all buckets but `current`).
    pub fn overdue(&self) -> Totals {
        let mut t = self.total();
        for (c, a) in self.current.iter() {
            t.add(c, -a);
        }
        t.without_zeros()
    }
}

/// Ages the open amount of `invoices` as of `today`. Invoices with nothing open (paid, void, draft,
/// uncollectible) are left out; currencies are never mixed.
pub fn aging(invoices: &[Invoice], today: NaiveDate) -> Aging {
    let mut a = Aging::default();
    for inv in invoices {
        let open = crate::money_arith::open_amount(inv);
        if open.is_zero() {
            continue;
        }
        let bucket = match inv.days_past_due(today) {
            i64::MIN..=0 => &mut a.current,
            1..=30 => &mut a.d1_30,
            31..=60 => &mut a.d31_60,
            61..=90 => &mut a.d61_90,
            _ => &mut a.d90_plus,
        };
        bucket.add(inv.currency, open);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::test_support::*;

    #[test]
    fn buckets_by_days_past_due_and_skips_closed_invoices() {
        let today = d(2026, 11, 30);
        let mut paid = invoice("p", d(2026, 1, 1), "50", "50");
        paid.status = super::super::InvoiceStatus::Paid;
        let mut usd = invoice("u", d(2026, 11, 29), "7", "0");
        usd.currency = Currency::USD;
        let invs = vec![
            invoice("a", d(2026, 11, 30), "100", "0"), // due today: current
            invoice("b", d(2026, 11, 29), "200", "50"), // 1 day
            invoice("c", d(2026, 10, 31), "300", "0"), // 30 days
            invoice("e", d(2026, 10, 30), "400", "0"), // 31 days
            invoice("f", d(2026, 9, 1), "500", "0"),   // 90 days
            invoice("g", d(2026, 8, 31), "600", "0"),  // 91 days
            paid,
            usd,
        ];
        let a = aging(&invs, today);
        assert_eq!(a.current.get(Currency::EUR), dec("100"));
        assert_eq!(a.d1_30.get(Currency::EUR), dec("450"));
        assert_eq!(a.d1_30.get(Currency::USD), dec("7"));
        assert_eq!(a.d31_60.get(Currency::EUR), dec("400"));
        assert_eq!(a.d61_90.get(Currency::EUR), dec("500"));
        assert_eq!(a.d90_plus.get(Currency::EUR), dec("600"));
        assert_eq!(a.total().get(Currency::EUR), dec("2050"));
        assert_eq!(a.overdue().get(Currency::EUR), dec("1950"));
    }
}
