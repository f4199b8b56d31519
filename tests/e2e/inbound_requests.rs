//! More human replies: a payment plan goes to approval, "already paid" without a payment asks
//! for remittance details, a PO number is stored on its invoice, a legal threat goes to a person
//! unanswered, and replies to one account are capped per day.

use serde_json::Value;

use crate::helpers::spawn_app;
use crate::inbound_support::*;

const SUBJECT: &str = "Re: Your account with Example Supplies Ltd";

#[test]
fn requests_go_to_approval_tasks_or_the_ledger() {
    let app = spawn_app();
    seed_account(
        &app,
        "erp:C-600",
        "Stark Industries",
        vec![contact("pepper@stark.example", "Pepper Potts", true)],
        vec![invoice("INV-6001", "2026-10-01", "2500.00")],
    );
    seed_account(
        &app,
        "erp:C-700",
        "Wayne Enterprises",
        vec![contact("lucius@wayne.example", "Lucius Fox", true)],
        vec![
            invoice("INV-7001", "2026-10-01", "100.00"),
            invoice("INV-7002", "2026-10-02", "200.00"),
        ],
    );

    // Payment plan → a pending approval and an acknowledgement.
    let raw = reply_mail(
        "pepper@stark.example",
        "Pepper Potts",
        "plan-1@stark.example",
        SUBJECT,
        "We are having cash flow problems at the moment. Could we pay the outstanding balance in three monthly instalments?",
    );
    let m = deliver(
        &app,
        "pepper@stark.example",
        INBOUND,
        &raw,
        "plan-1@stark.example",
    );
    assert_eq!(m["action"], "payment_plan_approval_requested", "{m}");
    assert_eq!(m["approvals"][0]["kind"], "payment_plan", "{m}");
    assert_eq!(m["approvals"][0]["status"], "pending");
    assert!(reply_to(&app, "plan-1@stark.example").is_some());

    // "Already paid" with no payment on file → ask for remittance details, task for a person.
    let raw = reply_mail(
        "pepper@stark.example",
        "Pepper Potts",
        "paid-1@stark.example",
        SUBJECT,
        "We already paid invoice INV-6001 last week by bank transfer.",
    );
    let m = deliver(
        &app,
        "pepper@stark.example",
        INBOUND,
        &raw,
        "paid-1@stark.example",
    );
    assert_eq!(m["action"], "remittance_requested", "{m}");
    assert_eq!(m["status"], "needs_human");
    assert_eq!(m["tasks"][0]["kind"], "payment_not_found", "{m}");
    assert_eq!(m["replies"][0]["kind"], "already_paid_ask_remittance");
    assert!(reply_to(&app, "paid-1@stark.example").is_some());

    // PO number for a named invoice → stored on that invoice only, confirmed.
    let raw = reply_mail(
        "lucius@wayne.example",
        "Lucius Fox",
        "po-1@wayne.example",
        SUBJECT,
        "Please add PO number 4500012345 to invoice INV-7001.",
    );
    let m = deliver(
        &app,
        "lucius@wayne.example",
        INBOUND,
        &raw,
        "po-1@wayne.example",
    );
    assert_eq!(m["action"], "po_number_stored", "{m}");
    let b = account_state(&app, "erp:C-700");
    let invoices = b["invoices"].as_array().cloned().unwrap_or_default();
    let po = |id: &str| -> Value {
        invoices
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["po_number"].clone())
            .unwrap_or(Value::Null)
    };
    assert_eq!(po("erp:INV-7001"), "4500012345", "{b}");
    assert_eq!(po("erp:INV-7002"), Value::Null);
    let eml = reply_to(&app, "po-1@wayne.example").expect("PO confirmed");
    assert!(eml.contains("4500012345"), "{eml}");

    // A legal threat: nothing automatic, a person gets it (task + forward), no answer.
    let raw = reply_mail(
        "lucius@wayne.example",
        "Lucius Fox",
        "legal-1@wayne.example",
        SUBJECT,
        "If you keep sending these emails our lawyers will be in touch. This is harassment.",
    );
    let m = deliver(
        &app,
        "lucius@wayne.example",
        INBOUND,
        &raw,
        "legal-1@wayne.example",
    );
    assert_eq!(m["classification"]["primary_intent"], "legal_threat", "{m}");
    assert_eq!(m["action"], "handed_to_person");
    assert_eq!(m["status"], "needs_human");
    assert_eq!(m["tasks"][0]["kind"], "inbound_review");
    assert!(reply_to(&app, "legal-1@wayne.example").is_none());
    app.eventually("the forward of the legal threat", || {
        let logs = app.logs().join("\n");
        logs.contains(&format!("x-nudge-message: {}", m["id"].as_str()?))
            .then_some(())
    });
}

