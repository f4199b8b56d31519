//! The ERP contract: valid events map to ledger changes; invalid ones report every bad field by
//! path and nothing else.

use nudge_billing::erp::{changes, parse_batch, ErpPayload, MAX_BATCH};
use nudge_billing::{FieldError, LedgerChange};
use nudge_core::ledger::{ContactRole, InvoiceStatus};
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use serde_json::json;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn examples() -> serde_json::Value {
    json!([
        {"id": "evt_001", "type": "customer.upsert", "occurred_at": "2026-11-01T08:00:00Z",
         "customer": {"id": "C-100", "name": "Globex GmbH", "currency": "EUR",
                      "timezone": "Europe/Berlin", "locale": "de-DE", "strategic": false}},
        {"id": "evt_002", "type": "contact.upsert", "occurred_at": "2026-11-01T08:00:01Z",
         "contact": {"customer_id": "C-100", "email": "AP@globex.example", "name": "Globex AP", "role": "ap"}},
        {"id": "evt_003", "type": "invoice.upsert", "occurred_at": "2026-11-01T08:00:02Z",
         "invoice": {"id": "I-1", "customer_id": "C-100", "number": "INV-2026-0412", "currency": "EUR",
                     "total": "4800.00", "amount_paid": "0.00", "issue_date": "2026-10-11",
                     "due_date": "2026-11-10", "status": "open", "po_number": null, "url": null}},
        {"id": "evt_004", "type": "payment.received", "occurred_at": "2026-11-20T09:00:00+01:00",
         "payment": {"id": "P-1", "customer_id": "C-100", "amount": "4800.00", "currency": "EUR",
                     "received_on": "2026-11-20", "reference": "Invoice 2026-412", "allocations": []}},
        {"id": "evt_005", "type": "credit_note.issued", "occurred_at": "2026-11-21T09:00:00Z",
         "credit_note": {"id": "CN-1", "customer_id": "C-100", "invoice_id": "I-1", "amount": "100",
                         "currency": "EUR", "issued_on": "2026-11-21"}},
        {"id": "evt_006", "type": "invoice.void", "occurred_at": "2026-11-22T09:00:00Z",
         "invoice": {"id": "I-2", "customer_id": "C-100"}}
    ])
}

fn errors(body: serde_json::Value) -> Vec<FieldError> {
    parse_batch(body.to_string().as_bytes()).unwrap_err()
}

fn paths(errs: &[FieldError]) -> Vec<&str> {
    errs.iter().map(|e| e.path.as_str()).collect()
}

#[test]
fn the_documented_examples_parse_and_map() {
    let events = parse_batch(examples().to_string().as_bytes()).unwrap();
    assert_eq!(events.len(), 6);
    let all: Vec<LedgerChange> = events.iter().flat_map(changes).collect();
    match &all[0] {
        LedgerChange::UpsertAccount {
            account_ref,
            account,
            ..
        } => {
            assert_eq!(account_ref, "erp:C-100");
            assert_eq!(account.timezone, Some(chrono_tz::Europe::Berlin.into()));
            assert_eq!(account.strategic, Some(false));
        }
        other => panic!("{other:?}"),
    }
    match &all[1] {
        LedgerChange::UpsertContact { contact, .. } => {
            assert_eq!(contact.email, "ap@globex.example");
            assert_eq!(contact.role, ContactRole::Ap);
        }
        other => panic!("{other:?}"),
    }
    match &all[2] {
        LedgerChange::UpsertInvoice { invoice, .. } => {
            assert_eq!(invoice.id, "erp:I-1");
            assert_eq!(invoice.open_amount(), dec("4800.00"));
            assert_eq!(invoice.status, InvoiceStatus::Open);
            assert_eq!(invoice.due_date.to_string(), "2026-11-10");
        }
        other => panic!("{other:?}"),
    }
    match &all[3] {
        LedgerChange::RecordPayment {
            payment,
            needs_cash_application,
            adjusts_invoices,
            source_updated_at,
            ..
        } => {
            assert!(*needs_cash_application && *adjusts_invoices);
            assert_eq!(payment.amount, dec("4800.00"));
            assert_eq!(source_updated_at.to_rfc3339(), "2026-11-20T08:00:00+00:00");
        }
        other => panic!("{other:?}"),
    }
    match &all[4] {
        LedgerChange::IssueCreditNote {
            credit_note,
            adjusts_invoices,
            ..
        } => {
            assert_eq!(credit_note.amount.to_string(), "100.00");
            assert_eq!(credit_note.invoice_id.as_deref(), Some("erp:I-1"));
            assert!(*adjusts_invoices);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&all[5], LedgerChange::VoidInvoice { invoice_ref, .. } if invoice_ref == "erp:I-2")
    );
}

