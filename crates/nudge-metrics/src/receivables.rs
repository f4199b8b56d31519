//! Receivables over a period, per currency: balances at both ends, credit sales, DSO three ways
//! and the Collection Effectiveness Index.
//!
//! The formulas are public functions of plain numbers ([`count_back_dso`], [`simple_dso`],
//! [`best_possible_dso`], [`cei`]) so that each can be checked by hand; [`receivables`] feeds them
//! from the restated book (see `restate`).

use chrono::{Months, NaiveDate};
use nudge_core::money::Currency;
use nudge_core::money_arith::{saturating_add, saturating_mul, saturating_sub};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::ratio::round1;
use crate::restate::InvoiceHistory;
use crate::Period;

/// How far back the count-back may go: 100 years of months. Receivables at `to` are always
/// exhausted by the sales that created them, so this only bounds a loop over absurd dates.
const MAX_COUNT_BACK_MONTHS: u32 = 1200;

/// The receivables side of one currency over the period. Amounts at the currency's scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receivables {
    /// Open at the start of `from`.
    pub beginning: Decimal,
    /// Open at the start of `to` (after the period's last day).
    pub ending: Decimal,
    /// Of `ending`, what was not yet due at `to` (due on `to` or later).
    pub ending_current: Decimal,
    /// Totals of the invoices issued in the period.
    pub credit_sales: Decimal,
    /// Collections and credits in the period: `beginning + credit_sales − ending`.
    pub collected: Decimal,
}

/// Days sales outstanding, three ways. `None` when there is nothing to divide by (no credit
/// sales in the period; for the count-back, no sales at all before `to`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dso {
    /// Count-back: the days of most recent credit sales that the ending receivables amount to.
    pub count_back: Option<Decimal>,
    /// `ending_current / credit_sales × days`: the DSO if every customer paid on time.
    pub best_possible: Option<Decimal>,
    /// `ending / credit_sales × days`: the textbook average, for comparison.
    pub simple: Option<Decimal>,
}

/// One month-long slice of credit sales, newest first in a count-back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SalesSlice {
    /// Days the slice spans.
    pub days: i64,
    /// Credit sales issued in it.
    pub sales: Decimal,
}

/// DSO by the count-back method: walk back from the end of the period one slice (month) at a
/// time, subtracting each slice's credit sales from the receivables; every slice fully absorbed
/// adds its days, and the slice where the receivables run out adds its share
/// `remaining / sales × days`. Rounded to one decimal.
///
/// Unlike the simple average, the result does not move when sales are seasonal: receivables are
/// compared with the sales that most plausibly produced them. `None` when the slices run out
/// before the receivables do (there were not enough sales to explain them).
pub fn count_back_dso(
    receivables: Decimal,
    slices_newest_first: impl IntoIterator<Item = SalesSlice>,
) -> Option<Decimal> {
    let mut remaining = receivables;
    let mut days = Decimal::ZERO;
    if remaining <= Decimal::ZERO {
        return Some(Decimal::ZERO);
    }
    for slice in slices_newest_first {
        let slice_days = Decimal::from(slice.days);
        if slice.sales > Decimal::ZERO && remaining <= slice.sales {
            let share = saturating_mul(remaining.checked_div(slice.sales)?, slice_days);
            return Some(round1(saturating_add(days, share)));
        }
        remaining = saturating_sub(remaining, slice.sales.max(Decimal::ZERO));
        days = saturating_add(days, slice_days);
    }
    None
}

/// `receivables / credit_sales × days`, rounded to one decimal; `None` without sales.
pub fn simple_dso(receivables: Decimal, credit_sales: Decimal, days: i64) -> Option<Decimal> {
    per_sales(receivables, credit_sales, days)
}

