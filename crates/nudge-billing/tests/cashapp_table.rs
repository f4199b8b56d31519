//! Cash application against a table of remittance cases: the text, the payment, the open
//! invoices and the allocations a careful person would make. Prints the match rate.

use chrono::NaiveDate;
use nudge_billing::cashapp::{match_payment, MatchMethod, MatchOptions};
use nudge_core::ledger::{Invoice, InvoiceStatus, Payment};
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// An open invoice: number, open amount; due dates follow the order given (first = oldest).
#[derive(Clone)]
struct Inv {
    number: &'static str,
    open: &'static str,
    currency: &'static str,
    po: Option<&'static str>,
    credited: &'static str,
}

fn i(number: &'static str, open: &'static str) -> Inv {
    Inv {
        number,
        open,
        currency: "EUR",
        po: None,
        credited: "0",
    }
}

impl Inv {
    fn cur(mut self, c: &'static str) -> Self {
        self.currency = c;
        self
    }
    fn po(mut self, po: &'static str) -> Self {
        self.po = Some(po);
        self
    }
    /// Total is `open + credited`: a credit note reduced what is owed.
    fn credited(mut self, c: &'static str) -> Self {
        self.credited = c;
        self
    }
}

struct Case {
    name: &'static str,
    reference: Option<&'static str>,
    amount: &'static str,
    currency: &'static str,
    invoices: Vec<Inv>,
    oldest_first: bool,
    /// Expected allocations (invoice number, amount) when auto-applied; empty when not.
    expect: Vec<(&'static str, &'static str)>,
    auto: bool,
}

fn case(
    name: &'static str,
    reference: Option<&'static str>,
    amount: &'static str,
    invoices: Vec<Inv>,
    expect: Vec<(&'static str, &'static str)>,
    auto: bool,
) -> Case {
    Case {
        name,
        reference,
        amount,
        currency: "EUR",
        invoices,
        oldest_first: false,
        expect,
        auto,
    }
}

fn invoices(list: &[Inv]) -> Vec<Invoice> {
    let base = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    list.iter()
        .enumerate()
        .map(|(n, inv)| {
            let currency = Currency::parse(inv.currency).unwrap();
            let open = dec(inv.open);
            let credited = dec(inv.credited);
            Invoice {
                id: format!("erp:{}", inv.number),
                number: inv.number.to_string(),
                issue_date: base + chrono::Days::new(n as u64 * 7),
                due_date: base + chrono::Days::new(n as u64 * 7 + 30),
                currency,
                total: open + credited,
                paid: Decimal::ZERO,
                credited,
                status: InvoiceStatus::Open,
                paid_on: None,
                po_number: inv.po.map(str::to_string),
                payment_url: None,
                pdf_url: None,
                auto_collection: false,
                auto_collection_exhausted: false,
            }
        })
        .collect()
}

