//! What is owed at the end of the period and where the chase stands: aging buckets per currency,
//! overdue exposure by stage, and the share of overdue accounts at each stage.
//!
//! "Overdue" is the aging definition: open at `to` with a due date before `to` (one day past due
//! or more), whatever Stripe's automatic collection is doing. So the stages' exposure adds up to
//! the aging's overdue buckets exactly.

use nudge_core::sorted_map::SortedMap;

use chrono::NaiveDate;
use nudge_core::ledger::{aging, Aging, Invoice};
use nudge_core::money::{Currency, Totals};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::facts::stage_rank;
use crate::ratio::percent;
use crate::restate::AccountView;

/// The open balance of one currency at `to`, by days past due (nudge-core's buckets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgingBuckets {
    /// Not yet due (due on `to` or later).
    pub current: Decimal,
    /// 1–30 days past due.
    pub d1_30: Decimal,
    /// 31–60 days past due.
    pub d31_60: Decimal,
    /// 61–90 days past due.
    pub d61_90: Decimal,
    /// More than 90 days past due.
    pub d90_plus: Decimal,
    /// Every bucket but `current`.
    pub overdue: Decimal,
    /// All buckets: the ending receivables.
    pub total: Decimal,
}

impl AgingBuckets {
    /// One currency's line of a per-currency [`Aging`], at the currency's scale.
    pub fn of(aging: &Aging, currency: Currency) -> Self {
        let get = |t: &Totals| currency.round(t.get(currency));
        AgingBuckets {
            current: get(&aging.current),
            d1_30: get(&aging.d1_30),
            d31_60: get(&aging.d31_60),
            d61_90: get(&aging.d61_90),
            d90_plus: get(&aging.d90_plus),
            overdue: get(&aging.overdue()),
            total: get(&aging.total()),
        }
    }
}

/// Overdue money of one currency at one stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageExposure {
    /// The stage name (`"none"` for accounts not being chased).
    pub stage: String,
    /// Accounts at this stage with something overdue in this currency.
    pub accounts: u32,
    /// Their overdue open amount, in this currency.
    pub amount: Decimal,
}

/// How many of the accounts with something overdue are at each stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    /// Accounts with an overdue open amount at `to` (in any currency, or in the one asked for).
    pub accounts_overdue: u32,
    /// One line per stage that has such accounts, in ladder order.
    pub by_stage: Vec<StageShare>,
}

/// One stage's share of the overdue accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageShare {
    /// The stage name.
    pub stage: String,
    /// Accounts at this stage with something overdue.
    pub accounts: u32,
    /// `accounts / accounts_overdue × 100`, one decimal.
    pub percent: Decimal,
}

/// Each account's restated book aged at `day`; `Aging` keeps currencies apart.
fn aged(view: &AccountView<'_>, day: NaiveDate) -> Aging {
    let invoices: Vec<Invoice> = view.invoices.iter().map(|h| h.as_of(day)).collect();
    aging(&invoices, day)
}

/// Everything this module reports, computed in one pass over the accounts.
pub(crate) struct Exposure {
    /// The whole book's aging at `to`, per currency.
    pub aging: Aging,
    /// Per currency, per stage: (accounts, overdue amount).
    pub by_stage: SortedMap<Currency, SortedMap<String, (u32, Decimal)>>,
    pub escalation: Escalation,
}

impl Exposure {
    /// The stage lines of one currency, in ladder order.
    pub fn stages(&self, currency: Currency) -> Vec<StageExposure> {
        let mut lines: Vec<StageExposure> = self
            .by_stage
            .get(&currency)
            .into_iter()
            .flatten()
            .map(|(stage, (accounts, amount))| StageExposure {
                stage: stage.clone(),
                accounts: *accounts,
                amount: currency.round(*amount),
            })
            .collect();
        nudge_core::order::sort_by(&mut lines, |a, b| {
            stage_rank(&a.stage).cmp(&stage_rank(&b.stage))
        });
        lines
    }
}

