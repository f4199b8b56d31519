//! Cash application on arbitrary ledgers: a payment (any amount, any remittance text, possibly
//! partly allocated) against arbitrary invoices (numbers made of the same digits in other
//! spellings, PO numbers, other currencies, statuses, duplicates) through
//! `cashapp::match_payment`, and the allocation through `apply_allocations`. Asserts: no panic;
//! deterministic; every allocation positive, on a distinct open invoice of the payment's currency
//! and within its open amount; applied ≤ the payment's unapplied amount and applied + unapplied
//! = it; confidence ≤ 100; auto_apply only at or above the threshold; suggestions within the
//! same bounds.
#![no_main]

use std::collections::{BTreeMap, BTreeSet};

use arbitrary::{Arbitrary, Result, Unstructured};
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use nudge_billing::apply::apply_allocations;
use nudge_billing::cashapp::{match_payment, MatchOptions, NumberKey, Remittance};
use nudge_core::ledger::{Account, AccountBook, Allocation, Invoice, InvoiceStatus, Payment};
use nudge_core::money::Currency;
use rust_decimal::Decimal;

const CURRENCIES: [Currency; 4] = [Currency::EUR, Currency::USD, Currency::JPY, Currency::KWD];
const STATUSES: [InvoiceStatus; 5] = [
    InvoiceStatus::Open,
    InvoiceStatus::Paid,
    InvoiceStatus::Void,
    InvoiceStatus::Draft,
    InvoiceStatus::Uncollectible,
];

#[derive(Arbitrary, Debug)]
struct FInvoice {
    /// When a multiple of 8: this invoice is passed a second time (a duplicate of one of them).
    id: u8,
    number_style: u8,
    serial: u16,
    year: u8,
    po: Option<u16>,
    total_minor: u32,
    paid_minor: u16,
    credited_minor: u16,
    status: u8,
    currency: u8,
    due_offset: i16,
}

#[derive(Arbitrary, Debug)]
struct FInput {
    invoices: Vec<FInvoice>,
    amount_minor: i64,
    scale: u8,
    currency: u8,
    reference: Option<String>,
    /// Remittance built from invoice numbers in other spellings, appended to `reference`.
    quoted: Vec<(u8, u8)>,
    pre_allocated: Vec<(u8, u32)>,
    /// A person's allocation from the unapplied queue: (invoice index, mantissa, scale).
    by_hand: Vec<(u8, i128, u8)>,
    threshold: u8,
    oldest_first: bool,
    max_subset: u8,
    node_budget: u16,
}

fn number(style: u8, year: u8, serial: u16) -> String {
    let y = 2020 + u32::from(year % 8);
    match style % 6 {
        0 => format!("INV-{y}-{serial:05}"),
        1 => format!("INV-{y}-{serial}"),
        2 => format!("{serial}"),
        3 => format!("R{y}{serial:04}"),
        4 => format!("inv {y} {serial}"),
        _ => format!("F/{y}/{serial:03}-A"),
    }
}

fn quote(style: u8, n: &str) -> String {
    match style % 5 {
        0 => n.to_string(),
        1 => n.to_lowercase().replace('-', " "),
        2 => format!("Invoice {}", n.trim_start_matches("INV-")),
        3 => n.chars().filter(|c| c.is_ascii_digit()).collect(),
        _ => format!("re: {n}, thanks"),
    }
}

fn build(input: &FInput) -> (Payment, Vec<Invoice>) {
    let base = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let mut invoices: Vec<Invoice> = input
        .invoices
        .iter()
        .take(48)
        .enumerate()
        .map(|(i, f)| {
            let currency = CURRENCIES[usize::from(f.currency) % CURRENCIES.len()];
            Invoice {
                id: format!("erp:I-{i}"),
                number: number(f.number_style, f.year, f.serial),
                issue_date: base,
                due_date: base + chrono::Duration::days(i64::from(f.due_offset % 400)),
                currency,
                total: currency.from_minor(i64::from(f.total_minor)),
                paid: currency.from_minor(i64::from(f.paid_minor)),
                credited: currency.from_minor(i64::from(f.credited_minor)),
                status: STATUSES[usize::from(f.status) % STATUSES.len()],
                paid_on: None,
                po_number: f.po.map(|p| format!("PO-{p}")),
                payment_url: None,
                pdf_url: None,
                auto_collection: false,
                auto_collection_exhausted: false,
            }
        })
        .collect();
    // The same invoice passed twice (a caller's mistake) must still be paid at most once.
    for f in input.invoices.iter().take(48) {
        if f.id % 8 == 0 {
            if let Some(copy) = invoices
                .get(usize::from(f.id) % invoices.len().max(1))
                .cloned()
            {
                invoices.push(copy);
            }
        }
    }
    let currency = CURRENCIES[usize::from(input.currency) % CURRENCIES.len()];
    let mut reference = input.reference.clone().unwrap_or_default();
    for (i, style) in &input.quoted {
        if let Some(inv) = invoices.get(usize::from(*i) % invoices.len().max(1)) {
            reference.push(' ');
            reference.push_str(&quote(*style, &inv.number));
        }
    }
    let allocations = input
        .pre_allocated
        .iter()
        .take(4)
        .filter_map(|(i, minor)| {
            invoices
                .get(usize::from(*i) % invoices.len().max(1))
                .map(|inv| Allocation {
                    invoice_id: inv.id.clone(),
                    amount: currency.from_minor(i64::from(*minor)),
                })
        })
        .collect();
    let payment = Payment {
        id: "erp:P-1".into(),
        account_id: "erp:C-1".into(),
        // Amounts as they come from a source: any scale up to 8 places (a validator normalises
        // them; the matcher must not rely on it), zero and negative included.
        amount: Decimal::new(
            input.amount_minor % 1_000_000_000_000,
            u32::from(input.scale % 9),
        ),
        currency,
        received_on: base,
        reference: (!reference.is_empty()).then_some(reference),
        allocations,
    };
    (payment, invoices)
}

