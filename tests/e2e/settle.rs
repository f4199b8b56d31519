//! Settle, then act: one ERP delivery of a whole account (customer, contact, three overdue
//! invoices) is applied in one object command and one D1 batch, nothing is sent inside the
//! webhook request, and the account's settle alarm then sends exactly ONE reminder that names
//! all three invoices (before, each event was evaluated on its own and the first reminder named
//! only the first invoice). Also the I/O budget, measured from the worker's own `io` log lines:
//! per webhook delivery one object call per account and two D1 round trips; per evaluated
//! account two D1 round trips.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, AppOptions, TestApp};
use crate::sweep_fixtures::{emails_to, outbound, sweep};

const ACCOUNT: &str = "erp:C-SETTLE";

fn delivery() -> Value {
    let invoice = |id: &str, number: &str, due: &str, total: &str| {
        json!({"id": format!("evt-{id}"), "type": "invoice.upsert",
               "occurred_at": "2026-03-04T09:00:00Z",
               "invoice": {"id": id, "customer_id": "C-SETTLE", "number": number,
                           "currency": "EUR", "total": total, "amount_paid": "0.00",
                           "issue_date": "2026-01-01", "due_date": due, "status": "open",
                           "po_number": null, "url": null}})
    };
    json!({"events": [
        {"id": "evt-c", "type": "customer.upsert", "occurred_at": "2026-03-04T09:00:00Z",
         "customer": {"id": "C-SETTLE", "name": "Settle & Sons", "currency": "EUR",
                      "timezone": "Europe/London", "locale": "en-GB", "strategic": false}},
        {"id": "evt-p", "type": "contact.upsert", "occurred_at": "2026-03-04T09:00:00Z",
         "contact": {"customer_id": "C-SETTLE", "email": "ap@settle.example",
                     "name": "Accounts payable", "role": "ap"}},
        invoice("I-S1", "INV-S-0001", "2026-02-01", "1200.00"),
        invoice("I-S2", "INV-S-0002", "2026-02-10", "340.50"),
        invoice("I-S3", "INV-S-0003", "2026-02-15", "99.00"),
    ]})
}

fn app(settle_seconds: u32) -> TestApp {
    spawn_app_with(AppOptions {
        vars: vec![("SETTLE_SECONDS".into(), settle_seconds.to_string())],
    })
}

/// The account's evaluations the worker logged, by trigger.
fn evaluations(app: &TestApp, trigger: &str) -> Vec<Value> {
    app.log_events("account.evaluated")
        .into_iter()
        .filter(|e| e["account_id"] == ACCOUNT && e["trigger"] == trigger)
        .collect()
}

#[test]
fn one_delivery_of_a_whole_account_sends_one_reminder_naming_every_invoice() {
    let app = app(3);
    // Wednesday 10:00 in London: inside the send window, all three invoices overdue.
    let r = app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));
    assert_eq!(r.status, 200, "{}", r.text);

    let r = app.post_erp(&delivery().to_string(), crate::helpers::unix_now());
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["applied"], 5, "{}", r.text);

    // Nothing is sent inside the request, nor before the account has settled.
    assert!(outbound(&app, ACCOUNT).is_empty());
    assert!(evaluations(&app, "settled").is_empty());
    let state = app.api_get(&format!(
        "/api/sweeps/accounts/{}",
        ACCOUNT.replace(':', "%3A")
    ));
    assert!(state.json["settle_at"].is_string(), "{}", state.text);

    // The settle alarm evaluates the whole account once and sends one reminder.
    let mail = app.eventually("the settled reminder", || {
        emails_to(&app, "ap@settle.example").into_iter().next()
    });
    for number in ["INV-S-0001", "INV-S-0002", "INV-S-0003"] {
        assert!(mail.contains(number), "{number} missing from:\n{mail}");
    }
    // The evaluation is logged after its send returns, so its line can trail the `.eml` file.
    app.eventually("the settled evaluation logged", || {
        (!evaluations(&app, "settled").is_empty()).then_some(())
    });
    let settled = evaluations(&app, "settled");
    assert_eq!(settled.len(), 1, "{settled:?}");
    assert_eq!(settled[0]["outcome"], "sent", "{settled:?}");

    // And only one: a redelivery of the same batch and a sweep change nothing.
    let again = app.post_erp(&delivery().to_string(), crate::helpers::unix_now());
    assert_eq!(again.json["duplicates"], 5, "{}", again.text);
    sweep(&app, "2026-03-04T10:05:00Z");
    std::thread::sleep(Duration::from_millis(4_000));
    let rows = outbound(&app, ACCOUNT);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["status"], "sent", "{rows:?}");
    assert_eq!(emails_to(&app, "ap@settle.example").len(), 1);
}