fn cases() -> Vec<Case> {
    let std3 = || {
        vec![
            i("INV-2026-0410", "1200.00"),
            i("INV-2026-0412", "4800.00"),
            i("INV-2026-0413", "950.00"),
        ]
    };
    let mut c = vec![
        case(
            "exact number and amount",
            Some("INV-2026-0412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "word 'Invoice', zeros dropped",
            Some("Invoice 2026-412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "spaces instead of dashes",
            Some("inv 2026 412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "slash separator",
            Some("INV2026/00412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "separators dropped",
            Some("RE: 20260412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "hash and punctuation",
            Some("payment inv#2026-0412."),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "extra leading zeros",
            Some("INV-2026-000412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "SWIFT structured remittance",
            Some("/ROC/INV-2026-0412/EREF/NOTPROVIDED"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "SEPA purpose field",
            Some("SVWZ+RE 2026-0412 KREF+88812"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "amount written in the text",
            Some("INV-2026-0412 EUR 4.800,00"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "two numbers, amount is their sum",
            Some("INV-2026-0412, INV-2026-0413"),
            "5750.00",
            std3(),
            vec![("INV-2026-0412", "4800.00"), ("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "two numbers, second without prefix",
            Some("Invoices 2026-412 and 2026-413"),
            "5750.00",
            std3(),
            vec![("INV-2026-0412", "4800.00"), ("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "three numbers",
            Some("INV-2026-0410 INV-2026-0412 INV-2026-0413"),
            "6950.00",
            std3(),
            vec![
                ("INV-2026-0410", "1200.00"),
                ("INV-2026-0412", "4800.00"),
                ("INV-2026-0413", "950.00"),
            ],
            true,
        ),
        case(
            "second number abbreviated to its serial",
            Some("INV-2026-0412 / 0413"),
            "5750.00",
            std3(),
            vec![("INV-2026-0412", "4800.00"), ("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "partial payment of a named invoice",
            Some("INV-2026-0412 first instalment"),
            "2000.00",
            std3(),
            vec![("INV-2026-0412", "2000.00")],
            true,
        ),
        case(
            "overpayment of a named invoice becomes credit",
            Some("INV-2026-0412"),
            "5000.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "named invoice plus another paid exactly",
            Some("INV-2026-0412"),
            "6000.00",
            std3(),
            vec![("INV-2026-0410", "1200.00"), ("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "two named, amount pays one of them exactly",
            Some("INV-2026-0412 INV-2026-0413"),
            "950.00",
            std3(),
            vec![("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "two named, amount pays neither exactly",
            Some("INV-2026-0410 INV-2026-0413"),
            "1500.00",
            std3(),
            vec![],
            false,
        ),
        case(
            "partial on named, amount equals another invoice",
            Some("INV-2026-0412"),
            "1200.00",
            std3(),
            vec![],
            false,
        ),
        case(
            "unknown number, unique exact amount",
            Some("INV-2026-0999"),
            "950.00",
            std3(),
            vec![("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "no reference, unique exact amount",
            None,
            "1200.00",
            std3(),
            vec![("INV-2026-0410", "1200.00")],
            true,
        ),
        case(
            "emoji reference, unique exact amount",
            Some("💶 thanks!!"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "ambiguous: two invoices of the same amount",
            None,
            "500.00",
            vec![
                i("INV-2026-0501", "500.00"),
                i("INV-2026-0502", "500.00"),
                i("INV-2026-0503", "800.00"),
            ],
            vec![],
            false,
        ),
        case(
            "reference resolves same-amount ambiguity",
            Some("Rechnung 2026-0502"),
            "500.00",
            vec![i("INV-2026-0501", "500.00"), i("INV-2026-0502", "500.00")],
            vec![("INV-2026-0502", "500.00")],
            true,
        ),
        case(
            "unique combination of two",
            None,
            "3200.00",
            vec![
                i("A-1001", "1000.00"),
                i("A-1002", "2500.00"),
                i("A-1003", "700.00"),
            ],
            vec![("A-1002", "2500.00"), ("A-1003", "700.00")],
            true,
        ),
        case(
            "unique combination of three",
            None,
            "1930.00",
            vec![
                i("A-1001", "1000.00"),
                i("A-1002", "530.00"),
                i("A-1003", "400.00"),
                i("A-1004", "2999.00"),
            ],
            vec![
                ("A-1001", "1000.00"),
                ("A-1002", "530.00"),
                ("A-1003", "400.00"),
            ],
            true,
        ),
        case(
            "ambiguous combinations",
            None,
            "350.00",
            vec![
                i("A-1001", "100.00"),
                i("A-1002", "200.00"),
                i("A-1003", "150.00"),
                i("A-1004", "250.00"),
            ],
            vec![],
            false,
        ),
        case(
            "single exact beats a combination",
            None,
            "300.00",
            vec![
                i("A-1001", "100.00"),
                i("A-1002", "200.00"),
                i("A-1003", "300.00"),
            ],
            vec![("A-1003", "300.00")],
            true,
        ),
        case(
            "nothing matches, no opt-in",
            None,
            "3000.00",
            vec![
                i("A-1001", "1000.00"),
                i("A-1002", "2500.00"),
                i("A-1003", "700.00"),
            ],
            vec![],
            false,
        ),
        case(
            "short by a bank fee",
            Some("thank you"),
            "4795.00",
            std3(),
            vec![],
            false,
        ),
        case(
            "overpayment without reference",
            None,
            "6000.00",
            vec![i("INV-2026-0412", "4800.00")],
            vec![],
            false,
        ),
        case(
            "partial without reference",
            None,
            "1000.00",
            vec![i("INV-2026-0412", "4800.00")],
            vec![],
            false,
        ),
        case(
            "partial serial only, amount exact",
            Some("Invoice 412"),
            "4800.00",
            std3(),
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "partial serial only, amount partial",
            Some("Invoice 412"),
            "1000.00",
            std3(),
            vec![],
            false,
        ),
        case(
            "serial shared across years, amount picks one",
            Some("inv 412"),
            "4800.00",
            vec![i("INV-2025-0412", "300.00"), i("INV-2026-0412", "4800.00")],
            vec![("INV-2026-0412", "4800.00")],
            true,
        ),
        case(
            "amount in text is not an invoice number",
            Some("EUR 1,234.00"),
            "500.00",
            vec![i("INV-1234", "1234.00")],
            vec![],
            false,
        ),
        case(
            "date in text is not an invoice number",
            Some("value date 2026-11-20"),
            "640.00",
            vec![i("RE-2026-11", "1640.00")],
            vec![],
            false,
        ),
        case(
            "customer quotes their PO number",
            Some("PO 4500012345"),
            "980.00",
            vec![
                i("INV-2026-0601", "980.00").po("4500012345"),
                i("INV-2026-0602", "980.00"),
            ],
            vec![("INV-2026-0601", "980.00")],
            true,
        ),
        case(
            "Stripe-style number verbatim",
            Some("7FE1103-0001"),
            "99.00",
            vec![i("7FE1103-0001", "99.00"), i("7FE1103-0002", "99.00")],
            vec![("7FE1103-0001", "99.00")],
            true,
        ),
        case(
            "Stripe-style number without dash",
            Some("Invoice 7FE11030002"),
            "99.00",
            vec![i("7FE1103-0001", "99.00"), i("7FE1103-0002", "99.00")],
            vec![("7FE1103-0002", "99.00")],
            true,
        ),
        case(
            "short number only by amount",
            Some("INV-7"),
            "100.00",
            vec![i("INV-7", "100.00"), i("INV-8", "250.00")],
            vec![("INV-7", "100.00")],
            true,
        ),
        case(
            "credit note reduced the open amount",
            None,
            "800.00",
            vec![
                i("INV-2026-0701", "800.00").credited("200.00"),
                i("INV-2026-0702", "1000.00"),
            ],
            vec![("INV-2026-0701", "800.00")],
            true,
        ),
        case(
            "named invoice is in another currency",
            Some("INV-2026-0412"),
            "4800.00",
            vec![i("INV-2026-0412", "4800.00").cur("USD")],
            vec![],
            false,
        ),
        case(
            "never mix currencies: exact amount in the payment's currency",
            Some("INV-2026-0412"),
            "4800.00",
            vec![
                i("INV-2026-0412", "4800.00").cur("USD"),
                i("INV-2026-0420", "4800.00"),
            ],
            vec![("INV-2026-0420", "4800.00")],
            true,
        ),
        case(
            "several named, overpaid, remainder credit",
            Some("INV-2026-0410 + INV-2026-0413"),
            "2500.00",
            std3(),
            vec![("INV-2026-0410", "1200.00"), ("INV-2026-0413", "950.00")],
            true,
        ),
        case(
            "currency-marked amount is not a number",
            Some("EUR 1500 transfer"),
            "1500.00",
            vec![i("INV-1500", "900.00"), i("INV-2026-0815", "1500.00")],
            vec![("INV-2026-0815", "1500.00")],
            true,
        ),
        case(
            "three-digit serial alone is not enough",
            Some("payment 100"),
            "250.00",
            vec![i("INV-100", "100.00"), i("INV-101", "400.00")],
            vec![],
            false,
        ),
    ];
    // Cases needing other settings.
    let mut opt_in = case(
        "oldest-first opt-in fills oldest first",
        None,
        "3000.00",
        vec![
            i("A-1001", "1000.00"),
            i("A-1002", "2500.00"),
            i("A-1003", "700.00"),
        ],
        vec![("A-1001", "1000.00"), ("A-1002", "2000.00")],
        true,
    );
    opt_in.oldest_first = true;
    c.push(opt_in);
    let mut opt_over = case(
        "oldest-first overpayment leaves credit",
        None,
        "5000.00",
        vec![i("A-1001", "1000.00"), i("A-1002", "2500.00")],
        vec![("A-1001", "1000.00"), ("A-1002", "2500.00")],
        true,
    );
    opt_over.oldest_first = true;
    c.push(opt_over);
    let mut opt_ref = case(
        "reference still beats oldest-first",
        Some("A-1003"),
        "700.00",
        vec![
            i("A-1001", "1000.00"),
            i("A-1002", "2500.00"),
            i("A-1003", "700.00"),
        ],
        vec![("A-1003", "700.00")],
        true,
    );
    opt_ref.oldest_first = true;
    c.push(opt_ref);
    let mut jpy = case(
        "zero-decimal currency",
        Some("請求書 INV-2026-0077"),
        "120000",
        vec![
            i("INV-2026-0077", "120000").cur("JPY"),
            i("INV-2026-0078", "5000").cur("JPY"),
        ],
        vec![("INV-2026-0077", "120000")],
        true,
    );
    jpy.currency = "JPY";
    c.push(jpy);
    let mut kwd = case(
        "three-decimal currency exact amount",
        None,
        "1.250",
        vec![
            i("K-2001", "1.250").cur("KWD"),
            i("K-2002", "3.125").cur("KWD"),
        ],
        vec![("K-2001", "1.250")],
        true,
    );
    kwd.currency = "KWD";
    c.push(kwd);
    let mut usd = case(
        "payment in USD with only EUR invoices",
        None,
        "950.00",
        std3(),
        vec![],
        false,
    );
    usd.currency = "USD";
    c.push(usd);
    // 25 invoices with distinct powers of two: exactly one subset sums to any target.
    let many: Vec<Inv> = (0..25)
        .map(|k| {
            let number: &'static str = Box::leak(format!("B-{:04}", 3000 + k).into_boxed_str());
            let amount: &'static str = Box::leak(format!("{}.00", 1u64 << k).into_boxed_str());
            i(number, amount)
        })
        .collect();
    c.push(case(
        "unique combination among 25 invoices",
        None,
        "21.00",
        many,
        vec![("B-3000", "1.00"), ("B-3002", "4.00"), ("B-3004", "16.00")],
        true,
    ));
    c
}

#[test]
fn remittance_table() {
    let cases = cases();
    assert!(cases.len() >= 45, "only {} cases", cases.len());
    let mut correct = 0;
    let mut auto = 0;
    let mut failures = Vec::new();
    for case in &cases {
        let currency = Currency::parse(case.currency).unwrap();
        let payment = Payment {
            id: "erp:P-1".into(),
            account_id: "erp:C-1".into(),
            amount: currency.parse_amount(case.amount).unwrap(),
            currency,
            received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            reference: case.reference.map(str::to_string),
            allocations: vec![],
        };
        let opts = MatchOptions {
            oldest_first_allowed: case.oldest_first,
            ..MatchOptions::default()
        };
        let invs = invoices(&case.invoices);
        let r = match_payment(&payment, &invs, &opts);
        let mut got: Vec<(String, Decimal)> = r
            .allocations
            .iter()
            .map(|a| {
                (
                    a.invoice_id.trim_start_matches("erp:").to_string(),
                    a.amount,
                )
            })
            .collect();
        got.sort();
        let mut want: Vec<(String, Decimal)> = case
            .expect
            .iter()
            .map(|(n, a)| (n.to_string(), dec(a)))
            .collect();
        want.sort();
        let ok = r.auto_apply == case.auto && (!case.auto || got == want);
        // Never applied without a person when the case expects a person.
        if !case.auto {
            assert!(
                !r.auto_apply,
                "{}: auto-applied {:?} ({})",
                case.name, got, r.reason
            );
            assert!(
                r.method == MatchMethod::None || r.confidence < opts.threshold,
                "{}",
                case.name
            );
        }
        if r.auto_apply {
            auto += 1;
        }
        if ok {
            correct += 1;
        } else {
            failures.push(format!(
                "{}: got {:?} auto={} conf={} ({}), want {:?} auto={}",
                case.name, got, r.auto_apply, r.confidence, r.reason, want, case.auto
            ));
        }
    }
    let expected_auto = cases.iter().filter(|c| c.auto).count();
    println!(
        "cash application: {correct}/{} cases as expected; auto-applied {auto}/{} payments \
         ({} expected matchable), {} left for a person",
        cases.len(),
        cases.len(),
        expected_auto,
        cases.len() - auto
    );
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}

#[test]
fn ambiguous_amounts_come_back_with_suggestions() {
    let invs = invoices(&[i("INV-1", "500.00"), i("INV-2", "500.00")]);
    let payment = Payment {
        id: "p".into(),
        account_id: "a".into(),
        amount: dec("500.00"),
        currency: Currency::EUR,
        received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        reference: None,
        allocations: vec![],
    };
    let r = match_payment(&payment, &invs, &MatchOptions::default());
    assert!(!r.auto_apply);
    assert!(r.allocations.is_empty());
    assert_eq!(r.unapplied, dec("500.00"));
    assert_eq!(r.suggestions.len(), 2);
    assert!(r.suggestions.iter().all(|s| s.confidence < 80));
}

#[test]
fn overpayment_leaves_the_remainder_unapplied() {
    let invs = invoices(&[i("INV-2026-0412", "4800.00")]);
    let payment = Payment {
        id: "p".into(),
        account_id: "a".into(),
        amount: dec("5000.00"),
        currency: Currency::EUR,
        received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        reference: Some("INV-2026-0412".into()),
        allocations: vec![],
    };
    let r = match_payment(&payment, &invs, &MatchOptions::default());
    assert!(r.auto_apply);
    assert_eq!(r.unapplied, dec("200.00"));
}

#[test]
fn huge_ledgers_stay_bounded() {
    // 5,000 open invoices, a reference to one and an overpayment: the remainder search must not
    // walk (or recurse through) the whole ledger.
    let list: Vec<Inv> = (0..5000)
        .map(|k| {
            let number: &'static str = Box::leak(format!("H-{:06}", 100_000 + k).into_boxed_str());
            let amount: &'static str =
                Box::leak(format!("{}.{:02}", 100 + k % 977, k % 89).into_boxed_str());
            i(number, amount)
        })
        .collect();
    let invs = invoices(&list);
    let payment = Payment {
        id: "p".into(),
        account_id: "a".into(),
        amount: invs[4321].total + dec("0.01"),
        currency: Currency::EUR,
        received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        reference: Some("H-104321".into()),
        allocations: vec![],
    };
    let started = std::time::Instant::now();
    let r = match_payment(
        &payment,
        &invs,
        &MatchOptions {
            max_subset_invoices: 100_000,
            ..MatchOptions::default()
        },
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(r.allocations[0].invoice_id, "erp:H-104321");
    assert_eq!(r.unapplied, dec("0.01"));
}
