//! ERP webhooks end to end: the documented contract, cash application, the unapplied-cash queue,
//! validation (422, nothing applied) and a real processing failure (5xx, nothing partial).

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::webhooks_fixtures::*;

#[test]
fn fuzzy_remittance_is_applied_to_the_named_invoice_and_overpayment_is_credit() {
    let app = spawn_app();
    let (s, b) = send_erp(
        &app,
        &json!([
            erp_customer("evt_001", "C-100", "Globex GmbH"),
            erp_contact("evt_002", "C-100", "ap@globex.example"),
            erp_invoice("evt_003", "C-100", "I-1", "INV-2026-0412", "4800.00"),
            erp_invoice("evt_004", "C-100", "I-2", "INV-2026-0413", "950.00"),
        ]),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["applied"], 4);
    let detail = account(&app, "erp:C-100");
    assert_eq!(detail["account"]["timezone"], "Europe/Berlin");
    assert_eq!(invoice(&detail, "erp:I-1")["overdue"], true);

    let (s, b) = send_erp(
        &app,
        &erp_payment("evt_005", "C-100", "P-1", "4800.00", "Invoice 2026-412"),
    );
    assert_eq!(s, 200, "{b}");
    let detail = account(&app, "erp:C-100");
    let i1 = invoice(&detail, "erp:I-1");
    assert_eq!(i1["status"], "paid", "{i1}");
    assert_eq!(i1["paid_on"], "2026-11-20");
    assert_eq!(invoice(&detail, "erp:I-2")["status"], "open");
    assert_eq!(
        detail["payments"][0]["allocations"],
        json!([{"invoice_id": "erp:I-1", "amount": "4800.00"}])
    );

    // "INV 2026 413" with 1000.00 for a 950.00 invoice: applied, 50.00 left as a credit balance.
    let (s, b) = send_erp(
        &app,
        &erp_payment("evt_006", "C-100", "P-2", "1000.00", "inv 2026 413"),
    );
    assert_eq!(s, 200, "{b}");
    let detail = account(&app, "erp:C-100");
    assert_eq!(invoice(&detail, "erp:I-2")["status"], "paid");
    assert_eq!(detail["credit_balance"], json!({"EUR": "50.00"}));
    assert_eq!(detail["overdue"], json!({}));
    assert!(app.api_get("/api/unapplied").json["payments"]
        .as_array()
        .unwrap()
        .is_empty());

    // Redelivering the whole first batch changes nothing.
    let (s, b) = send_erp(
        &app,
        &json!([erp_invoice(
            "evt_003",
            "C-100",
            "I-1",
            "INV-2026-0412",
            "4800.00"
        )]),
    );
    assert_eq!((s, b["duplicates"].clone()), (200, json!(1)), "{b}");
    assert_eq!(
        invoice(&account(&app, "erp:C-100"), "erp:I-1")["status"],
        "paid"
    );
}