/// Ages every account at `to` and groups the overdue part by the account's stage.
pub(crate) fn exposure(views: &[AccountView<'_>], to: NaiveDate) -> Exposure {
    let mut book_aging = Aging::default();
    let mut by_stage: SortedMap<Currency, SortedMap<String, (u32, Decimal)>> = SortedMap::new();
    let mut overdue_accounts: SortedMap<String, u32> = SortedMap::new();
    let mut accounts_overdue = 0u32;
    for view in views {
        let a = aged(view, to);
        merge(&mut book_aging, &a);
        let overdue = a.overdue();
        if overdue.is_zero() {
            continue;
        }
        accounts_overdue += 1;
        *overdue_accounts.entry(view.stage.clone()).or_default() += 1;
        for (currency, amount) in overdue.iter() {
            let line = by_stage
                .entry(currency)
                .or_default()
                .entry(view.stage.clone())
                .or_default();
            line.0 += 1;
            line.1 = nudge_core::money_arith::saturating_add(line.1, amount);
        }
    }
    let mut shares: Vec<StageShare> = overdue_accounts
        .into_iter()
        .map(|(stage, accounts)| StageShare {
            stage,
            accounts,
            percent: percent(accounts, accounts_overdue).unwrap_or(Decimal::ZERO),
        })
        .collect();
    nudge_core::order::sort_by(&mut shares, |a, b| {
        stage_rank(&a.stage).cmp(&stage_rank(&b.stage))
    });
    Exposure {
        aging: book_aging,
        by_stage,
        escalation: Escalation {
            accounts_overdue,
            by_stage: shares,
        },
    }
}

/// Adds `part` into `whole`, bucket by bucket, currency by currency.
fn merge(whole: &mut Aging, part: &Aging) {
    for (w, p) in [
        (&mut whole.current, &part.current),
        (&mut whole.d1_30, &part.d1_30),
        (&mut whole.d31_60, &part.d31_60),
        (&mut whole.d61_90, &part.d61_90),
        (&mut whole.d90_plus, &part.d90_plus),
    ] {
        for (c, a) in p.iter() {
            w.add(c, a);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restate::views;
    use crate::test_support::*;

    /// Two accounts, two currencies, aged at 2026-04-01:
    ///
    /// | account | stage    | invoice | cur | due   | open | days past due at 04-01 | bucket |
    /// | ------- | -------- | ------- | --- | ----- | ---- | ---------------------- | ------ |
    /// | acme    | firm     | a1      | EUR | 04-15 | 100  | −14                    | current|
    /// | acme    | firm     | a2      | EUR | 03-02 | 200  | 30                     | 1–30   |
    /// | acme    | firm     | a3      | USD | 12-01 | 50   | 121                    | 90+    |
    /// | globex  | (none)   | g1      | EUR | 01-20 | 400  | 71                     | 61–90  |
    /// | globex  | (none)   | g2      | USD | 02-15 | 70   | 45                     | 31–60  |
    /// | initech | friendly | i1      | EUR | 04-01 | 900  | 0 (due today)          | current|
    #[test]
    fn aging_and_exposure_by_stage_keep_currencies_apart() {
        let mut acme = book("acme");
        let mut a3 = invoice("a3", d(2025, 11, 1), d(2025, 12, 1), "50");
        a3.currency = Currency::USD;
        acme.invoices = vec![
            invoice("a1", d(2026, 3, 16), d(2026, 4, 15), "100"),
            invoice("a2", d(2026, 2, 1), d(2026, 3, 2), "200"),
            a3,
        ];
        let mut globex = book("globex");
        let mut g2 = invoice("g2", d(2026, 1, 15), d(2026, 2, 15), "70");
        g2.currency = Currency::USD;
        globex.invoices = vec![invoice("g1", d(2025, 12, 20), d(2026, 1, 20), "400"), g2];
        let mut initech = book("initech");
        initech.invoices = vec![invoice("i1", d(2026, 3, 2), d(2026, 4, 1), "900")];
        let facts = vec![
            facts(acme, Some("Firm")),
            facts(globex, None),
            facts(initech, Some("friendly")),
        ];
        let to = d(2026, 4, 1);
        let e = exposure(&views(&facts, None), to);

        // EUR: current 100 + 900 = 1000; 1–30: 200; 61–90: 400; overdue 600; total 1600.
        let eur = AgingBuckets::of(&e.aging, Currency::EUR);
        assert_eq!(
            (eur.current, eur.d1_30, eur.d31_60, eur.d61_90, eur.d90_plus),
            (dec("1000"), dec("200"), dec("0"), dec("400"), dec("0"))
        );
        assert_eq!((eur.overdue, eur.total), (dec("600"), dec("1600")));
        // USD: 31–60: 70; 90+: 50; total 120 — never added to the EUR 1600.
        let usd = AgingBuckets::of(&e.aging, Currency::USD);
        assert_eq!(
            (usd.d31_60, usd.d90_plus, usd.total),
            (dec("70"), dec("50"), dec("120"))
        );
        assert_eq!(usd.current.to_string(), "0.00");

        // Overdue EUR: none (globex) 400, firm (acme) 200 = the aging's 600.
        let stage = |s: &str, n: u32, a: &str| StageExposure {
            stage: s.into(),
            accounts: n,
            amount: dec(a),
        };
        assert_eq!(
            e.stages(Currency::EUR),
            vec![stage("none", 1, "400"), stage("firm", 1, "200")]
        );
        assert_eq!(
            e.stages(Currency::USD),
            vec![stage("none", 1, "70"), stage("firm", 1, "50")]
        );

        // Overdue accounts: acme and globex (initech's invoice is due today): 2.
        // none 1 of 2 = 50.0 %, firm 1 of 2 = 50.0 %; friendly has nothing overdue.
        assert_eq!(e.escalation.accounts_overdue, 2);
        let shares: Vec<_> = e
            .escalation
            .by_stage
            .iter()
            .map(|s| (s.stage.as_str(), s.accounts, s.percent.to_string()))
            .collect();
        assert_eq!(
            shares,
            vec![("none", 1, "50.0".into()), ("firm", 1, "50.0".into())]
        );

        // Asking for USD only: the same two accounts are overdue in USD.
        let e = exposure(&views(&facts, Some(Currency::USD)), to);
        assert_eq!(AgingBuckets::of(&e.aging, Currency::EUR).total, dec("0"));
        assert_eq!(e.escalation.accounts_overdue, 2);
    }
}
