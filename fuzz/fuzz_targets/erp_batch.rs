//! ERP bodies (valid events of every type, mutated field by field and batched, or raw bytes)
//! through the signed contract's validation (`erp::parse_batch`) and mapping, then applied to the
//! account books. Asserts: no panic; validation is all-or-nothing with every error naming an
//! `events[i]` path (or `body`/`events`); accepted amounts are never negative and payments are
//! > 0 with allocations within the amount; validated events map deterministically; books keep
//! their invariants and survive JSON; the signature check never panics, refuses a wrong secret
//! and a timestamp outside the 300 s window either way.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use nudge_billing::erp::{self, ErpPayload};
use nudge_billing::LedgerChange;
use nudge_fuzz::{apply_all, check_book, mutate_json, now};
use rust_decimal::Decimal;
use serde_json::{json, Value};

fn seeds() -> Vec<Value> {
    vec![
        json!({"id": "e1", "type": "customer.upsert", "occurred_at": "2026-11-01T10:00:00Z",
               "customer": {"id": "C-1", "name": "Acme GmbH", "currency": "EUR", "timezone": "Europe/Berlin",
                            "locale": "de-DE", "strategic": false, "payment_terms_days": 30, "owner": "kim@example.com",
                            "credit_limit": "50000.00", "tags": ["a"], "oldest_first_allocation": true}}),
        json!({"id": "e2", "type": "contact.upsert", "occurred_at": "2026-11-01T10:00:00Z",
               "contact": {"customer_id": "C-1", "email": "ap@acme.example", "name": "Pat", "role": "ap", "preferred": true}}),
        json!({"id": "e3", "type": "invoice.upsert", "occurred_at": "2026-11-02T10:00:00Z",
               "invoice": {"id": "I-1", "customer_id": "C-1", "number": "INV-2026-0001", "currency": "EUR",
                           "total": "4800.00", "amount_paid": "0.00", "amount_credited": "0", "status": "open",
                           "issue_date": "2026-10-01", "due_date": "2026-10-31", "po_number": "PO-77",
                           "url": "https://pay.example/i1", "pdf_url": "https://pay.example/i1.pdf"}}),
        json!({"id": "e4", "type": "invoice.upsert", "occurred_at": "2026-11-02T10:00:00Z",
               "invoice": {"id": "I-2", "customer_id": "C-1", "number": "INV-2026-0002", "currency": "EUR",
                           "total": "1200.50", "status": "paid", "paid_on": "2026-11-10",
                           "issue_date": "2026-10-05", "due_date": "2026-11-04"}}),
        json!({"id": "e5", "type": "invoice.void", "occurred_at": "2026-11-03T10:00:00Z",
               "invoice": {"id": "I-2", "customer_id": "C-1"}}),
        json!({"id": "e6", "type": "payment.received", "occurred_at": "2026-11-04T10:00:00Z",
               "payment": {"id": "P-1", "customer_id": "C-1", "amount": "4800.00", "currency": "EUR",
                           "received_on": "2026-11-04", "reference": "Invoice 2026-1"}}),
        json!({"id": "e7", "type": "payment.received", "occurred_at": "2026-11-04T10:00:00Z",
               "payment": {"id": "P-2", "customer_id": "C-1", "amount": "100.00", "currency": "EUR",
                           "received_on": "2026-11-04", "allocations": [{"invoice_id": "I-1", "amount": "60.00"}]}}),
        json!({"id": "e8", "type": "credit_note.issued", "occurred_at": "2026-11-05T10:00:00Z",
               "credit_note": {"id": "CN-1", "customer_id": "C-1", "amount": "200.00", "currency": "EUR",
                               "issued_on": "2026-11-05", "invoice_id": "I-1"}}),
        json!({"id": "e9", "type": "invoice.upsert", "occurred_at": "2026-11-02T10:00:00Z",
               "invoice": {"id": "I-3", "customer_id": "C-2", "number": "R-9", "currency": "JPY",
                           "total": "120000", "issue_date": "2026-09-01", "due_date": "2026-09-30"}}),
    ]
}

