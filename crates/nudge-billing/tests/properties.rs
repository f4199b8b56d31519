//! Properties that must hold for every input, not only the table's.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_billing::cashapp::{match_payment, MatchOptions};
use nudge_billing::{erp, merge_invoice, stripe};
use nudge_core::ledger::{Invoice, InvoiceStatus, Payment};
use nudge_core::money::Currency;
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};

fn invoice(
    n: usize,
    cents: i64,
    credited: i64,
    currency: Currency,
    status: InvoiceStatus,
    due: u32,
) -> Invoice {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    Invoice {
        id: format!("erp:I-{n}"),
        number: format!("INV-2026-{:04}", 100 + n),
        issue_date: base,
        due_date: base + chrono::Days::new(u64::from(due)),
        currency,
        total: Decimal::new(cents + credited, 2),
        paid: Decimal::ZERO,
        credited: Decimal::new(credited, 2),
        status,
        paid_on: None,
        po_number: None,
        payment_url: None,
        pdf_url: None,
        auto_collection: false,
        auto_collection_exhausted: false,
    }
}

fn arb_invoices() -> impl Strategy<Value = Vec<Invoice>> {
    prop::collection::vec(
        (
            1i64..200_000,
            prop_oneof![Just(0i64), 1i64..5_000],
            prop_oneof![4 => Just(Currency::EUR), 1 => Just(Currency::USD)],
            prop_oneof![6 => Just(InvoiceStatus::Open), 1 => Just(InvoiceStatus::Paid), 1 => Just(InvoiceStatus::Draft)],
            0u32..365,
        ),
        0..30,
    )
    .prop_map(|specs| {
        specs
            .into_iter()
            .enumerate()
            .map(|(n, (c, cr, cur, st, due))| invoice(n, c, cr, cur, st, due))
            .collect()
    })
}

