//! Shadow mode drafts instead of sending; approving a draft sends it exactly once; rejecting
//! needs a note; tasks can be closed; per-account overrides are validated with field errors.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

#[test]
fn shadow_mode_drafts_and_an_approval_sends_exactly_once() {
    let app = spawn_app();
    seed(
        &app,
        vec![
            json!({"shadow_mode": true, "book": book(
                account("erp:C-SH", "Shadowy", "Europe/London"),
                vec![contact("ap@shadowy.example", "Sam")],
                vec![invoice("erp:I-SH1", "INV-SH1", "2026-02-02", "250.00")],
            )}),
            json!({"book": book(
                account("erp:C-SH2", "Shadowy Two", "Europe/London"),
                vec![contact("ap@shadowy2.example", "Sue")],
                vec![invoice("erp:I-SH2", "INV-SH2", "2026-02-02", "250.00")],
            )}),
        ],
    );
    // Shadow for the second account too, through the operator's per-account switch.
    let r = app.api_put_json(
        "/api/accounts/erp%3AC-SH2/policy",
        &json!({"shadow_mode": true, "overrides": {"min_gap_business_days": 3}}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Invalid overrides: 422 naming the field, nothing changed.
    let bad = app.api_put_json(
        "/api/accounts/erp%3AC-SH2/policy",
        &json!({"overrides": {"min_gap_business_days": 0}}),
    );
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        bad.json["errors"][0]["field"],
        "overrides.min_gap_business_days"
    );
    let unknown = app.api_put_json("/api/accounts/erp%3AC-SH2/policy", &json!({"overides": {}}));
    assert_eq!(unknown.status, 422, "{}", unknown.text);

    sweep(&app, "2026-02-10T10:00:00Z");
    sweep(&app, "2026-02-10T10:00:00Z");
    assert!(app.sent_emails().is_empty(), "shadow mode sends nothing");
    let pending = app.api_get("/api/approvals?status=pending").json["approvals"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(pending.len(), 2, "{pending:?}");
    assert!(pending.iter().all(|a| a["kind"] == "draft_email"));
    assert!(pending[0]["payload"]["text"]
        .as_str()
        .unwrap()
        .contains("INV-SH"));
    let id = pending[0]["id"].as_str().unwrap().to_string();
    let full = app.api_get(&format!("/api/approvals/{id}"));
    assert!(full.json["payload"]["raw"]
        .as_str()
        .unwrap()
        .contains("Message-ID"));

    // Two approvals racing: exactly one sends.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| app.api_post(&format!("/api/approvals/{id}/approve"), &json!({})));
        let b = s.spawn(|| app.api_post(&format!("/api/approvals/{id}/approve"), &json!({})));
        (a.join().unwrap(), b.join().unwrap())
    });
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    // wrangler logs the .eml path just after the send returns.
    app.eventually("the approved draft's .eml", || {
        (!app.sent_emails().is_empty()).then_some(())
    });
    assert_eq!(app.sent_emails().len(), 1);
    assert_eq!(
        app.api_post(&format!("/api/approvals/{id}/approve"), &json!({}))
            .status,
        409
    );
    assert_eq!(app.sent_emails().len(), 1);
    let account = pending[0]["account_id"].as_str().unwrap();
    let rows = outbound(&app, account);
    assert_eq!(rows[0]["status"], "sent", "{rows:?}");

    // The other draft is rejected: a note is required; nothing is sent.
    let other = pending[1]["id"].as_str().unwrap();
    assert_eq!(
        app.api_post(&format!("/api/approvals/{other}/reject"), &json!({}))
            .status,
        400
    );
    let r = app.api_post(
        &format!("/api/approvals/{other}/reject"),
        &json!({"note": "customer called, paying today"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.sent_emails().len(), 1);
    assert!(
        app.api_get("/api/approvals?status=pending").json["approvals"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_eq!(app.api_get("/api/approvals?status=bogus").status, 400);
}

#[test]
fn a_final_escalation_is_approved_into_a_task() {
    let app = spawn_app();
    seed(
        &app,
        vec![json!({
            "overrides": {"thresholds": [{"stage": "review", "min_days_overdue": 4}],
                          "min_gap_business_days": 1},
            "book": book(
                account("erp:C-ESC", "Escalated", "Europe/London"),
                vec![contact("ap@esc.example", "Eve")],
                vec![invoice("erp:I-E1", "INV-E1", "2025-11-03", "4000.00")],
            )
        })],
    );
    // 100 days overdue: the ladder is walked one step at a time, a business day apart, until
    // human review, which is an approval and never an email.
    for day in 10..=24 {
        sweep(&app, &format!("2026-02-{day:02}T11:00:00Z"));
    }
    let approvals = app.api_get("/api/approvals?account_id=erp%3AC-ESC").json["approvals"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert_ne!(approvals[0]["kind"], "draft_email");
    let sent_before = app.sent_emails().len();
    assert!(sent_before >= 1);
    assert!(outbound(&app, "erp:C-ESC")
        .iter()
        .all(|r| r["kind"] != "review"));
    let id = approvals[0]["id"].as_str().unwrap();
    let r = app.api_post(
        &format!("/api/approvals/{id}/approve"),
        &json!({"by": "cfo"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.sent_emails().len(),
        sent_before,
        "approving sends nothing"
    );
    let tasks = app
        .api_get("/api/tasks?status=open&account_id=erp%3AC-ESC")
        .json["tasks"]
        .as_array()
        .cloned()
        .unwrap();
    let follow = tasks
        .iter()
        .find(|t| t["kind"].as_str().unwrap().starts_with("approved_"))
        .expect("follow-up task");
    let tid = follow["id"].as_str().unwrap();
    assert_eq!(
        app.api_post(&format!("/api/tasks/{tid}/done"), &json!({}))
            .status,
        200
    );
    assert_eq!(
        app.api_post(&format!("/api/tasks/{tid}/done"), &json!({}))
            .status,
        409
    );
    assert_eq!(
        app.api_post("/api/tasks/task_nope/done", &json!({})).status,
        404
    );
}
