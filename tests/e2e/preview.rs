//! `GET /api/accounts/{id}/preview`, `GET /api/preview` and `GET /api/worklist`: what Nudge
//! would send in the next days, to whom and why, with no side effects; a disputed invoice is
//! never named until its dispute is resolved, then it comes back into the preview; the disputed
//! account is on the worklist with its reason.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::sweep_fixtures::{account, book, contact, invoice, outbound, seed};

const ID: &str = "erp:C-PRE";

fn seeded() -> TestApp {
    let app = spawn_app();
    app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));
    let mut b = book(
        account(ID, "Preview Ltd", "Europe/London"),
        vec![contact("ap@preview.example", "AP")],
        vec![
            invoice("erp:I-P1", "INV-P-1", "2026-02-20", "500.00"),
            invoice("erp:I-P2", "INV-P-2", "2026-02-25", "250.00"),
        ],
    );
    b["disputes"] = json!([{
        "id": "dsp-p", "category": "quantity", "invoice_ids": ["erp:I-P1"], "status": "open",
        "opened_at": "2026-02-26T09:00:00Z", "resolved_at": null, "summary": null
    }]);
    seed(&app, vec![json!({"book": b})]);
    app
}

fn sends(preview: &Value) -> Vec<Value> {
    preview["preview"]["actions"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|x| x["step"]["type"] == "send")
                .cloned()
                .collect()
        })
        .unwrap_or_default()
}

fn named(preview: &Value) -> Vec<String> {
    sends(preview)
        .iter()
        .flat_map(|s| {
            s["step"]["invoice_ids"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

#[test]
fn a_preview_plans_without_sending_and_a_resolved_dispute_comes_back_into_it() {
    let app = seeded();
    let path = "/api/accounts/erp%3AC-PRE/preview?days=30";
    let r = app.api_get(path);
    assert_eq!(r.status, 200, "{}", r.text);
    let planned = sends(&r.json);
    assert!(!planned.is_empty(), "{}", r.text);
    for s in &planned {
        assert_eq!(s["step"]["to"], "ap@preview.example", "{s}");
        assert!(
            s["reasons"].as_array().is_some_and(|r| !r.is_empty()),
            "{s}"
        );
        let local = s["local_at"].as_str().unwrap_or_default();
        let hour: u32 = local.get(11..13).and_then(|h| h.parse().ok()).unwrap_or(99);
        assert!((9..17).contains(&hour), "outside the window: {local}");
    }
    assert!(
        !named(&r.json).contains(&"erp:I-P1".to_string()),
        "{}",
        r.text
    );
    // No side effects.
    assert!(outbound(&app, ID).is_empty());
    assert!(app.sent_emails().is_empty());

    let all = app.api_get("/api/preview?days=30");
    assert_eq!(all.status, 200, "{}", all.text);
    assert!(
        all.json["accounts"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["account_id"] == ID)),
        "{}",
        all.text
    );

    let w = app.api_get("/api/worklist");
    assert_eq!(w.status, 200, "{}", w.text);
    assert!(
        w.text.contains(ID) && w.text.contains("open_dispute"),
        "{}",
        w.text
    );

    let r = app.api_post(
        "/api/accounts/erp%3AC-PRE/disputes/dsp-p/resolve",
        &json!({"outcome": "withdrawn"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let after = app.api_get(path);
    assert!(
        named(&after.json).contains(&"erp:I-P1".to_string()),
        "{}",
        after.text
    );
}

#[test]
fn previews_refuse_bad_input_and_missing_tokens() {
    let app = seeded();
    for q in ["days=-1", "days=1000", "days=soon"] {
        let r = app.api_get(&format!("/api/accounts/erp%3AC-PRE/preview?{q}"));
        assert_eq!(r.status, 422, "{q}: {}", r.text);
        assert_eq!(r.json["errors"][0]["field"], "days");
    }
    assert_eq!(
        app.api_get("/api/accounts/erp%3AC-NONE/preview").status,
        404
    );
    let t = app.api_get("/api/accounts/erp%3AC-PRE/timeline?limit=0");
    assert_eq!(t.status, 400, "{}", t.text);
    for p in [
        "/api/preview",
        "/api/worklist",
        "/api/accounts/erp%3AC-PRE/preview",
        "/api/accounts/erp%3AC-PRE/timeline",
    ] {
        assert_eq!(app.get_with_auth(p, None).status, 401, "{p}");
        assert_eq!(
            app.get_with_auth(p, Some("Bearer wrong")).status,
            401,
            "{p}"
        );
    }
}
