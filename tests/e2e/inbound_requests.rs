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

#[test]
fn dates_are_read_in_the_accounts_timezone_and_locale() {
    let app = spawn_app();
    seed_account_in(
        &app,
        "erp:C-US",
        "Cyberdyne Systems",
        ("America/Los_Angeles", "en-US"),
        vec![contact("miles@cyberdyne.example", "Miles Dyson", true)],
        vec![invoice("INV-US1", "2026-10-01", "100.00")],
    );
    seed_account(
        &app,
        "erp:C-UK",
        "Tyrell UK",
        vec![contact("rachael@tyrell-uk.example", "Rachael", true)],
        vec![invoice("INV-UK1", "2026-10-01", "100.00")],
    );
    let promise = |from: &str, id: &str, body: &str| -> Value {
        let raw = reply_mail(from, "Customer", id, SUBJECT, body);
        let m = deliver(&app, from, INBOUND, &raw, id);
        assert_eq!(m["action"], "promise_recorded", "{m}");
        m["classification"]["promise"]["date"].clone()
    };
    // "12/03/2027": month first in en-US, day first in en-GB.
    let us = promise(
        "miles@cyberdyne.example",
        "us-1@cyberdyne.example",
        "We will pay the invoice on 12/03/2027.",
    );
    let uk = promise(
        "rachael@tyrell-uk.example",
        "uk-1@tyrell-uk.example",
        "We will pay the invoice on 12/03/2027.",
    );
    assert_eq!(us, "2027-12-03");
    assert_eq!(uk, "2027-03-12");
    let stored = account_state(&app, "erp:C-US");
    assert_eq!(stored["promises"][0]["promised_date"], "2027-12-03");

    // "tomorrow" is tomorrow where the account is.
    let tomorrow = || {
        (chrono::Utc::now().with_timezone(&chrono_tz::America::Los_Angeles)
            + chrono::Duration::days(1))
        .date_naive()
        .to_string()
    };
    let before = tomorrow();
    let got = promise(
        "miles@cyberdyne.example",
        "us-2@cyberdyne.example",
        "We will pay the invoice tomorrow.",
    );
    let after = tomorrow();
    assert!(
        got == before.as_str() || got == after.as_str(),
        "{got} vs {before}"
    );
    let stored = account_state(&app, "erp:C-US");
    let statuses: Vec<&str> = stored["promises"]
        .as_array()
        .map(|p| p.iter().filter_map(|x| x["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        statuses,
        vec!["cancelled", "active"],
        "the newer promise replaces the older"
    );
}
