//! The ledger admin API: search, import (CSV/NDJSON, 10,000 invoices), `/openapi.json`.

use std::time::Instant;

use serde_json::json;

use crate::helpers::{spawn_app, ADMIN_TOKEN};
use crate::webhooks_fixtures::*;

fn post_import(
    app: &crate::helpers::TestApp,
    content_type: &str,
    body: &str,
) -> crate::helpers::Reply {
    app.post_raw(
        "/api/import",
        &[
            ("Authorization", &format!("Bearer {ADMIN_TOKEN}")),
            ("Content-Type", content_type),
        ],
        body.as_bytes(),
    )
}

#[test]
fn csv_import_loads_accounts_with_per_row_errors_and_search_finds_them() {
    let app = spawn_app();
    let csv = "Customer No,Customer Name,AP Email,Invoice No,Invoice Date,Due Date,Currency,Total,Balance,PO\n\
               C-100,\"Globex GmbH, Berlin\",ap@globex.example,INV-2026-0412,2026-10-11,2026-11-10,EUR,4800.00,4800.00,\n\
               C-100,\"Globex GmbH, Berlin\",ap@globex.example,INV-2026-0413,2026-10-12,2026-11-11,EUR,1000.00,250.00,PO-77\n\
               C-200,Initech,billing@initech.example,9001,2026-09-01,2026-10-01,USD,99.5,99.5,\n\
               C-300,Broken Co,ap@broken.example,B-1,2026-09-01,not-a-date,EUR,10.00,10.00,\n";
    let r = post_import(&app, "text/csv", csv);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["format"], "csv");
    assert_eq!(r.json["summary"]["invoices"], 3, "{}", r.text);
    assert_eq!(r.json["summary"]["rejected_rows"], 1, "{}", r.text);
    let errors = r.json["errors"].as_array().unwrap();
    assert!(errors.iter().any(|e| e["line"] == 5), "{}", r.text);

    let detail = account(&app, "erp:C-100");
    assert_eq!(detail["account"]["name"], "Globex GmbH, Berlin");
    assert_eq!(
        invoice(&detail, "erp:INV-2026-0413")["open_amount"],
        "250.00"
    );
    assert_eq!(detail["balances"]["open"], json!({"EUR": "5050.00"}));
    assert!(
        detail["next_action_at"].is_string(),
        "marked for evaluation"
    );
    assert!(detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["kind"] == "account_imported"));

    for (q, expect) in [
        ("globex", "erp:C-100"),
        ("C-200", "erp:C-200"),
        ("billing@initech", "erp:C-200"),
    ] {
        let r = app.api_get(&format!("/api/accounts?q={q}"));
        assert_eq!(r.status, 200, "{}", r.text);
        let ids: Vec<&str> = r.json["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|a| a["id"].as_str())
            .collect();
        assert_eq!(ids, vec![expect], "q={q}");
    }
    let page = app.api_get("/api/accounts?limit=1");
    assert_eq!(page.json["accounts"].as_array().map(Vec::len), Some(1));
    assert_eq!(page.json["next_offset"], 1);
    let page2 = app.api_get("/api/accounts?limit=1&offset=1");
    assert_ne!(
        page.json["accounts"][0]["id"],
        page2.json["accounts"][0]["id"]
    );
    assert_eq!(app.api_get("/api/accounts/erp:nope").status, 404);

    // Re-importing an existing account merges through its object: an ERP payment recorded in
    // between is not undone by the older import snapshot.
    send_erp(
        &app,
        &erp_payment("pay-1", "C-100", "P-1", "4800.00", "INV-2026-0412"),
    );
    let r = post_import(&app, "text/csv", csv);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["written"]["existing_accounts"], 3, "{}", r.text);
    let detail = account(&app, "erp:C-100");
    assert_eq!(invoice(&detail, "erp:INV-2026-0412")["status"], "paid");
}

#[test]
fn ten_thousand_invoices_import_in_one_request() {
    let app = spawn_app();
    let mut csv = String::from("Customer No,Customer Name,AP Email,Invoice No,Invoice Date,Due Date,Currency,Total,Balance\n");
    for i in 0..10_000 {
        let c = i / 10;
        csv.push_str(&format!(
            "C-{c:04},Customer {c:04} Ltd,ap{c}@customers.example,INV-{i:06},2026-09-01,2026-10-{:02},EUR,{}.50,{}.50\n",
            1 + i % 28,
            100 + i % 900,
            100 + i % 900
        ));
    }
    let started = Instant::now();
    let r = post_import(&app, "text/csv", &csv);
    let took = started.elapsed();
    assert_eq!(r.status, 200, "{}", &r.text[..r.text.len().min(2000)]);
    assert_eq!(r.json["summary"]["invoices"], 10_000);
    assert_eq!(r.json["summary"]["accounts"], 1_000);
    assert_eq!(r.json["written"]["new_accounts"], 1_000);
    assert!(r.json["errors"].as_array().unwrap().is_empty());
    eprintln!(
        "import of 10,000 invoices: {took:?}, written {}",
        r.json["written"]
    );
    let detail = account(&app, "erp:C-0999");
    assert_eq!(detail["invoices"].as_array().map(Vec::len), Some(10));
    let r = app.api_get("/api/accounts?q=Customer&limit=500");
    assert_eq!(r.json["accounts"].as_array().map(Vec::len), Some(500));
    assert_eq!(r.json["next_offset"], 500);
}

#[test]
fn ndjson_import_and_the_openapi_document() {
    let app = spawn_app();
    let nd = [
        json!({"record": "customer", "id": "N-1", "name": "Nd Corp", "currency": "EUR"}),
        json!({"record": "invoice", "id": "NI-1", "customer_id": "N-1", "number": "ND-1", "currency": "EUR",
               "total": "12.00", "issue_date": "2026-10-01", "due_date": "2026-10-31"}),
    ]
    .iter()
    .map(|v| v.to_string())
    .collect::<Vec<_>>()
    .join("\n");
    let r = post_import(&app, "application/x-ndjson", &nd);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["format"], "ndjson");
    assert_eq!(
        invoice(&account(&app, "erp:N-1"), "erp:NI-1")["open_amount"],
        "12.00"
    );
    assert_eq!(post_import(&app, "text/csv", "   ").status, 400);

    let doc = app.get("/openapi.json");
    assert_eq!(doc.status, 200);
    assert_eq!(
        doc.json["openapi"].as_str().map(|v| v.starts_with("3.1")),
        Some(true)
    );
    for path in [
        "/webhooks/erp",
        "/webhooks/stripe",
        "/api/accounts",
        "/api/accounts/{id}",
        "/api/unapplied",
        "/api/unapplied/{id}/apply",
        "/api/import",
    ] {
        assert!(doc.json["paths"][path].is_object(), "{path} documented");
    }
}