#[test]
fn a_sweep_leaves_a_settling_account_to_its_alarm() {
    let app = app(30);
    app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));
    let r = app.post_erp(&delivery().to_string(), crate::helpers::unix_now());
    assert_eq!(r.status, 200, "{}", r.text);
    // A sweep at the same (simulated) moment: the delivery may be half of a bulk sync.
    let s = sweep(&app, "2026-03-04T10:00:00Z");
    let mine: Vec<&Value> = s["accounts"]
        .as_array()
        .map(|a| a.iter().filter(|x| x["account_id"] == ACCOUNT).collect())
        .unwrap_or_default();
    assert_eq!(mine.len(), 1, "{s}");
    assert_eq!(mine[0]["outcome"], "settling", "{s}");
    assert!(outbound(&app, ACCOUNT).is_empty());
    // Once the settle delay has passed in the time it evaluates at, a sweep acts.
    sweep(&app, "2026-03-04T10:01:00Z");
    let rows = outbound(&app, ACCOUNT);
    assert_eq!(rows.len(), 1, "{rows:?}");
}

#[test]
fn webhooks_and_evaluations_stay_within_their_io_budget() {
    let app = app(1);
    app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));

    // ERP: five events of one account → one object call, one load, one write.
    let r = app.post_erp(&delivery().to_string(), crate::helpers::unix_now());
    assert_eq!(r.status, 200, "{}", r.text);
    // Stripe: one event for a new customer.
    let event = crate::webhooks_fixtures::stripe_event(
        "invoice.finalized",
        "evt_io_1",
        crate::helpers::unix_now(),
        "cus_io",
        "in_io_1",
    );
    let (status, body) = crate::webhooks_fixtures::send_stripe(&app, &event);
    assert_eq!(status, 200, "{body}");

    let io = app.eventually("two webhook.io lines", || {
        let lines = app.log_events("webhook.io");
        (lines.len() >= 2).then_some(lines)
    });
    let erp = io
        .iter()
        .find(|l| l["source"] == "erp")
        .expect("erp io line");
    assert_eq!(erp["events"], 5, "{erp}");
    assert_eq!(erp["object_calls"], 1, "{erp}");
    assert_eq!(erp["d1_round_trips"], 2, "{erp}");
    let stripe = io
        .iter()
        .find(|l| l["source"] == "stripe")
        .expect("stripe io line");
    assert_eq!(stripe["object_calls"], 1, "{stripe}");
    assert_eq!(stripe["d1_round_trips"], 2, "{stripe}");

    // The settle alarms' evaluations (one sends) and a sweep's a week later (the next step is
    // due): two round trips each.
    app.eventually("both accounts' settled evaluations", || {
        let settled = app
            .log_events("account.evaluated")
            .into_iter()
            .filter(|e| e["trigger"] == "settled")
            .count();
        (settled >= 2).then_some(())
    });
    let s = sweep(&app, "2026-03-12T10:00:00Z");
    assert!(s["accounts_done"].as_u64().is_some_and(|n| n >= 1), "{s}");
    let all = app.log_events("account.evaluated");
    assert!(all.iter().any(|e| e["trigger"] == "api"), "{all:?}");
    for e in &all {
        assert!(e["d1_round_trips"].as_u64().is_some_and(|n| n <= 2), "{e}");
    }
    assert!(all.iter().any(|e| e["outcome"] == "sent"), "{all:?}");
}
