//! Every body has a size limit: an oversized webhook, API JSON, import, classify request,
//! template or dashboard form is refused with 413 and JSON naming the limit, and nothing
//! changes. (Oversized inbound mail is kept and handed to a person: `inbound_machine.rs`.)

use serde_json::json;

use crate::helpers::{spawn_app, Reply, TestApp, ADMIN_TOKEN};

fn assert_too_large(r: &Reply, limit: &str, max: usize, what: &str) {
    assert_eq!(r.status, 413, "{what}: {}", r.text);
    assert_eq!(r.json["error"], "payload_too_large", "{what}: {}", r.text);
    assert_eq!(r.json["limit"], limit, "{what}: {}", r.text);
    assert_eq!(r.json["max_bytes"], json!(max), "{what}: {}", r.text);
}

/// A JSON document of about `bytes` bytes: an object with one long string.
fn padded(bytes: usize) -> String {
    json!({"padding": "x".repeat(bytes)}).to_string()
}

fn accounts(app: &TestApp) -> usize {
    app.api_get("/api/accounts").json["accounts"]
        .as_array()
        .map_or(0, Vec::len)
}

#[test]
fn oversized_bodies_are_refused_with_413_naming_the_limit_and_change_nothing() {
    let app = spawn_app();
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    let auth = [
        ("Authorization", bearer.as_str()),
        ("Content-Type", "application/json"),
    ];

    // Webhooks (2 MiB), signed correctly: refused before the signature or the JSON is looked at.
    let event = json!({"id": "e1", "type": "customer.upsert", "occurred_at": "2026-11-01T10:00:00Z",
                       "customer": {"id": "C-1", "name": "Big GmbH", "owner": "x".repeat(3 << 20)}});
    let r = app.post_erp(&event.to_string(), crate::helpers::unix_now());
    assert_too_large(&r, "webhook", 2 << 20, "erp");
    let r = app.post_stripe(&padded(3 << 20), crate::helpers::unix_now());
    assert_too_large(&r, "webhook", 2 << 20, "stripe");

    // Import (32 MiB).
    let mut csv = String::from(
        "customer_id,customer_name,invoice_number,currency,total,issue_date,due_date\n",
    );
    while csv.len() <= 33 << 20 {
        csv.push_str("C-9,Nine Ltd,INV-1,EUR,100.00,2026-01-01,2026-01-31\n");
    }
    let r = app.send_raw(
        "POST",
        "/api/import?format=csv",
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "text/csv"),
        ],
        csv.as_bytes(),
    );
    assert_too_large(&r, "import", 32 << 20, "import");

    // API JSON (256 KiB): the policy stays the default.
    let r = app.send_raw("PUT", "/api/policy", &auth, padded(300 << 10).as_bytes());
    assert_too_large(&r, "api_json", 256 << 10, "policy");
    assert_eq!(app.api_get("/api/policy").json["custom"], false);
    // The same without a Content-Length (chunked): read as a stream, stopped at the limit.
    let r = app.send_chunked("PUT", "/api/policy", &auth, padded(300 << 10).into_bytes());
    assert_too_large(&r, "api_json", 256 << 10, "policy, chunked");
    assert_eq!(app.api_get("/api/policy").json["custom"], false);
    let r = app.send_raw("POST", "/api/sweep", &auth, padded(300 << 10).as_bytes());
    assert_too_large(&r, "api_json", 256 << 10, "sweep");
    assert_eq!(app.api_get("/api/sweeps").json["sweeps"], json!([]));

    // A template (64 KiB): no override stored.
    let r = app.send_raw(
        "PUT",
        "/api/templates/en/reminder.txt.j2",
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "text/plain"),
        ],
        "x".repeat(70 << 10).as_bytes(),
    );
    assert_too_large(&r, "template", 64 << 10, "template");
    assert_eq!(app.api_get("/api/templates").json["overrides"], json!({}));

    // A raw message to classify (2 MiB).
    let mut raw = String::from("From: a@b.example\r\nTo: ar@x.example\r\nSubject: hi\r\n\r\n");
    raw.push_str(&"y".repeat(3 << 20));
    let r = app.send_raw(
        "POST",
        "/api/classify",
        &[
            ("Authorization", bearer.as_str()),
            ("Content-Type", "message/rfc822"),
        ],
        raw.as_bytes(),
    );
    assert_too_large(&r, "message", 2 << 20, "classify");

    // A dashboard form (16 KiB).
    let form = format!("token={}", "z".repeat(20 << 10));
    let r = app.send_raw(
        "POST",
        "/dashboard/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        form.as_bytes(),
    );
    assert_too_large(&r, "form", 16 << 10, "login form");

    // Nothing of the above reached the ledger.
    assert_eq!(accounts(&app), 0);
    // Just under the limits, the same routes work.
    let r = app.send_raw("PUT", "/api/policy", &auth, b"null");
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.post_erp(
        &json!({"id": "e2", "type": "customer.upsert", "occurred_at": "2026-11-01T10:00:00Z",
                "customer": {"id": "C-2", "name": "Small GmbH", "owner": "o".repeat(500 << 10)}})
        .to_string(),
        crate::helpers::unix_now(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(accounts(&app), 1);
}