#[test]
fn ambiguous_payment_waits_in_the_queue_and_is_applied_by_hand() {
    let app = spawn_app();
    send_erp(
        &app,
        &json!({"events": [
            erp_customer("q1", "C-7", "Initech"),
            erp_invoice("q2", "C-7", "I-71", "INV-7001", "500.00"),
            erp_invoice("q3", "C-7", "I-72", "INV-7002", "500.00"),
        ]}),
    );
    let (s, b) = send_erp(
        &app,
        &erp_payment("q4", "C-7", "P-71", "500.00", "thank you"),
    );
    assert_eq!(s, 200, "{b}");
    let queue = app.api_get("/api/unapplied");
    assert_eq!(queue.status, 200, "{}", queue.text);
    let payments = queue.json["payments"].as_array().unwrap();
    assert_eq!(payments.len(), 1, "{}", queue.text);
    assert_eq!(payments[0]["id"], "erp:P-71");
    assert_eq!(payments[0]["account_id"], "erp:C-7");
    assert!(
        payments[0]["suggestions"]
            .as_array()
            .is_some_and(|s| !s.is_empty()),
        "{}",
        queue.text
    );
    let detail = account(&app, "erp:C-7");
    assert_eq!(detail["unapplied"][0]["payment_id"], "erp:P-71");
    assert!(detail["invoices"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["status"] == "open"));

    // Invalid allocations: 422 naming each field, nothing applied.
    let r = app.api_post(
        "/api/unapplied/erp:P-71/apply",
        &json!({"allocations": [{"invoice_id": "erp:I-99", "amount": "10.00"},
                                {"invoice_id": "erp:I-72", "amount": "600.00"},
                                {"invoice_id": "erp:I-71"}]}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    let paths: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        vec!["allocations[2].amount"],
        "shape errors first: {}",
        r.text
    );
    let r = app.api_post(
        "/api/unapplied/erp:P-71/apply",
        &json!({"allocations": [{"invoice_id": "erp:I-99", "amount": "10.00"},
                                {"invoice_id": "erp:I-72", "amount": "600.00"}]}),
    );
    assert_eq!(r.status, 422, "{}", r.text);
    let paths: Vec<&str> = r.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    assert!(
        paths.contains(&"allocations[0].invoice_id") && paths.contains(&"allocations[1].amount"),
        "{}",
        r.text
    );
    assert_eq!(
        app.api_get("/api/unapplied").json["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        app.api_post(
            "/api/unapplied/erp:P-404/apply",
            &json!({"allocations": [{"invoice_id": "x", "amount": "1"}]})
        )
        .status,
        404
    );

    let r = app.api_post(
        "/api/unapplied/erp:P-71/apply",
        &json!({"allocations": [{"invoice_id": "erp:I-72", "amount": "500.00"}], "operator": "jane@example.com"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["invoices"]["erp:I-72"]["status"], "paid");
    assert!(app.api_get("/api/unapplied").json["payments"]
        .as_array()
        .unwrap()
        .is_empty());
    let detail = account(&app, "erp:C-7");
    assert_eq!(invoice(&detail, "erp:I-72")["status"], "paid");
    assert_eq!(invoice(&detail, "erp:I-71")["status"], "open");
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(
            |e| e["kind"] == "payment_applied_by_hand" && e["cause"] == "operator:jane@example.com"
        ));
}

#[test]
fn validation_errors_are_422_with_field_paths_and_nothing_is_applied() {
    let app = spawn_app();
    let mut bad = erp_invoice("v4", "C-9", "I-9", "INV-9", "48,00");
    bad["invoice"]["due_date"] = json!("10/11/2026");
    let body = json!([
        erp_customer("v1", "C-9", "Valid Ltd"),
        erp_contact("v2", "C-9", "ap@valid.example"),
        erp_invoice("v3", "C-9", "I-8", "INV-8", "10.00"),
        bad,
        {"id": "v5", "type": "payment.received", "occurred_at": "2026-11-01T00:00:00Z",
         "payment": {"id": "P-9", "customer_id": "C-9", "amount": "-5", "currency": "EUR", "received_on": "2026-11-01"}},
    ]);
    let (s, b) = send_erp(&app, &body);
    assert_eq!(s, 422, "{b}");
    assert_eq!(b["error"], "validation_failed");
    let paths: Vec<&str> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["path"].as_str())
        .collect();
    for p in [
        "events[3].invoice.due_date",
        "events[3].invoice.total",
        "events[4].payment.amount",
    ] {
        assert!(paths.contains(&p), "{p} missing in {paths:?}");
    }
    assert!(b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["message"].as_str().is_some_and(|m| !m.is_empty())));
    assert_eq!(account_count(&app), 0, "nothing applied");
    // The good events alone are then applied.
    let good = json!([body[0].clone(), body[1].clone(), body[2].clone()]);
    let (s, b) = send_erp(&app, &good);
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        account(&app, "erp:C-9")["invoices"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[test]
fn a_processing_failure_is_5xx_and_leaves_nothing_partial_then_the_retry_applies_once() {
    let app = spawn_app();
    send_erp(&app, &erp_customer("f0", "C-F", "Failing AG"));
    let before = account(&app, "erp:C-F");
    // `__fail_batch__` (test clocks only): the event's D1 batch ends with a statement that
    // violates the webhook_events primary key, so D1 rolls back everything before it.
    let body = json!([erp_invoice(
        "f1__fail_batch__",
        "C-F",
        "I-F1",
        "INV-F1",
        "300.00"
    ),]);
    let (s, b) = send_erp(&app, &body);
    assert!(s >= 500, "{s} {b}");
    assert!(b["error"].is_string());
    let after = account(&app, "erp:C-F");
    assert_eq!(after["invoices"], json!([]), "no invoice row");
    assert_eq!(before["events"], after["events"], "no event-log row");
    // Stripe-style retry of the same body: applied exactly once.
    let (s, b) = send_erp(&app, &body);
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["applied"], 1);
    let (s, b) = send_erp(&app, &body);
    assert_eq!((s, b["duplicates"].clone()), (200, json!(1)));
    let detail = account(&app, "erp:C-F");
    assert_eq!(detail["invoices"].as_array().map(Vec::len), Some(1));
    let created = events_of_kind(&detail, "invoice_created");
    assert_eq!(created, 1);
}

#[test]
fn payment_before_its_invoice_converges() {
    let app = spawn_app();
    send_erp(&app, &erp_customer("r0", "C-R", "Reverse BV"));
    let (s, b) = send_erp(
        &app,
        &erp_payment("r2", "C-R", "P-R", "4800.00", "Invoice 2026-412"),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        app.api_get("/api/unapplied").json["payments"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let (s, b) = send_erp(
        &app,
        &erp_invoice("r1", "C-R", "I-R", "INV-2026-0412", "4800.00"),
    );
    assert_eq!(s, 200, "{b}");
    let detail = account(&app, "erp:C-R");
    assert_eq!(invoice(&detail, "erp:I-R")["status"], "paid");
    assert!(app.api_get("/api/unapplied").json["payments"]
        .as_array()
        .unwrap()
        .is_empty());
    let _: Value = detail;
}

#[test]
fn concurrent_deliveries_to_one_account_are_serialised_and_applied_once() {
    let app = spawn_app();
    send_erp(&app, &erp_customer("c0", "C-C", "Concurrent SA"));
    // 12 different invoices and 12 copies of one more, all at once, to the same account.
    let mut bodies: Vec<Value> = (0..12)
        .map(|i| {
            erp_invoice(
                &format!("c-{i}"),
                "C-C",
                &format!("I-C{i}"),
                &format!("INV-C{i}"),
                "10.00",
            )
        })
        .collect();
    bodies.extend((0..12).map(|_| erp_invoice("c-same", "C-C", "I-SAME", "INV-SAME", "10.00")));
    let results: Vec<(u16, Value)> = std::thread::scope(|s| {
        let handles: Vec<_> = bodies
            .iter()
            .map(|b| s.spawn(|| send_erp(&app, b)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for (s, b) in &results {
        assert_eq!(*s, 200, "{b}");
    }
    let applied: i64 = results
        .iter()
        .map(|(_, b)| b["applied"].as_i64().unwrap_or(0))
        .sum();
    let dups: i64 = results
        .iter()
        .map(|(_, b)| b["duplicates"].as_i64().unwrap_or(0))
        .sum();
    assert_eq!((applied, dups), (13, 11));
    let detail = account(&app, "erp:C-C");
    assert_eq!(detail["invoices"].as_array().map(Vec::len), Some(13));
    let created = events_of_kind(&detail, "invoice_created");
    assert_eq!(created, 13);
}

/// How many of the account detail's recent ledger events are of `kind`.
fn events_of_kind(detail: &Value, kind: &str) -> usize {
    detail["events"].as_array().map_or(0, |events| {
        events.iter().filter(|e| e["kind"] == kind).count()
    })
}
