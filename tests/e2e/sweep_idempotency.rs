//! Once per step: two sweeps racing at the same simulated time, then the same sweep repeated,
//! produce exactly one message per account.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

#[test]
fn racing_and_repeated_sweeps_send_each_step_once() {
    let app = spawn_app();
    let accounts: Vec<_> = (0..8)
        .map(|i| {
            json!({"book": book(
                account(&format!("erp:C-R{i}"), &format!("Racer {i}"), "Europe/London"),
                vec![contact(&format!("ap{i}@racer.example"), "Pat")],
                vec![invoice(&format!("erp:I-R{i}"), &format!("INV-R{i}"), "2026-02-02", "100.00")],
            )})
        })
        .collect();
    seed(&app, accounts);

    let as_of = "2026-02-10T10:00:00Z";
    // Two sweeps fired at once from two threads.
    std::thread::scope(|s| {
        let a = s.spawn(|| app.api_post("/api/sweep", &json!({ "as_of": as_of })));
        let b = s.spawn(|| app.api_post("/api/sweep", &json!({ "as_of": as_of })));
        for r in [a.join().unwrap(), b.join().unwrap()] {
            assert_eq!(r.status, 200, "{}", r.text);
        }
    });
    // And the same sweep again, and a minute later.
    sweep(&app, as_of);
    sweep(&app, "2026-02-10T10:01:00Z");
    // And one account asked directly.
    let r = app.api_post(
        "/api/sweep",
        &json!({"as_of": "2026-02-10T10:02:00Z", "account_id": "erp:C-R0"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);

    app.eventually("eight .eml files", || {
        (app.sent_emails().len() >= 8).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let emails = app.sent_emails();
    assert_eq!(emails.len(), 8, "one reminder per account");
    for i in 0..8 {
        let rows = outbound(&app, &format!("erp:C-R{i}"));
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0]["status"], "sent");
        assert_eq!(rows[0]["attempts"], 1);
        assert_eq!(emails_to(&app, &format!("ap{i}@racer.example")).len(), 1);
    }
    let runs = app.api_get("/api/sweeps").json["sweeps"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(runs.len(), 5);
    assert!(runs.iter().all(|r| r["errors"] == 0), "{runs:?}");
}

#[test]
fn as_of_and_the_clock_are_refused_without_test_clocks() {
    let app = crate::helpers::spawn_app_with(crate::helpers::AppOptions {
        vars: vec![("TEST_CLOCKS".into(), "false".into())],
    });
    let r = app.api_post("/api/sweep", &json!({"as_of": "2026-02-10T10:00:00Z"}));
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json["error"].as_str().unwrap().contains("as_of"));
    assert_eq!(
        app.api_post("/api/clock", &json!({"now": "2026-02-10T10:00:00Z"}))
            .status,
        400
    );
    assert_eq!(
        app.api_post("/api/sweeps/seed", &json!({"accounts": []}))
            .status,
        400
    );
    // A sweep now is fine.
    let r = app.api_post("/api/sweep", &json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["accounts_due"], 0);
}
