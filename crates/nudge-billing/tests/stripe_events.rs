//! Every handled Stripe event type, from fixtures in Stripe's real shapes, through
//! `parse_event` and `changes`; plus Stripe's own published example objects when the shared
//! corpus is present.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_billing::stripe::{changes, handled_types, parse_event, StripeObject};
use nudge_billing::{merge_invoice, BillingError, LedgerChange, Outcome};
use nudge_core::dispute::{DisputeCategory, DisputeStatus};
use nudge_core::ledger::{ContactRole, Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use std::path::PathBuf;
use std::str::FromStr;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stripe")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn apply(name: &str) -> Vec<LedgerChange> {
    let event = parse_event(&fixture(name)).unwrap();
    match changes(&event).unwrap() {
        Outcome::Apply { changes } => changes,
        Outcome::Ignored { reason } => panic!("{name} ignored: {reason}"),
    }
}

fn one_invoice(name: &str) -> (String, Invoice, DateTime<Utc>) {
    match apply(name).as_slice() {
        [LedgerChange::UpsertInvoice {
            account_ref,
            invoice,
            source_updated_at,
        }] => (account_ref.clone(), invoice.clone(), *source_updated_at),
        other => panic!("{name}: {other:?}"),
    }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn every_handled_type_has_a_fixture_that_maps() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stripe");
    let mut covered = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let body = std::fs::read(entry.unwrap().path()).unwrap();
        let event = parse_event(&body).unwrap();
        if let Outcome::Apply { changes } = changes(&event).unwrap() {
            assert!(!changes.is_empty());
            covered.insert(event.event_type);
        }
    }
    for t in handled_types() {
        assert!(covered.contains(t), "no fixture maps {t}");
    }
}

#[test]
fn customer_created_upserts_the_account_and_an_ap_contact() {
    let changes = apply("customer.created.json");
    let [LedgerChange::UpsertAccount {
        account_ref,
        account,
        ..
    }, LedgerChange::UpsertContact { contact, .. }] = changes.as_slice()
    else {
        panic!("{changes:?}")
    };
    assert_eq!(account_ref, "stripe:cus_Rk2pQv8sLm3Xy1");
    assert_eq!(account.name.as_deref(), Some("Globex GmbH"));
    assert_eq!(account.currency, Some(Currency::EUR));
    assert_eq!(account.locale.as_deref(), Some("de-DE"));
    assert_eq!(account.timezone, Some(chrono_tz::Europe::Berlin.into()));
    assert_eq!(contact.email, "ap@globex.example");
    assert_eq!(contact.role, ContactRole::Ap);
}

#[test]
fn customer_updated_carries_the_new_email_and_deleted_deletes() {
    let changes = apply("customer.updated.json");
    assert!(
        changes.iter().any(|c| matches!(c,
        LedgerChange::UpsertContact { contact, .. } if contact.email == "invoices@globex.example"))
    );
    let changes = apply("customer.deleted.json");
    assert!(
        matches!(changes.as_slice(), [LedgerChange::DeleteAccount { account_ref, .. }]
        if account_ref == "stripe:cus_Rk2pQv8sLm3Xy1")
    );
}

#[test]
fn draft_invoice_is_a_draft_numbered_by_its_id() {
    let (account, inv, _) = one_invoice("invoice.created.json");
    assert_eq!(account, "stripe:cus_Rk2pQv8sLm3Xy1");
    assert_eq!(inv.status, InvoiceStatus::Draft);
    assert_eq!(inv.number, "in_1QxYz2Ab3Cd4Ef5G");
    assert_eq!(inv.open_amount(), Decimal::ZERO);
}