/// `current_receivables / credit_sales × days` (current = not yet due), rounded to one decimal:
/// the floor that terms alone impose, so `simple − best_possible` is the delay customers add.
pub fn best_possible_dso(
    current_receivables: Decimal,
    credit_sales: Decimal,
    days: i64,
) -> Option<Decimal> {
    per_sales(current_receivables, credit_sales, days)
}

fn per_sales(amount: Decimal, credit_sales: Decimal, days: i64) -> Option<Decimal> {
    if credit_sales <= Decimal::ZERO {
        return None;
    }
    let ratio = amount.checked_div(credit_sales)?;
    Some(round1(saturating_mul(ratio, Decimal::from(days))))
}

/// Collection Effectiveness Index, in percent, rounded to one decimal:
///
/// `(beginning + credit_sales − ending) / (beginning + credit_sales − ending_current) × 100`
///
/// What was collected, over what could have been (everything except what was not yet due at the
/// end). 100 means every amount that fell due was collected. `None` when nothing could have been
/// collected (the denominator is zero or negative). Between 0 and 100 whenever balances only go
/// down between issue and payment, which the ledger guarantees.
pub fn cei(
    beginning: Decimal,
    credit_sales: Decimal,
    ending: Decimal,
    ending_current: Decimal,
) -> Option<Decimal> {
    let available = saturating_add(beginning, credit_sales);
    let collectible = saturating_sub(available, ending_current);
    if collectible <= Decimal::ZERO {
        return None;
    }
    let collected = saturating_sub(available, ending);
    let ratio = collected.checked_div(collectible)?;
    Some(round1(saturating_mul(ratio, Decimal::ONE_HUNDRED)))
}