#[test]
fn replies_to_one_account_are_capped_per_day() {
    let app = spawn_app();
    seed_account(
        &app,
        "erp:C-800",
        "Acme Corp",
        vec![contact("wile@acme.example", "Wile Coyote", true)],
        vec![invoice("INV-8001", "2026-10-01", "80.00")],
    );
    let mut actions = Vec::new();
    for n in 1..=4 {
        let id = format!("copy-{n}@acme.example");
        let raw = reply_mail(
            "wile@acme.example",
            "Wile Coyote",
            &id,
            SUBJECT,
            "Could you resend invoice INV-8001 please?",
        );
        let m = deliver(&app, "wile@acme.example", INBOUND, &raw, &id);
        actions.push(m["action"].as_str().unwrap_or_default().to_string());
    }
    assert!(
        actions[..3].iter().all(|a| a == "invoice_copy_sent"),
        "{actions:?}"
    );
    assert!(actions[3].contains("daily_reply_cap"), "{actions:?}");
    assert!(reply_to(&app, "copy-3@acme.example").is_some());
    assert!(reply_to(&app, "copy-4@acme.example").is_none());
}

#[test]
fn a_reply_the_runtime_refuses_goes_out_through_the_email_binding() {
    let app = spawn_app();
    seed_account(
        &app,
        "erp:C-900",
        "Soylent Corp",
        vec![contact("sol@soylent.example", "Sol Roth", true)],
        vec![invoice("INV-9001", "2026-10-01", "90.00")],
    );
    // In-Reply-To without References: Email Routing will not let us `reply()` to it.
    let raw = "From: Sol Roth <sol@soylent.example>\r\nTo: ar@nudge.example.com\r\n\
               Subject: Re: Your account\r\nMessage-ID: <irt-1@soylent.example>\r\n\
               In-Reply-To: <older@soylent.example>\r\n\r\n\
               Could you please send me a copy of invoice INV-9001?\r\n";
    let m = deliver(
        &app,
        "sol@soylent.example",
        INBOUND,
        raw,
        "irt-1@soylent.example",
    );
    assert_eq!(m["action"], "invoice_copy_sent", "{m}");
    assert_eq!(m["replies"][0]["status"], "sent", "{m}");
    let eml = reply_to(&app, "irt-1@soylent.example").expect("sent through send_email");
    assert!(eml.contains("INV-9001"));
    assert!(
        app.logs()
            .iter()
            .any(|l| l.contains("send_email binding called")),
        "the EMAIL binding sent it"
    );

    // The list filters by status and account, and names a bad status.
    let mine = app.api_get("/api/inbound?status=processed&account_id=erp:C-900");
    assert_eq!(
        mine.json["messages"].as_array().map(Vec::len),
        Some(1),
        "{}",
        mine.text
    );
    // The list leaves the customer's words to the detail view.
    let listed = &mine.json["messages"][0];
    assert_eq!(
        listed["classification"]["primary_intent"],
        "invoice_copy_request"
    );
    assert!(listed["classification"]["new_text"].is_null(), "{listed}");
    assert!(m["classification"]["new_text"]
        .as_str()
        .is_some_and(|t| t.contains("INV-9001")));
    assert_eq!(m["parsed"]["from"], "sol@soylent.example");
    let none = app.api_get("/api/inbound?status=needs_human");
    assert_eq!(none.json["messages"].as_array().map(Vec::len), Some(0));
    let bad = app.api_get("/api/inbound?status=weird");
    assert_eq!(bad.status, 400);
    assert!(bad.json["error"]
        .as_str()
        .unwrap_or("")
        .starts_with("status:"));
    assert_eq!(app.api_get("/api/inbound/msg_nope").status, 404);
}
