//! Properties over random books: what must hold whatever the ledger looks like.

use chrono::{Days, NaiveDate, TimeZone, Utc};
use nudge_core::ledger::{
    aging, Account, AccountBook, Allocation, CreditNote, Invoice, InvoiceStatus, Payment,
};
use nudge_core::money::Currency;
use nudge_metrics::{compute, AccountFacts, Period};
use proptest::prelude::*;
use rust_decimal::Decimal;

const STATUSES: [InvoiceStatus; 6] = [
    InvoiceStatus::Open,
    InvoiceStatus::Open,
    InvoiceStatus::Paid,
    InvoiceStatus::Void,
    InvoiceStatus::Uncollectible,
    InvoiceStatus::Draft,
];
const STAGES: [Option<&str>; 4] = [None, Some("friendly"), Some("firm"), Some("review")];

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

fn day(offset: u32) -> NaiveDate {
    base() + Days::new(u64::from(offset))
}

/// One invoice row: (issue offset, terms, total cents, status, USD?, payments as (delay, % of
/// total), credit note as (delay, % of total), an undated extra paid %, paid_on delay).
type Row = (
    u32,
    u32,
    i64,
    usize,
    bool,
    Vec<(u32, u32)>,
    Option<(u32, u32)>,
    u32,
    u32,
);

fn row() -> impl Strategy<Value = Row> {
    (
        0u32..600,
        0u32..90,
        -10_000i64..5_000_000,
        0usize..STATUSES.len(),
        any::<bool>(),
        proptest::collection::vec((0u32..200, 0u32..=60), 0..3),
        proptest::option::of((0u32..200, 0u32..=50)),
        0u32..=30,
        0u32..200,
    )
}

/// Builds an account from rows; allocations and credit notes are consistent with each invoice's
/// `paid`/`credited`, as the ledger keeps them (paid = at least what was allocated).
fn account(n: usize, rows: &[Row]) -> AccountBook {
    let mut book = AccountBook::new(Account::new(format!("a{n}"), format!("A{n}")));
    for (i, (issue, terms, cents, st, usd, pays, note, extra, paid_delay)) in
        rows.iter().enumerate()
    {
        let cur = if *usd { Currency::USD } else { Currency::EUR };
        let id = format!("a{n}-i{i}");
        let total = cur.from_minor(*cents);
        let share = |pct: u32| {
            cur.round(total.max(Decimal::ZERO) * Decimal::from(pct) / Decimal::ONE_HUNDRED)
        };
        let mut paid = Decimal::ZERO;
        for (j, (delay, pct)) in pays.iter().enumerate() {
            let amount = share(*pct);
            paid += amount;
            book.payments.push(Payment {
                id: format!("{id}-p{j}"),
                account_id: book.account.id.clone(),
                amount: amount + Decimal::from(j as u32), // some unapplied cash, too
                currency: cur,
                received_on: day(issue + delay),
                reference: None,
                allocations: vec![Allocation {
                    invoice_id: id.clone(),
                    amount,
                }],
            });
        }
        let mut credited = Decimal::ZERO;
        if let Some((delay, pct)) = note {
            credited = share(*pct);
            book.credit_notes.push(CreditNote {
                id: format!("{id}-c"),
                invoice_id: Some(id.clone()),
                amount: credited,
                currency: cur,
                issued_on: day(issue + delay),
                voided: false,
            });
        }
        let status = STATUSES[*st];
        paid += share(*extra);
        if status == InvoiceStatus::Paid {
            paid = (total - credited).max(paid);
        }
        book.invoices.push(Invoice {
            id: id.clone(),
            number: id,
            issue_date: day(*issue),
            due_date: day(issue + terms),
            currency: cur,
            total,
            paid,
            credited,
            status,
            paid_on: (status == InvoiceStatus::Paid).then(|| day(issue + paid_delay)),
            po_number: None,
            payment_url: None,
            pdf_url: None,
            auto_collection: false,
            auto_collection_exhausted: false,
        });
    }
    book
}

fn books() -> impl Strategy<Value = Vec<AccountFacts>> {
    proptest::collection::vec(
        (proptest::collection::vec(row(), 0..8), 0usize..STAGES.len()),
        1..5,
    )
    .prop_map(|accounts| {
        accounts
            .iter()
            .enumerate()
            .map(|(n, (rows, stage))| AccountFacts {
                book: account(n, rows),
                stage: STAGES[*stage].map(str::to_string),
                messages: Default::default(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Per currency: the aging buckets add up to the ending receivables, the stages' exposure to
    /// the aging's overdue part, collections are never negative, CEI stays within 0..=100, and the
    /// count-back always explains the receivables.
    #[test]
    fn money_metrics_are_consistent(
        accounts in books(),
        from in 0u32..700,
        len in 1u32..120,
    ) {
        let period = Period::new(day(from), day(from + len)).unwrap();
        let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let m = compute(&accounts, &period, None, now);
        let mut overdue_accounts = 0;
        for c in &m.currencies {
            let a = &c.aging;
            prop_assert_eq!(a.current + a.d1_30 + a.d31_60 + a.d61_90 + a.d90_plus, a.total);
            prop_assert_eq!(a.total, c.receivables.ending);
            prop_assert_eq!(a.current, c.receivables.ending_current);
            prop_assert_eq!(a.total - a.current, a.overdue);
            let staged: Decimal = c.overdue_by_stage.iter().map(|s| s.amount).sum();
            prop_assert_eq!(staged, a.overdue);
            prop_assert!(c.receivables.collected >= Decimal::ZERO);
            if let Some(cei) = c.cei {
                prop_assert!((Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&cei), "CEI {}", cei);
            }
            prop_assert!(c.dso.count_back.is_some());
            if let (Some(best), Some(simple)) = (c.dso.best_possible, c.dso.simple) {
                prop_assert!(best <= simple);
            }
            overdue_accounts += c.overdue_by_stage.iter().map(|s| s.accounts).sum::<u32>();
        }
        // Each overdue account is counted once per stage share, at most once per currency.
        let shared: u32 = m.escalation.by_stage.iter().map(|s| s.accounts).sum();
        prop_assert_eq!(shared, m.escalation.accounts_overdue);
        prop_assert!(m.escalation.accounts_overdue <= overdue_accounts);
        prop_assert!(m.escalation.accounts_overdue as usize <= accounts.len());
    }

    /// Past every dated row, the restated book is the book as it stands: the metrics' aging equals
    /// nudge-core's aging of the real invoices, currency by currency.
    #[test]
    fn restated_balances_end_at_the_ledger(accounts in books()) {
        let to = day(2000);
        let period = Period::new(day(0), to).unwrap();
        let m = compute(&accounts, &period, None, Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap());
        let all: Vec<Invoice> = accounts.iter().flat_map(|f| f.book.invoices.iter().cloned()).collect();
        let real = aging(&all, to);
        for cur in [Currency::EUR, Currency::USD] {
            let ours = m.currencies.iter().find(|c| c.currency == cur);
            let ending = ours.map_or(Decimal::ZERO, |c| c.receivables.ending);
            prop_assert_eq!(ending, real.total().get(cur));
            let over = ours.map_or(Decimal::ZERO, |c| c.aging.d90_plus);
            prop_assert_eq!(over, real.d90_plus.get(cur));
        }
    }
}