#[test]
fn a_single_event_and_an_events_wrapper_are_accepted() {
    let one = examples()[0].clone();
    assert_eq!(parse_batch(one.to_string().as_bytes()).unwrap().len(), 1);
    let wrapped = json!({"events": examples()});
    assert_eq!(
        parse_batch(wrapped.to_string().as_bytes()).unwrap().len(),
        6
    );
}

#[test]
fn every_bad_field_of_every_event_is_reported() {
    let mut body = examples();
    body[2]["invoice"]["due_date"] = json!("10/11/2026");
    body[2]["invoice"]["total"] = json!("48,00");
    body[2]["invoice"]["currency"] = json!("EURO");
    body[1]["contact"]["email"] = json!("not-an-email");
    body[1]["contact"]["role"] = json!("ceo");
    body[3]["payment"]["amount"] = json!("-5.00");
    body[0]["customer"]["timezone"] = json!("Mars/Olympus");
    body[5]["occurred_at"] = json!("yesterday");
    let errs = errors(body);
    let p = paths(&errs);
    for want in [
        "events[0].customer.timezone",
        "events[1].contact.email",
        "events[1].contact.role",
        "events[2].invoice.currency",
        "events[2].invoice.total",
        "events[2].invoice.due_date",
        "events[3].payment.amount",
        "events[5].occurred_at",
    ] {
        assert!(p.contains(&want), "missing {want} in {p:?}");
    }
    assert_eq!(errs.len(), 8, "{errs:?}");
    assert!(errs.iter().all(|e| !e.message.is_empty()));
}

#[test]
fn missing_fields_and_unknown_types_are_named() {
    let body = json!([
        {"type": "invoice.upsert", "occurred_at": "2026-11-01T08:00:00Z", "invoice": {"id": "I-9"}},
        {"id": "e2", "type": "invoice.deleted", "occurred_at": "2026-11-01T08:00:00Z"},
        {"id": "e3", "type": "payment.received", "occurred_at": "2026-11-01T08:00:00Z"},
        "not an object"
    ]);
    let errs = errors(body);
    let p = paths(&errs);
    for want in [
        "events[0].id",
        "events[0].invoice.customer_id",
        "events[0].invoice.number",
        "events[0].invoice.currency",
        "events[0].invoice.total",
        "events[0].invoice.issue_date",
        "events[0].invoice.due_date",
        "events[1].type",
        "events[2].payment",
        "events[3]",
    ] {
        assert!(p.contains(&want), "missing {want} in {p:?}");
    }
}

