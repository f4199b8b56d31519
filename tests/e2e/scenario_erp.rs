//! The ledger arrives through signed ERP webhooks (no seeding), time is driven with test
//! clocks: a reminder goes out on the right day inside the account's window, a payment (an ERP
//! update) stops dunning, and nothing is ever sent twice.

use serde_json::{json, Value};

use crate::helpers::TestApp;
use crate::sweep_fixtures::{emails_to, outbound, sweep};

fn erp(app: &TestApp, events: Vec<Value>) {
    let body = json!({ "events": events }).to_string();
    let r = app.post_erp(&body, crate::helpers::unix_now());
    assert!(r.status < 300, "erp: {} {}", r.status, r.text);
}

#[test]
fn an_erp_fed_account_is_reminded_once_and_a_payment_stops_dunning() {
    let app = crate::helpers::spawn_app();
    // Simulated time first, so the evaluation each webhook triggers runs in it.
    let r = app.api_post("/api/clock", &json!({"now": "2026-02-02T08:00:00Z"}));
    assert_eq!(r.status, 200, "{}", r.text);
    erp(
        &app,
        vec![
            json!({"id": "evt-c1", "type": "customer.upsert", "occurred_at": "2026-02-02T08:00:00Z",
                   "customer": {"id": "C-77", "name": "Wayne Enterprises", "currency": "EUR",
                                "timezone": "Europe/Berlin", "locale": "en-GB", "strategic": false}}),
            json!({"id": "evt-p1", "type": "contact.upsert", "occurred_at": "2026-02-02T08:00:00Z",
                   "contact": {"customer_id": "C-77", "email": "ap@wayne.example",
                               "name": "Lucius", "role": "ap"}}),
            json!({"id": "evt-i1", "type": "invoice.upsert", "occurred_at": "2026-02-02T08:00:00Z",
                   "invoice": {"id": "I-901", "customer_id": "C-77", "number": "INV-901",
                               "currency": "EUR", "total": "1200.00", "amount_paid": "0.00",
                               "issue_date": "2026-01-02", "due_date": "2026-02-02",
                               "status": "open", "po_number": null, "url": null}}),
        ],
    );
    let accounts = app.api_get("/api/accounts?limit=10").json;
    let id = accounts["accounts"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{accounts}"))
        .to_string();

    // Day 2 (too early), then day 3 at 07:00 Berlin (before the window), then 10:00 Berlin.
    sweep(&app, "2026-02-04T09:00:00Z");
    sweep(&app, "2026-02-05T06:00:00Z");
    assert!(outbound(&app, &id).is_empty());
    sweep(&app, "2026-02-05T09:00:00Z");
    sweep(&app, "2026-02-05T09:00:00Z");
    let rows = outbound(&app, &id);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["kind"], "reminder");
    assert_eq!(rows[0]["status"], "sent");
    app.eventually("the reminder's .eml", || {
        (!emails_to(&app, "ap@wayne.example").is_empty()).then_some(())
    });
    assert!(emails_to(&app, "ap@wayne.example")[0].contains("INV-901"));

    // The customer pays: the ERP reports the invoice paid. No further reminder, ever.
    app.api_post("/api/clock", &json!({"now": "2026-02-09T08:00:00Z"}));
    erp(
        &app,
        vec![
            json!({"id": "evt-i2", "type": "invoice.upsert", "occurred_at": "2026-02-09T08:00:00Z",
                    "invoice": {"id": "I-901", "customer_id": "C-77", "number": "INV-901",
                                "currency": "EUR", "total": "1200.00", "amount_paid": "1200.00",
                                "issue_date": "2026-01-02", "due_date": "2026-02-02",
                                "status": "paid", "paid_on": "2026-02-09",
                                "po_number": null, "url": null}}),
        ],
    );
    for day in 10..=28 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    for day in 1..=31 {
        sweep(&app, &format!("2026-03-{day:02}T10:00:00Z"));
    }
    assert_eq!(outbound(&app, &id).len(), 1);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(emails_to(&app, "ap@wayne.example").len(), 1);
    let st = app.api_get(&format!("/api/sweeps/accounts/{}", id.replace(':', "%3A")));
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(
        st.json["last_decision"]["action"]["type"], "none",
        "{}",
        st.text
    );
}