#[test]
fn finalized_invoice_has_amounts_dates_links_and_po() {
    let (_, inv, at) = one_invoice("invoice.finalized.json");
    assert_eq!(inv.id, "stripe:in_1QxYz2Ab3Cd4Ef5G");
    assert_eq!(inv.number, "7FE1103-0002");
    assert_eq!(inv.status, InvoiceStatus::Open);
    assert_eq!(inv.total, dec("4800.00"));
    assert_eq!(inv.open_amount(), dec("4800.00"));
    assert_eq!(inv.issue_date, day(2026, 11, 1));
    assert_eq!(inv.due_date, day(2026, 12, 1));
    assert_eq!(inv.po_number.as_deref(), Some("4500012345"));
    assert!(inv
        .payment_url
        .as_deref()
        .unwrap()
        .starts_with("https://invoice.stripe.com/"));
    assert!(inv.pdf_url.as_deref().unwrap().contains("/pdf"));
    assert!(!inv.auto_collection);
    assert_eq!(at.timestamp(), 1_793_520_000);
    assert!(inv.is_overdue(day(2026, 12, 2)));
    assert!(!inv.is_overdue(day(2026, 12, 1)));
}

#[test]
fn zero_decimal_currency_amounts_are_not_divided() {
    let (_, inv, _) = one_invoice("invoice.updated.jpy.json");
    assert_eq!(inv.currency, Currency::JPY);
    assert_eq!(inv.total, dec("120000"));
    assert_eq!(inv.paid, dec("50000"));
    assert_eq!(inv.open_amount(), dec("70000"));
}

#[test]
fn paid_and_payment_succeeded_close_the_invoice_with_its_day() {
    for name in ["invoice.paid.json", "invoice.payment_succeeded.json"] {
        let (_, inv, _) = one_invoice(name);
        assert_eq!(inv.status, InvoiceStatus::Paid, "{name}");
        assert_eq!(inv.paid, dec("4800.00"));
        assert_eq!(inv.open_amount(), Decimal::ZERO);
        assert_eq!(inv.paid_on, Some(day(2026, 11, 21)));
    }
}

#[test]
fn auto_charged_invoice_enters_dunning_only_after_the_final_attempt() {
    let (_, retrying, _) = one_invoice("invoice.payment_failed.retrying.json");
    assert!(retrying.auto_collection);
    assert!(!retrying.auto_collection_exhausted);
    assert!(!retrying.is_overdue(day(2027, 1, 1)));
    let (_, last, _) = one_invoice("invoice.payment_failed.json");
    assert!(last.auto_collection && last.auto_collection_exhausted);
    assert_eq!(last.currency, Currency::USD);
    assert_eq!(last.total, dec("99.00"));
    assert!(last.is_overdue(day(2027, 1, 1)));
}

#[test]
fn voided_and_uncollectible_leave_nothing_to_chase() {
    let (_, void, _) = one_invoice("invoice.voided.json");
    assert_eq!(void.status, InvoiceStatus::Void);
    let (_, unc, _) = one_invoice("invoice.marked_uncollectible.json");
    assert_eq!(unc.status, InvoiceStatus::Uncollectible);
    assert_eq!(unc.open_amount(), Decimal::ZERO);
}

#[test]
fn late_finalized_never_reopens_a_paid_invoice_in_either_order() {
    let (_, fin, fin_at) = one_invoice("invoice.finalized.json");
    let (_, upd, upd_at) = one_invoice("invoice.updated.json");
    let (_, paid, paid_at) = one_invoice("invoice.paid.json");
    let (_, succ, succ_at) = one_invoice("invoice.payment_succeeded.json");
    let events = [
        (fin, fin_at),
        (upd, upd_at),
        (paid, paid_at),
        (succ, succ_at),
    ];
    // Every delivery order converges on the same paid invoice.
    let orders: [[usize; 4]; 6] = [
        [0, 1, 2, 3],
        [2, 3, 0, 1],
        [3, 2, 1, 0],
        [2, 0, 3, 1],
        [1, 3, 0, 2],
        [0, 2, 1, 3],
    ];
    let mut results = Vec::new();
    for order in orders {
        let mut state: Option<(Invoice, DateTime<Utc>)> = None;
        for i in order {
            let (inv, at) = &events[i];
            let merged = merge_invoice(
                state.as_ref().map(|s| &s.0),
                state.as_ref().map(|s| s.1),
                inv,
                *at,
            );
            let stamp = state.as_ref().map_or(*at, |s| s.1.max(*at));
            state = Some((merged, stamp));
        }
        let (inv, _) = state.unwrap();
        assert_eq!(inv.status, InvoiceStatus::Paid, "{order:?}");
        results.push(inv);
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]));
    assert!(results[0].payment_url.is_some());
}