#[test]
fn amounts_follow_the_currency_precision() {
    let mut body = examples();
    body[2]["invoice"]["currency"] = json!("JPY");
    body[2]["invoice"]["total"] = json!("4800.50");
    body[2]["invoice"]["amount_paid"] = json!("0");
    let errs = errors(body.clone());
    assert_eq!(paths(&errs), vec!["events[2].invoice.total"]);
    body[2]["invoice"]["total"] = json!("4800");
    let events = parse_batch(body.to_string().as_bytes()).unwrap();
    match &events[2].payload {
        ErpPayload::InvoiceUpsert { invoice, .. } => {
            assert_eq!(invoice.currency, Currency::JPY);
            assert_eq!(invoice.total, dec("4800"));
        }
        other => panic!("{other:?}"),
    }
    // A JSON number is read as its literal text, never through a float.
    body[2]["invoice"]["currency"] = json!("EUR");
    body[2]["invoice"]["total"] = json!(4800.1);
    let events = parse_batch(body.to_string().as_bytes()).unwrap();
    match &events[2].payload {
        ErpPayload::InvoiceUpsert { invoice, .. } => {
            assert_eq!(invoice.total.to_string(), "4800.10")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn payment_allocations_are_checked() {
    let mut body = examples();
    body[3]["payment"]["allocations"] = json!([
        {"invoice_id": "I-1", "amount": "4000.00"},
        {"invoice_id": "I-2", "amount": "900.00"},
        {"amount": "1.00"}
    ]);
    let errs = errors(body.clone());
    let p = paths(&errs);
    assert!(
        p.contains(&"events[3].payment.allocations[2].invoice_id"),
        "{p:?}"
    );
    assert!(p.contains(&"events[3].payment.allocations"), "{p:?}");
    body[3]["payment"]["allocations"] = json!([{"invoice_id": "I-1", "amount": "4800.00"}]);
    let events = parse_batch(body.to_string().as_bytes()).unwrap();
    let changes = changes(&events[3]);
    assert!(
        matches!(&changes[0], LedgerChange::RecordPayment { needs_cash_application: false, payment, .. }
        if payment.allocations[0].invoice_id == "erp:I-1")
    );
}

#[test]
fn batch_limits_duplicates_and_garbage() {
    let one = examples()[0].clone();
    let too_many: Vec<serde_json::Value> = (0..=MAX_BATCH)
        .map(|i| {
            let mut e = one.clone();
            e["id"] = json!(format!("evt_{i}"));
            e
        })
        .collect();
    assert_eq!(paths(&errors(json!(too_many))), vec!["events"]);
    assert_eq!(paths(&errors(json!([]))), vec!["events"]);
    assert_eq!(paths(&parse_batch(b"{not json").unwrap_err()), vec!["body"]);
    assert_eq!(paths(&errors(json!(42))), vec!["body"]);
    let dup = json!([one.clone(), one]);
    assert_eq!(paths(&errors(dup)), vec!["events[1].id"]);
    let exactly: Vec<serde_json::Value> = (0..MAX_BATCH)
        .map(|i| {
            let mut e = examples()[2].clone();
            e["id"] = json!(format!("evt_{i}"));
            e
        })
        .collect();
    assert_eq!(
        parse_batch(json!(exactly).to_string().as_bytes())
            .unwrap()
            .len(),
        MAX_BATCH
    );
}

#[test]
fn invoice_consistency_is_checked() {
    let mut body = examples();
    body[2]["invoice"]["due_date"] = json!("2026-10-01");
    body[2]["invoice"]["amount_credited"] = json!("5000.00");
    let p: Vec<String> = errors(body).into_iter().map(|e| e.path).collect();
    assert!(
        p.contains(&"events[2].invoice.due_date".to_string()),
        "{p:?}"
    );
    assert!(
        p.contains(&"events[2].invoice.amount_credited".to_string()),
        "{p:?}"
    );
}

#[test]
fn a_paid_invoice_without_amounts_is_paid_in_full_on_the_event_day() {
    let mut body = examples();
    body[2]["invoice"]["status"] = json!("paid");
    body[2]["invoice"]["amount_paid"] = json!(null);
    body[2]["occurred_at"] = json!("2026-11-25T10:00:00Z");
    let events = parse_batch(body.to_string().as_bytes()).unwrap();
    match &changes(&events[2])[0] {
        LedgerChange::UpsertInvoice { invoice, .. } => {
            assert_eq!(invoice.paid, dec("4800.00"));
            assert_eq!(
                invoice.paid_on.map(|d| d.to_string()).as_deref(),
                Some("2026-11-25")
            );
        }
        other => panic!("{other:?}"),
    }
}