fn arb_reference(count: usize) -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        ".{0,40}".prop_map(Some),
        (0..count.max(1), 0..count.max(1)).prop_map(|(a, b)| Some(format!(
            "Invoice 2026-{} and inv {}",
            100 + a,
            100 + b
        ))),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn allocations_never_exceed_payment_or_open_amounts(
        (invoices, reference) in arb_invoices().prop_flat_map(|inv| { let n = inv.len(); (Just(inv), arb_reference(n)) }),
        cents in 1i64..1_000_000,
        pick in prop::collection::vec(any::<bool>(), 30),
        use_pick in any::<bool>(),
        oldest_first in any::<bool>(),
        usd in prop::bool::weighted(0.2),
    ) {
        let currency = if usd { Currency::USD } else { Currency::EUR };
        // Half the time the payment is an exact sum of some invoices, to exercise combinations.
        let amount = if use_pick {
            let s: Decimal = invoices.iter().zip(&pick).filter(|(i, p)| **p && i.currency == currency).map(|(i, _)| i.open_amount()).sum();
            if s > Decimal::ZERO { s } else { Decimal::new(cents, 2) }
        } else {
            Decimal::new(cents, 2)
        };
        let payment = Payment {
            id: "erp:P".into(), account_id: "erp:C".into(), amount, currency,
            received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(), reference, allocations: vec![],
        };
        let opts = MatchOptions { oldest_first_allowed: oldest_first, ..MatchOptions::default() };
        let r = match_payment(&payment, &invoices, &opts);
        let open: HashMap<&str, (Decimal, Currency)> = invoices.iter().map(|i| (i.id.as_str(), (i.open_amount(), i.currency))).collect();
        let sets = std::iter::once(&r.allocations).chain(r.suggestions.iter().map(|s| &s.allocations));
        for allocations in sets {
            let sum: Decimal = allocations.iter().map(|a| a.amount).sum();
            prop_assert!(sum <= amount, "allocated {} of {}", sum, amount);
            let mut seen = HashSet::new();
            for a in allocations {
                prop_assert!(seen.insert(a.invoice_id.as_str()), "{} twice", a.invoice_id);
                let (inv_open, inv_cur) = open[a.invoice_id.as_str()];
                prop_assert!(a.amount > Decimal::ZERO);
                prop_assert!(a.amount <= inv_open, "{} > open {}", a.amount, inv_open);
                prop_assert_eq!(inv_cur, currency);
            }
        }
        let sum: Decimal = r.allocations.iter().map(|a| a.amount).sum();
        prop_assert_eq!(sum + r.unapplied, amount);
        prop_assert!(!r.auto_apply || r.confidence >= opts.threshold);
        prop_assert!(!r.auto_apply || !r.allocations.is_empty());
    }

    #[test]
    fn merge_is_order_independent(
        a_rank in 0usize..5, b_rank in 0usize..5,
        a_at in 0i64..3, b_at in 0i64..3,
        a_paid in 0i64..100, b_paid in 0i64..100,
    ) {
        let statuses = [InvoiceStatus::Draft, InvoiceStatus::Open, InvoiceStatus::Uncollectible, InvoiceStatus::Paid, InvoiceStatus::Void];
        let rank = |s: usize| [0, 1, 2, 3, 3][s];
        // Equal stamps and equal ranks are a genuine tie: the later delivery wins by design.
        prop_assume!(a_at != b_at || rank(a_rank) != rank(b_rank));
        let mut a = invoice(1, 10_000, 0, Currency::EUR, statuses[a_rank], 30);
        a.paid = Decimal::new(a_paid, 2);
        let mut b = a.clone();
        b.status = statuses[b_rank];
        b.paid = Decimal::new(b_paid, 2);
        let t = |s: i64| DateTime::<Utc>::from_timestamp(1_800_000_000 + s, 0).unwrap();
        let ab = merge_invoice(Some(&merge_invoice(None, None, &a, t(a_at))), Some(t(a_at)), &b, t(b_at));
        let ba = merge_invoice(Some(&merge_invoice(None, None, &b, t(b_at))), Some(t(b_at)), &a, t(a_at));
        prop_assert_eq!(&ab, &ba);
        // A paid or void invoice is reopened only by a strictly newer snapshot.
        for (first, first_at, second, second_at) in [(&a, a_at, &b, b_at), (&b, b_at, &a, a_at)] {
            if matches!(first.status, InvoiceStatus::Paid | InvoiceStatus::Void) && second_at <= first_at {
                let m = merge_invoice(Some(first), Some(t(first_at)), second, t(second_at));
                prop_assert!(matches!(m.status, InvoiceStatus::Paid | InvoiceStatus::Void));
            }
        }
    }

    #[test]
    fn parsers_and_verifiers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400), header in ".{0,120}") {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let _ = stripe::verify_signature(&header, &bytes, &["whsec_x"], now, 300);
        let _ = erp::verify_signature(&header, &header, &bytes, "s", now, 300);
        if let Ok(event) = stripe::parse_event(&bytes) {
            let _ = stripe::changes(&event);
        }
        if let Ok(events) = erp::parse_batch(&bytes) {
            for e in &events {
                let _ = erp::changes(e);
            }
        }
    }

    #[test]
    fn erp_batches_of_json_values_never_panic(v in arb_json()) {
        let body = serde_json::to_vec(&v).unwrap();
        let _ = erp::parse_batch(&body);
        let wrapped = serde_json::json!({"type": "invoice.upsert", "id": "e", "occurred_at": "2026-01-01", "invoice": v});
        let _ = erp::parse_batch(wrapped.to_string().as_bytes());
    }
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(serde_json::Value::from),
        "[a-z0-9.:-]{0,12}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("id".to_string()),
                    Just("type".to_string()),
                    Just("total".to_string()),
                    Just("currency".to_string()),
                    Just("customer_id".to_string()),
                    "[a-z_]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