#[test]
fn credit_notes_are_recorded_without_adjusting_the_invoice_twice() {
    let changes = apply("credit_note.created.json");
    let [LedgerChange::IssueCreditNote {
        credit_note,
        adjusts_invoices,
        account_ref,
        ..
    }] = changes.as_slice()
    else {
        panic!("{changes:?}")
    };
    assert_eq!(account_ref, "stripe:cus_Rk2pQv8sLm3Xy1");
    assert_eq!(credit_note.amount, dec("600.00"));
    assert_eq!(
        credit_note.invoice_id.as_deref(),
        Some("stripe:in_1QxYz2Ab3Cd4Ef5G")
    );
    assert!(!adjusts_invoices);
    let changes = apply("credit_note.voided.json");
    assert!(
        matches!(changes.as_slice(), [LedgerChange::VoidCreditNote { credit_note_ref, .. }]
        if credit_note_ref == "stripe:cn_1QCred1tNote")
    );
}

#[test]
fn disputes_open_and_close_with_categories() {
    let changes = apply("charge.dispute.created.json");
    let [LedgerChange::OpenDispute {
        dispute_ref,
        account_ref,
        charge_ref,
        amount,
        category,
        ..
    }] = changes.as_slice()
    else {
        panic!("{changes:?}")
    };
    assert_eq!(dispute_ref, "stripe:dp_1QDisp7te");
    assert_eq!(account_ref, &None, "a dispute names only its charge");
    assert_eq!(charge_ref.as_deref(), Some("stripe:ch_1QCharge9"));
    assert_eq!(*amount, dec("99.00"));
    assert_eq!(*category, DisputeCategory::NotReceived);
    let changes = apply("charge.dispute.closed.json");
    assert!(matches!(
        changes.as_slice(),
        [LedgerChange::CloseDispute {
            status: DisputeStatus::ResolvedRejected,
            ..
        }]
    ));
}

#[test]
fn expanded_charge_on_a_dispute_names_the_customer() {
    let body = String::from_utf8(fixture("charge.dispute.created.json"))
        .unwrap()
        .replace(
            "\"charge\": \"ch_1QCharge9\"",
            "\"charge\": {\"id\": \"ch_1QCharge9\", \"object\": \"charge\", \"customer\": \"cus_X\"}",
        );
    let event = parse_event(body.as_bytes()).unwrap();
    let outcome = changes(&event).unwrap();
    assert_eq!(outcome.changes()[0].account_ref(), Some("stripe:cus_X"));
}

#[test]
fn refund_reports_the_cumulative_refunded_amount() {
    let changes = apply("charge.refunded.json");
    assert!(
        matches!(changes.as_slice(), [LedgerChange::Refund { amount_refunded, charge_ref, account_ref: Some(a), payment_intent_ref: Some(pi), .. }]
        if *amount_refunded == dec("25.00") && charge_ref == "stripe:ch_1QCharge9" && a == "stripe:cus_Rk2pQv8sLm3Xy1" && pi == "stripe:pi_1QPay1nt")
    );
}

#[test]
fn payment_intent_is_recorded_but_not_cash_applied() {
    let changes = apply("payment_intent.succeeded.json");
    let [LedgerChange::RecordPayment {
        payment,
        needs_cash_application,
        adjusts_invoices,
        charge_ref,
        ..
    }] = changes.as_slice()
    else {
        panic!("{changes:?}")
    };
    assert_eq!(payment.id, "stripe:pi_1QPay1nt");
    assert_eq!(payment.amount, dec("99.00"));
    assert_eq!(
        payment.reference.as_deref(),
        Some("Payment for Invoice 7FE1103-0003")
    );
    assert!(!needs_cash_application && !adjusts_invoices);
    assert_eq!(charge_ref.as_deref(), Some("stripe:ch_1QCharge9"));
}