fn check_allocations(
    allocations: &[Allocation],
    payment: &Payment,
    open: &BTreeMap<&str, Decimal>,
    what: &str,
) -> Decimal {
    let mut seen = BTreeSet::new();
    let mut applied = Decimal::ZERO;
    for a in allocations {
        assert!(
            a.amount > Decimal::ZERO,
            "{what}: allocation {} on {}",
            a.amount,
            a.invoice_id
        );
        assert!(
            seen.insert(a.invoice_id.as_str()),
            "{what}: {} twice",
            a.invoice_id
        );
        let o = open.get(a.invoice_id.as_str()).copied();
        assert!(
            o.is_some(),
            "{what}: {} is not an open {} invoice",
            a.invoice_id,
            payment.currency
        );
        assert!(Some(a.amount) <= o, "{what}: {} above open {o:?}", a.amount);
        applied = applied.checked_add(a.amount).unwrap_or(Decimal::MAX);
    }
    assert!(
        applied <= payment.unapplied().max(Decimal::ZERO),
        "{what}: applied {applied} > payment's unapplied {}",
        payment.unapplied()
    );
    applied
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let input = FInput::arbitrary(u)?;
    let (payment, invoices) = build(&input);
    let opts = MatchOptions {
        threshold: input.threshold.min(100),
        oldest_first_allowed: input.oldest_first,
        max_subset_invoices: usize::from(input.max_subset % 70),
        node_budget: u32::from(input.node_budget) * 8,
    };
    // The remittance reader alone, on any text.
    if let Some(r) = &payment.reference {
        let rem = Remittance::of(r);
        for inv in &invoices {
            let _ = rem.strength(&NumberKey::of(&inv.number));
        }
    }
    let result = match_payment(&payment, &invoices, &opts);
    assert_eq!(
        result,
        match_payment(&payment, &invoices, &opts),
        "not deterministic"
    );
    // Open amount per invoice id (a duplicate is the same invoice, so the same amount).
    let mut open: BTreeMap<&str, Decimal> = BTreeMap::new();
    for inv in &invoices {
        if inv.status == InvoiceStatus::Open && inv.currency == payment.currency {
            open.entry(inv.id.as_str())
                .or_insert_with(|| inv.open_amount());
        }
    }
    open.retain(|_, o| *o > Decimal::ZERO);
    let applied = check_allocations(&result.allocations, &payment, &open, "match");
    assert!(result.confidence <= 100);
    let unapplied = payment.unapplied().max(Decimal::ZERO);
    assert_eq!(
        applied + result.unapplied,
        unapplied,
        "applied + unapplied != payment's unapplied"
    );
    if result.auto_apply {
        assert!(result.confidence >= opts.threshold && !result.allocations.is_empty());
    }
    for s in &result.suggestions {
        assert!(s.confidence <= 100);
        check_allocations(&s.allocations, &payment, &open, "suggestion");
    }
    // Applying by hand (`POST /api/unapplied/{id}/apply`): refused whole, or the book stays sound.
    let mut book = AccountBook::new(Account::new("erp:C-1", "Acme"));
    book.invoices = invoices.clone();
    book.payments = vec![payment.clone()];
    let by_hand: Vec<Allocation> = input
        .by_hand
        .iter()
        .take(6)
        .map(|(i, m, scale)| Allocation {
            invoice_id: invoices
                .get(usize::from(*i) % invoices.len().max(1))
                .map_or_else(|| "erp:I-none".to_string(), |inv| inv.id.clone()),
            amount: Decimal::try_from_i128_with_scale(*m % 10i128.pow(28), u32::from(scale % 29))
                .unwrap_or(Decimal::MAX),
        })
        .collect();
    let before = book.clone();
    let today = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap_or_default();
    match apply_allocations(&mut book, "erp:P-1", &by_hand, today) {
        Err(errors) => {
            assert!(!errors.is_empty());
            assert_eq!(book, before, "a refused allocation changed the book");
        }
        Ok(_) => {
            let p = &book.payments[0];
            assert!(
                p.unapplied() >= Decimal::ZERO,
                "over-applied by hand: {}",
                p.unapplied()
            );
            for inv in &book.invoices {
                assert!(inv.paid >= Decimal::ZERO && inv.open_amount() >= Decimal::ZERO);
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