/// The receivables figures and DSO/CEI of one currency, from the restated invoices of that
/// currency (every account's).
pub(crate) fn receivables(
    currency: Currency,
    invoices: &[&InvoiceHistory<'_>],
    period: &Period,
) -> (Receivables, Dso, Option<Decimal>) {
    let (from, to) = (period.from(), period.to());
    let mut beginning = Decimal::ZERO;
    let mut ending = Decimal::ZERO;
    let mut ending_current = Decimal::ZERO;
    let mut credit_sales = Decimal::ZERO;
    // Sales by issue date, for the count-back's monthly slices.
    let mut sales: Vec<(NaiveDate, Decimal)> = Vec::with_capacity(invoices.len());
    for h in invoices {
        beginning = saturating_add(beginning, h.open_at(from));
        let open = h.open_at(to);
        ending = saturating_add(ending, open);
        if h.due_date() >= to {
            ending_current = saturating_add(ending_current, open);
        }
        if period.contains(h.issue_date()) {
            credit_sales = saturating_add(credit_sales, h.total());
        }
        sales.push((h.issue_date(), h.total()));
    }
    nudge_core::order::sort_by_key(&mut sales, |(on, _)| *on);

    let slices =
        month_slices(to, sales.first().map(|(on, _)| *on)).map(|(start, end)| SalesSlice {
            days: (end - start).num_days(),
            sales: sales_between(&sales, start, end),
        });
    let dso = Dso {
        count_back: count_back_dso(ending, slices),
        best_possible: best_possible_dso(ending_current, credit_sales, period.days()),
        simple: simple_dso(ending, credit_sales, period.days()),
    };
    let index = cei(beginning, credit_sales, ending, ending_current);
    let r = Receivables {
        beginning: currency.round(beginning),
        ending: currency.round(ending),
        ending_current: currency.round(ending_current),
        credit_sales: currency.round(credit_sales),
        collected: currency.round(saturating_sub(
            saturating_add(beginning, credit_sales),
            ending,
        )),
    };
    (r, dso, index)
}

/// Month-long slices `[to − k months, to − (k−1) months)`, newest first, until one ends on or
/// before the first sale (nothing older can explain receivables). Each boundary is computed from
/// `to` itself, so short months do not make the slices drift (`to` = 03-31 gives 02-28..03-31,
/// 01-31..02-28, …).
fn month_slices(
    to: NaiveDate,
    first_sale: Option<NaiveDate>,
) -> impl Iterator<Item = (NaiveDate, NaiveDate)> {
    (1..=MAX_COUNT_BACK_MONTHS).map_while(move |k| {
        let first = first_sale?;
        let end = to.checked_sub_months(Months::new(k - 1))?;
        let start = to.checked_sub_months(Months::new(k))?;
        (end > first).then_some((start, end))
    })
}

/// Sales with issue dates in `[from, to)`, from a list sorted by date.
fn sales_between(sorted: &[(NaiveDate, Decimal)], from: NaiveDate, to: NaiveDate) -> Decimal {
    let lo = sorted.partition_point(|(on, _)| *on < from);
    let hi = sorted.partition_point(|(on, _)| *on < to);
    sorted[lo..hi]
        .iter()
        .fold(Decimal::ZERO, |acc, (_, a)| saturating_add(acc, *a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restate::histories;
    use crate::test_support::*;

    fn slice(days: i64, sales: &str) -> SalesSlice {
        SalesSlice {
            days,
            sales: dec(sales),
        }
    }

    #[test]
    fn count_back_absorbs_whole_months_then_a_share_of_the_last() {
        // Receivables 2500; March (31 d) sold 1000, February (28 d) 2000, January (31 d) 3000.
        // March absorbs 1000 → 31 days, 1500 left; February: 1500 / 2000 × 28 = 21 days.
        // DSO = 31 + 21 = 52.0.
        let months = [slice(31, "1000"), slice(28, "2000"), slice(31, "3000")];
        assert_eq!(count_back_dso(dec("2500"), months), Some(dec("52.0")));
        // Nothing owed: zero days. More owed than ever sold: undefined.
        assert_eq!(count_back_dso(dec("0"), months), Some(dec("0")));
        assert_eq!(count_back_dso(dec("7000"), months), None);
        // A month without sales adds all its days: 31 + 28 + 500/3000 × 31 = 59 + 5.1666… = 64.2.
        let gap = [slice(31, "0"), slice(28, "0"), slice(31, "3000")];
        assert_eq!(count_back_dso(dec("500"), gap), Some(dec("64.2")));
    }

    #[test]
    fn simple_best_possible_and_cei_by_hand() {
        // 90-day quarter, sales 6000, receivables 2500 of which 1000 not yet due.
        // simple = 2500 / 6000 × 90 = 37.5; best possible = 1000 / 6000 × 90 = 15.0.
        assert_eq!(simple_dso(dec("2500"), dec("6000"), 90), Some(dec("37.5")));
        assert_eq!(
            best_possible_dso(dec("1000"), dec("6000"), 90),
            Some(dec("15.0"))
        );
        assert_eq!(simple_dso(dec("2500"), dec("0"), 90), None);
        // CEI: beginning 4000, sales 6000, ending 2500, ending current 1000.
        // (4000 + 6000 − 2500) / (4000 + 6000 − 1000) × 100 = 7500 / 9000 × 100 = 83.3.
        assert_eq!(
            cei(dec("4000"), dec("6000"), dec("2500"), dec("1000")),
            Some(dec("83.3"))
        );
        // Everything that fell due was collected: 100. Nothing collectible: undefined.
        assert_eq!(
            cei(dec("0"), dec("1000"), dec("400"), dec("400")),
            Some(dec("100.0"))
        );
        assert_eq!(cei(dec("0"), dec("1000"), dec("1000"), dec("1000")), None);
    }

    /// Three invoices over the first quarter of 2026, one account:
    ///
    /// | invoice | issued | due   | total | paid           |
    /// | ------- | ------ | ----- | ----- | -------------- |
    /// | A       | 01-05  | 02-04 | 3000  | 3000 on 02-10  |
    /// | B       | 02-10  | 03-12 | 2000  | 500 on 03-20   |
    /// | C       | 03-15  | 04-14 | 1000  | —              |
    ///
    /// Period Q1 = [01-01, 04-01), 90 days. At 04-01: A 0, B 1500 (overdue), C 1000 (current).
    #[test]
    fn dso_and_cei_of_a_three_invoice_quarter() {
        let mut b = book("acme");
        let mut a = invoice("A", d(2026, 1, 5), d(2026, 2, 4), "3000");
        a.paid = dec("3000");
        a.status = nudge_core::ledger::InvoiceStatus::Paid;
        a.paid_on = Some(d(2026, 2, 10));
        let mut bi = invoice("B", d(2026, 2, 10), d(2026, 3, 12), "2000");
        bi.paid = dec("500");
        let c = invoice("C", d(2026, 3, 15), d(2026, 4, 14), "1000");
        b.invoices = vec![a, bi, c];
        b.payments = vec![
            payment("pa", d(2026, 2, 10), "3000", &[("A", "3000")]),
            payment("pb", d(2026, 3, 20), "500", &[("B", "500")]),
        ];
        let hs = histories(&b);
        let refs: Vec<_> = hs.iter().collect();
        let q1 = Period::month(2026, 1)
            .and_then(|jan| Period::new(jan.from(), d(2026, 4, 1)))
            .unwrap();
        let (r, dso, index) = receivables(Currency::EUR, &refs, &q1);
        // Beginning 0 (nothing issued before 01-01); sales 3000 + 2000 + 1000 = 6000;
        // ending 1500 + 1000 = 2500, of which current (C, due 04-14) 1000; collected 3500.
        assert_eq!(
            (
                r.beginning,
                r.credit_sales,
                r.ending,
                r.ending_current,
                r.collected
            ),
            (
                dec("0.00"),
                dec("6000.00"),
                dec("2500.00"),
                dec("1000.00"),
                dec("3500.00")
            )
        );
        // Count-back from 04-01: March (31 d) sold 1000 (C) → 1500 left, 31 days;
        // February (28 d) sold 2000 (B): 1500 / 2000 × 28 = 21 → 52.0 days.
        // Simple: 2500 / 6000 × 90 = 37.5. Best possible: 1000 / 6000 × 90 = 15.0.
        assert_eq!(
            dso,
            Dso {
                count_back: Some(dec("52.0")),
                best_possible: Some(dec("15.0")),
                simple: Some(dec("37.5")),
            }
        );
        // CEI = (0 + 6000 − 2500) / (0 + 6000 − 1000) × 100 = 3500 / 5000 × 100 = 70.0.
        assert_eq!(index, Some(dec("70.0")));

        // March alone: beginning at 03-01 is B's 2000 (A was paid 02-10); sales 1000 (C);
        // ending 2500, current 1000. CEI = (2000 + 1000 − 2500) / (2000 + 1000 − 1000) × 100
        // = 500 / 2000 × 100 = 25.0. Simple DSO = 2500 / 1000 × 31 = 77.5.
        let (r, dso, index) = receivables(Currency::EUR, &refs, &Period::month(2026, 3).unwrap());
        assert_eq!(r.beginning, dec("2000.00"));
        assert_eq!(index, Some(dec("25.0")));
        assert_eq!(dso.simple, Some(dec("77.5")));
        assert_eq!(dso.count_back, Some(dec("52.0")));
    }

    #[test]
    fn month_slices_do_not_drift_over_short_months() {
        let s: Vec<_> = month_slices(d(2026, 3, 31), Some(d(2026, 1, 1))).collect();
        assert_eq!(
            s,
            vec![
                (d(2026, 2, 28), d(2026, 3, 31)),
                (d(2026, 1, 31), d(2026, 2, 28)),
                (d(2025, 12, 31), d(2026, 1, 31)),
            ]
        );
        assert_eq!(month_slices(d(2026, 3, 31), None).count(), 0);
    }
}
