//! Inputs found by the fuzz targets in `fuzz/` (see README "Fuzzing"), each kept as a fixture or
//! a literal case, so that the fix stays fixed under a plain `cargo test`.

use chrono::NaiveDate;
use nudge_billing::cashapp::{match_payment, MatchOptions};
use nudge_billing::stripe::{changes, parse_event};
use nudge_billing::{BillingError, LedgerChange};
use nudge_core::ledger::{Allocation, Invoice, Payment};
use nudge_core::money::Currency;
use nudge_core::test_support;
use rust_decimal::Decimal;
use std::path::PathBuf;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Found by `fuzz/fuzz_targets/stripe_events.rs`: a credit note with a negative total was
/// stored as a negative credit note (raising what the customer owes). Stripe never sends
/// negative amounts in these fields, so such an event is invalid: 400, nothing stored.
#[test]
fn negative_stripe_amounts_are_refused_not_stored() {
    let event = parse_event(&fixture("fuzz/credit_note.created.negative_total.json")).unwrap();
    match changes(&event) {
        Err(BillingError::InvalidField { path, .. }) => assert_eq!(path, "data.object.total"),
        other => panic!("{other:?}"),
    }
    // Every other amount Stripe never sends negative, in each fixture that carries it.
    for (name, field) in [
        ("invoice.paid.json", "amount_paid"),
        ("invoice.paid.json", "amount_due"),
        ("invoice.finalized.json", "amount_remaining"),
        ("charge.dispute.created.json", "amount"),
        ("charge.refunded.json", "amount_refunded"),
        ("payment_intent.succeeded.json", "amount_received"),
    ] {
        let mut v: serde_json::Value =
            serde_json::from_slice(&fixture(&format!("stripe/{name}"))).unwrap();
        v["data"]["object"][field] = serde_json::json!(-1);
        let event = parse_event(&serde_json::to_vec(&v).unwrap()).unwrap();
        match changes(&event) {
            Err(BillingError::InvalidField { path, .. }) => {
                assert_eq!(path, format!("data.object.{field}"), "{name}")
            }
            other => panic!("{name} with {field} = -1: {other:?}"),
        }
    }
    // A credits-only invoice (negative total) asks for nothing rather than failing.
    let mut v: serde_json::Value =
        serde_json::from_slice(&fixture("stripe/invoice.finalized.json")).unwrap();
    v["data"]["object"]["total"] = serde_json::json!(-500);
    v["data"]["object"]["amount_due"] = serde_json::json!(0);
    v["data"]["object"]["amount_remaining"] = serde_json::json!(0);
    let event = parse_event(&serde_json::to_vec(&v).unwrap()).unwrap();
    let out = changes(&event).unwrap();
    let [LedgerChange::UpsertInvoice { invoice, .. }] = out.changes() else {
        panic!("{out:?}")
    };
    assert_eq!(invoice.total, Decimal::ZERO);
    assert_eq!(invoice.open_amount(), Decimal::ZERO);
}

/// Found by `fuzz/fuzz_targets/remittance.rs`: a payment with nothing left to apply (allocated
/// beyond its amount, or negative) reported a negative `unapplied`, i.e. a negative credit.
#[test]
fn a_payment_with_nothing_left_never_leaves_a_negative_credit() {
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    let invoice = Invoice {
        id: "erp:I-1".into(),
        number: "INV-2026-00001".into(),
        issue_date: day,
        currency: Currency::KWD,
        total: Decimal::new(1_000, 3),
        ..test_support::invoice("i", day, "0", "0")
    };
    let negative = Payment {
        id: "erp:P-1".into(),
        account_id: "erp:C-1".into(),
        amount: Decimal::new(-246, 3),
        currency: Currency::KWD,
        received_on: day,
        reference: Some("INV-2026-00001".into()),
        allocations: vec![],
    };
    let over_allocated = Payment {
        amount: Decimal::new(100, 3),
        allocations: vec![Allocation {
            invoice_id: "erp:I-1".into(),
            amount: Decimal::new(346, 3),
        }],
        ..negative.clone()
    };
    for payment in [negative, over_allocated] {
        let r = match_payment(
            &payment,
            std::slice::from_ref(&invoice),
            &MatchOptions::default(),
        );
        assert!(r.allocations.is_empty(), "{r:?}");
        assert_eq!(r.unapplied, Decimal::ZERO, "{r:?}");
        assert!(!r.auto_apply);
    }
}
