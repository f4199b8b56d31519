//! Fixtures for the billing webhook tests: real-shaped Stripe events (nudge-billing's captured
//! fixtures, re-stamped with our own ids, customers and dates) and ERP events.

use serde_json::{json, Value};

use crate::helpers::TestApp;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/crates/nudge-billing/tests/fixtures/stripe/",
            $name,
            ".json"
        ))
    };
}

fn load(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is JSON")
}

/// A Stripe fixture by event type.
pub fn stripe_fixture(event_type: &str) -> Value {
    load(match event_type {
        "customer.created" => fixture!("customer.created"),
        "customer.updated" => fixture!("customer.updated"),
        "invoice.created" => fixture!("invoice.created"),
        "invoice.finalized" => fixture!("invoice.finalized"),
        "invoice.updated" => fixture!("invoice.updated"),
        "invoice.paid" => fixture!("invoice.paid"),
        "invoice.voided" => fixture!("invoice.voided"),
        "payment_intent.succeeded" => fixture!("payment_intent.succeeded"),
        "charge.dispute.created" => fixture!("charge.dispute.created"),
        "plan.created" => fixture!("plan.created"),
        other => panic!("no fixture for {other}"),
    })
}

/// 2026-10-01T00:00:00Z: invoices issued then are long overdue by the time the tests run.
pub const ISSUED: i64 = 1_790_812_800;
/// 2026-10-31T00:00:00Z: their due date.
pub const DUE: i64 = 1_793_404_800;

/// A Stripe event of `event_type` for customer `cus` and invoice `inv`, created at `created`.
pub fn stripe_event(event_type: &str, event_id: &str, created: i64, cus: &str, inv: &str) -> Value {
    let mut e = stripe_fixture(event_type);
    e["id"] = json!(event_id);
    e["created"] = json!(created);
    let o = &mut e["data"]["object"];
    match event_type {
        "customer.created" | "customer.updated" => {
            o["id"] = json!(cus);
            o["email"] = json!(format!("ap@{cus}.example"));
            o["name"] = json!(format!("Customer {cus}"));
        }
        t if t.starts_with("invoice.") => {
            o["id"] = json!(inv);
            o["customer"] = json!(cus);
            o["customer_email"] = json!(format!("ap@{cus}.example"));
            o["created"] = json!(ISSUED);
            o["due_date"] = json!(DUE);
            if o["number"].is_string() {
                o["number"] = json!(format!("NUM-{inv}"));
            }
            if let Some(st) = o.get_mut("status_transitions") {
                if st["finalized_at"].is_number() {
                    st["finalized_at"] = json!(ISSUED);
                }
            }
        }
        _ => {}
    }
    e
}

/// POSTs a Stripe event signed now and returns (status, json).
pub fn send_stripe(app: &TestApp, event: &Value) -> (u16, Value) {
    let r = app.post_stripe(&event.to_string(), crate::helpers::unix_now());
    (r.status, r.json)
}

/// POSTs an ERP body signed now.
pub fn send_erp(app: &TestApp, body: &Value) -> (u16, Value) {
    let r = app.post_erp(&body.to_string(), crate::helpers::unix_now());
    (r.status, r.json)
}

pub fn erp_customer(id: &str, customer: &str, name: &str) -> Value {
    json!({"id": id, "type": "customer.upsert", "occurred_at": "2026-10-01T08:00:00Z",
           "customer": {"id": customer, "name": name, "currency": "EUR",
                        "timezone": "Europe/Berlin", "locale": "de-DE", "strategic": false}})
}

pub fn erp_contact(id: &str, customer: &str, email: &str) -> Value {
    json!({"id": id, "type": "contact.upsert", "occurred_at": "2026-10-01T08:00:00Z",
           "contact": {"customer_id": customer, "email": email, "name": "AP team", "role": "ap"}})
}

pub fn erp_invoice(id: &str, customer: &str, inv: &str, number: &str, total: &str) -> Value {
    json!({"id": id, "type": "invoice.upsert", "occurred_at": "2026-10-11T08:00:00Z",
           "invoice": {"id": inv, "customer_id": customer, "number": number, "currency": "EUR",
                       "total": total, "amount_paid": "0.00", "issue_date": "2026-10-11",
                       "due_date": "2026-11-10", "status": "open", "po_number": null, "url": null}})
}

pub fn erp_payment(id: &str, customer: &str, pay: &str, amount: &str, reference: &str) -> Value {
    json!({"id": id, "type": "payment.received", "occurred_at": "2026-11-20T08:00:00Z",
           "payment": {"id": pay, "customer_id": customer, "amount": amount, "currency": "EUR",
                       "received_on": "2026-11-20", "reference": reference, "allocations": []}})
}

/// The account as the admin API shows it.
pub fn account(app: &TestApp, id: &str) -> Value {
    let r = app.api_get(&format!("/api/accounts/{id}"));
    assert_eq!(r.status, 200, "GET account {id}: {}", r.text);
    r.json
}

/// An invoice of an account detail by id.
pub fn invoice<'a>(detail: &'a Value, id: &str) -> &'a Value {
    detail["invoices"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["id"] == id))
        .unwrap_or_else(|| panic!("no invoice {id} in {detail}"))
}

/// Number of accounts the admin API lists.
pub fn account_count(app: &TestApp) -> usize {
    let r = app.api_get("/api/accounts?limit=500");
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["accounts"].as_array().map_or(0, Vec::len)
}