#[test]
fn unhandled_types_are_ignored_not_errors() {
    let event = parse_event(&fixture("plan.created.json")).unwrap();
    assert_eq!(event.object, StripeObject::Other);
    assert!(matches!(changes(&event).unwrap(), Outcome::Ignored { .. }));
}

#[test]
fn broken_bodies_name_what_is_wrong() {
    assert!(matches!(
        parse_event(b"not json"),
        Err(BillingError::InvalidJson(_))
    ));
    assert!(matches!(
        parse_event(b"[]"),
        Err(BillingError::InvalidJson(_))
    ));
    let no_id = br#"{"type":"invoice.paid","created":1,"data":{"object":{}}}"#;
    assert!(
        matches!(parse_event(no_id), Err(BillingError::InvalidField { path, .. }) if path == "id")
    );
    let body = String::from_utf8(fixture("invoice.paid.json"))
        .unwrap()
        .replacen("\"currency\": \"eur\"", "\"currency\": null", 1);
    let err = parse_event(body.as_bytes()).unwrap_err();
    assert!(
        matches!(&err, BillingError::InvalidField { path, .. } if path == "data.object.currency"),
        "{err}"
    );
    let body = String::from_utf8(fixture("invoice.paid.json"))
        .unwrap()
        .replacen("\"currency\": \"eur\"", "\"currency\": \"euro\"", 1);
    let event = parse_event(body.as_bytes()).unwrap();
    assert!(
        matches!(changes(&event), Err(BillingError::InvalidField { path, .. }) if path == "data.object.currency")
    );
}

/// Stripe's own example objects (stripe/openapi fixtures, MIT) must parse with our structs.
#[test]
fn stripe_published_example_objects_parse() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/corpus/stripe/fixtures.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("note: {} absent, skipping", path.display());
        return;
    };
    let all: serde_json::Value = serde_json::from_str(&text).unwrap();
    let cases = [
        ("customer", "customer.updated"),
        ("invoice", "invoice.finalized"),
        ("credit_note", "credit_note.created"),
        ("charge", "charge.refunded"),
        ("dispute", "charge.dispute.created"),
        ("payment_intent", "payment_intent.succeeded"),
    ];
    for (key, event_type) in cases {
        let object = all
            .get(key)
            .unwrap_or_else(|| panic!("corpus has no {key}"));
        let body = serde_json::json!({
            "id": format!("evt_corpus_{key}"), "object": "event", "type": event_type,
            "created": 1_234_567_890, "livemode": false, "data": {"object": object}
        });
        let event =
            parse_event(body.to_string().as_bytes()).unwrap_or_else(|e| panic!("{key}: {e}"));
        assert_ne!(event.object, StripeObject::Other, "{key}");
        let outcome = changes(&event).unwrap_or_else(|e| panic!("{key}: {e}"));
        println!("corpus {key}: {} change(s)", outcome.changes().len());
    }
    // The sample invoice: charge_automatically with a due date, draft, USD minor units.
    let body = serde_json::json!({"id": "evt_i", "type": "invoice.updated", "created": 1_234_567_890,
        "data": {"object": all["invoice"]}});
    let event = parse_event(body.to_string().as_bytes()).unwrap();
    match changes(&event).unwrap().changes() {
        [LedgerChange::UpsertInvoice {
            invoice,
            account_ref,
            ..
        }] => {
            assert_eq!(account_ref, "stripe:cus_QXg1o8vcGmoR32");
            assert_eq!(invoice.total, dec("10.00"));
            assert_eq!(invoice.status, InvoiceStatus::Draft);
        }
        other => panic!("{other:?}"),
    }
    // The sample event envelope (a plan) is a type we ignore.
    let event = parse_event(all["event"].to_string().as_bytes()).unwrap();
    assert!(matches!(changes(&event).unwrap(), Outcome::Ignored { .. }));
}
