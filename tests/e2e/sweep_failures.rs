//! A reminder that cannot be built never vanishes into a log line: a person gets a task, once.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

#[test]
fn a_reminder_that_cannot_be_built_becomes_one_task() {
    let app = spawn_app();
    // An address the billing source accepted but the MIME builder refuses (underscore in the host).
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-F1", "Broken Address Ltd", "Europe/London"),
            vec![contact("ap@cus_str.example", "Ann")],
            vec![invoice("erp:I-F1", "INV-F1", "2026-02-02", "100.00")],
        )})],
    );
    sweep(&app, "2026-02-10T10:00:00Z");
    sweep(&app, "2026-02-10T10:05:00Z");

    let tasks = app.api_get("/api/tasks?account_id=erp%3AC-F1").json;
    let failed: Vec<_> = tasks["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|t| t["kind"] == "reminder_failed")
        .collect();
    assert_eq!(failed.len(), 1, "{tasks}");
    assert!(
        failed[0]["summary"]
            .as_str()
            .is_some_and(|s| s.contains("ap@cus_str.example")),
        "{tasks}"
    );
    assert!(app.sent_emails().is_empty());
}
