//! Account books for the sweep tests, seeded through `POST /api/sweeps/seed` (TEST_CLOCKS only)
//! until the ERP webhook route is merged; then the same books can come from `post_erp`.

#![allow(dead_code)]

use serde_json::{json, Value};

use crate::helpers::TestApp;

/// An account (the `nudge_core::ledger::Account` JSON).
pub fn account(id: &str, name: &str, tz: &str) -> Value {
    json!({
        "id": id, "stripe_id": null, "erp_id": id.trim_start_matches("erp:"), "name": name,
        "currency": "EUR", "timezone": tz, "locale": "en-GB", "payment_terms_days": 30,
        "strategic": false, "owner": null, "credit_limit": null, "tags": [],
        "dunning_enabled": true
    })
}

/// An AP contact.
pub fn contact(email: &str, name: &str) -> Value {
    json!({"email": email, "name": name, "role": "ap", "status": "active", "preferred": true})
}

/// An open invoice.
pub fn invoice(id: &str, number: &str, due: &str, total: &str) -> Value {
    json!({
        "id": id, "number": number, "issue_date": "2025-12-01", "due_date": due,
        "currency": "EUR", "total": total, "paid": "0", "credited": "0", "status": "open",
        "paid_on": null, "po_number": null, "payment_url": "https://pay.example/i",
        "pdf_url": null, "auto_collection": false, "auto_collection_exhausted": false
    })
}

/// A book with one contact and the given invoices.
pub fn book(account: Value, contacts: Vec<Value>, invoices: Vec<Value>) -> Value {
    json!({
        "account": account, "deleted": false, "contacts": contacts, "invoices": invoices,
        "payments": [], "payment_refs": {}, "credit_notes": [], "promises": [], "disputes": []
    })
}

/// Seeds the books (each `{"book": …, "shadow_mode"?: …, "overrides"?: …}`).
pub fn seed(app: &TestApp, accounts: Vec<Value>) {
    let r = app.api_post("/api/sweeps/seed", &json!({ "accounts": accounts }));
    assert_eq!(r.status, 200, "seed: {}", r.text);
}

/// Runs a sweep as of `as_of` and returns its figures.
pub fn sweep(app: &TestApp, as_of: &str) -> Value {
    let r = app.api_post("/api/sweep", &json!({ "as_of": as_of }));
    assert_eq!(r.status, 200, "sweep {as_of}: {}", r.text);
    assert_eq!(r.json["errors"], 0, "sweep {as_of}: {}", r.text);
    r.json
}

/// The outbound rows of one account (oldest first).
pub fn outbound(app: &TestApp, account_id: &str) -> Vec<Value> {
    let r = app.api_get(&format!("/api/outbound?account_id={}", enc(account_id)));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json["messages"].as_array().cloned().unwrap_or_default()
}

/// The account's outbound reminders (every step of the ladder; not replies or approvals).
pub fn reminders(app: &TestApp, account_id: &str) -> Vec<Value> {
    outbound(app, account_id)
        .into_iter()
        .filter(|r| {
            ["courtesy", "reminder", "firm_reminder", "final_notice"]
                .contains(&r["kind"].as_str().unwrap_or(""))
        })
        .collect()
}

/// Sent `.eml` messages addressed to `to`.
pub fn emails_to(app: &TestApp, to: &str) -> Vec<String> {
    app.sent_emails()
        .into_iter()
        .filter(|m| header(m, "To").is_some_and(|v| v.contains(to)))
        .collect()
}

/// The first value of a header (unfolded).
pub fn header(raw: &str, name: &str) -> Option<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let head = head.split("\n\n").next().unwrap_or(head);
    let mut out: Option<String> = None;
    for line in head.lines() {
        if let Some(v) = out.as_mut() {
            if line.starts_with(' ') || line.starts_with('\t') {
                v.push_str(line);
                continue;
            }
            return out;
        }
        if let Some((k, v)) = line.split_once(':') {
            if k.eq_ignore_ascii_case(name) {
                out = Some(v.trim().to_string());
            }
        }
    }
    out
}

pub fn enc(s: &str) -> String {
    s.replace(':', "%3A").replace('+', "%2B")
}