const KEYS: &[&str] = &[
    "id",
    "type",
    "occurred_at",
    "customer_id",
    "email",
    "amount",
    "currency",
    "total",
    "amount_paid",
    "amount_credited",
    "status",
    "due_date",
    "issue_date",
    "paid_on",
    "received_on",
    "issued_on",
    "invoice_id",
    "allocations",
    "reference",
    "events",
    "timezone",
    "locale",
];

fn body(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    if u.ratio(1, 8)? {
        let n = u.int_in_range(0..=4096)?;
        return Ok(u.bytes(n.min(u.len()))?.to_vec());
    }
    let seeds = seeds();
    let n = u.int_in_range(1..=8)?;
    let mut events = Vec::new();
    for i in 0..n {
        let mut e = mutate_json(&seeds[u.choose_index(seeds.len())?], KEYS, u)?;
        if let Some(o) = e.as_object_mut() {
            if !u.ratio(1, 16)? {
                // Unique ids, so that batches mostly pass the duplicate check.
                o.insert("id".into(), json!(format!("e{i}")));
            }
        }
        events.push(e);
    }
    let v = match u.int_in_range(0..=2)? {
        0 if events.len() == 1 => events.remove(0),
        1 => json!({"events": events}),
        _ => Value::Array(events),
    };
    Ok(serde_json::to_vec(&v).unwrap_or_default())
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let body = body(u)?;
    let ts_header = nudge_fuzz::header_text(u, 24)?;
    let sig_header = nudge_fuzz::header_text(u, 80)?;
    let _ = erp::verify_signature(&ts_header, &sig_header, &body, "erp_secret", now(), 300);
    let t = now().timestamp();
    let skew: i64 = u.int_in_range(-100_000..=100_000)?;
    let header = erp::signature_header("erp_secret", t + skew, &body);
    let verdict = erp::verify_signature(
        &(t + skew).to_string(),
        &header,
        &body,
        "erp_secret",
        now(),
        300,
    );
    assert_eq!(
        verdict.is_ok(),
        skew.abs() <= 300,
        "replay window: skew {skew}: {verdict:?}"
    );
    assert!(erp::verify_signature(
        &t.to_string(),
        &erp::signature_header("other", t, &body),
        &body,
        "erp_secret",
        now(),
        300
    )
    .is_err());

    match erp::parse_batch(&body) {
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without an error");
            for e in &errors {
                let p = e.path.as_str();
                assert!(
                    p == "body" || p == "events" || p.starts_with("events["),
                    "error path `{p}` does not point into the body"
                );
                assert!(!e.message.is_empty());
            }
        }
        Ok(events) => {
            assert!(!events.is_empty() && events.len() <= erp::MAX_BATCH);
            let mut changes: Vec<LedgerChange> = Vec::new();
            for e in &events {
                match &e.payload {
                    ErpPayload::InvoiceUpsert { invoice, .. } => {
                        assert!(
                            invoice.total >= Decimal::ZERO,
                            "negative total {}",
                            invoice.total
                        );
                        assert!(invoice.paid >= Decimal::ZERO && invoice.credited >= Decimal::ZERO);
                    }
                    ErpPayload::PaymentReceived { payment, .. } => {
                        assert!(
                            payment.amount > Decimal::ZERO,
                            "payment amount {}",
                            payment.amount
                        );
                        let sum = payment.allocations.iter().fold(Decimal::ZERO, |s, a| {
                            s.checked_add(a.amount).unwrap_or(Decimal::MAX)
                        });
                        assert!(
                            sum <= payment.amount,
                            "allocations {sum} > {}",
                            payment.amount
                        );
                        assert!(payment.allocations.iter().all(|a| a.amount > Decimal::ZERO));
                    }
                    ErpPayload::CreditNoteIssued { credit_note, .. } => {
                        assert!(
                            credit_note.amount >= Decimal::ZERO,
                            "credit note {}",
                            credit_note.amount
                        );
                    }
                    _ => {}
                }
                let mapped = erp::changes(e);
                assert_eq!(mapped, erp::changes(e), "mapping is not deterministic");
                changes.extend(mapped);
            }
            for (book, _) in apply_all(&changes, "erp:fuzz").values() {
                check_book(book);
            }
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
