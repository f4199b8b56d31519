//! Unapplied cash: money received that is not (yet) allocated to any invoice. It is the
//! cash-application queue, and money a customer may already consider paid.

use nudge_core::sorted_map::SortedMap;

use chrono::NaiveDate;
use nudge_core::money::Currency;
use nudge_core::money_arith::saturating_add;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::AccountFacts;

/// Unapplied cash of one currency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UnappliedCash {
    /// Sum of the payments' unapplied parts.
    pub amount: Decimal,
    /// Payments with an unapplied part.
    pub payments: u32,
}

/// Per currency: payments received before `to` with a part not allocated, as allocated now.
/// Over-allocated payments (a negative unapplied part, bad data) are not netted against others.
pub(crate) fn unapplied_cash(
    accounts: &[AccountFacts],
    to: NaiveDate,
    currency: Option<Currency>,
) -> SortedMap<Currency, UnappliedCash> {
    let mut out: SortedMap<Currency, UnappliedCash> = SortedMap::new();
    let payments = accounts.iter().flat_map(|f| f.book.payments.iter());
    for p in payments.filter(|p| p.received_on < to && currency.is_none_or(|c| c == p.currency)) {
        let unapplied = p.unapplied();
        if unapplied > Decimal::ZERO {
            let line = out.entry(p.currency).or_default();
            line.amount = saturating_add(line.amount, unapplied);
            line.payments += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::*;

    #[test]
    fn sums_unapplied_parts_per_currency_up_to_the_end() {
        let mut b = book("a");
        let mut usd = payment("u", d(2026, 3, 3), "40", &[]);
        usd.currency = Currency::USD;
        b.payments = vec![
            payment("p1", d(2026, 3, 1), "500", &[("i1", "300")]), // 200 unapplied
            payment("p2", d(2026, 3, 2), "100", &[("i1", "100")]), // fully applied
            payment("p3", d(2026, 3, 5), "50", &[]),               // 50 unapplied
            payment("p4", d(2026, 4, 1), "999", &[]),              // after the period
            usd,
        ];
        let u = unapplied_cash(&[facts(b, None)], d(2026, 4, 1), None);
        // EUR 200 + 50 = 250 over 2 payments; USD 40 apart.
        assert_eq!(
            u[&Currency::EUR],
            UnappliedCash {
                amount: dec("250"),
                payments: 2
            }
        );
        assert_eq!(
            u[&Currency::USD],
            UnappliedCash {
                amount: dec("40"),
                payments: 1
            }
        );
    }
}
