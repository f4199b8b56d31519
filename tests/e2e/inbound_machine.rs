//! Machine mail and mail nobody can thread: bounces mark contacts, auto-replies are never
//! answered (an out-of-office date is kept), unknown senders are forwarded to a person.

use crate::helpers::spawn_app;
use crate::inbound_support::*;

#[test]
fn bounces_auto_replies_and_unknown_senders() {
    let app = spawn_app();
    let token = seed_account(
        &app,
        "erp:C-500",
        "Vandelay Industries",
        vec![
            contact("art@vandelay.example", "Art Vandelay", true),
            contact("ap@vandelay.example", "AP Team", false),
        ],
        vec![invoice("INV-5001", "2026-10-01", "420.00")],
    );

    // A permanent bounce (user unknown) sent back to our VERP address marks the contact.
    let dsn = crate::inbound_support::dsn_user_unknown(
        &format!("ar+{token}@nudge.example.com"),
        "art@vandelay.example",
        "bounce-1@mx.vandelay.example",
    );
    let m = deliver(
        &app,
        "mailer-daemon@mx.vandelay.example",
        &format!("ar+{token}@nudge.example.com"),
        &dsn,
        "bounce-1@mx.vandelay.example",
    );
    assert_eq!(m["kind"], "bounce", "{m}");
    assert_eq!(m["matched_by"], "reply_token", "{m}");
    assert_eq!(m["action"], "contact_bounced", "{m}");
    assert!(m["replies"].as_array().is_some_and(Vec::is_empty), "{m}");
    let b = account_state(&app, "erp:C-500");
    let contacts = b["contacts"].as_array().cloned().unwrap_or_default();
    let art = contacts
        .iter()
        .find(|c| c["email"] == "art@vandelay.example")
        .unwrap();
    assert_eq!(art["status"], "bounced", "{b}");
    let ap = contacts
        .iter()
        .find(|c| c["email"] == "ap@vandelay.example")
        .unwrap();
    assert_eq!(ap["preferred"], true, "the next contact takes over: {b}");

    // An out-of-office auto-reply is never answered; its return date is kept.
    let sent_before = app.sent_emails().len();
    let ooo = "From: AP Team <ap@vandelay.example>\r\nTo: ar@nudge.example.com\r\n\
               Subject: Automatic reply: Your account with Example Supplies Ltd\r\n\
               Message-ID: <ooo-1@vandelay.example>\r\nAuto-Submitted: auto-replied\r\n\
               X-Auto-Response-Suppress: All\r\n\r\n\
               Thank you for your email. I am out of the office until 7 December 2026 with no access to email.\r\n";
    let m = deliver(
        &app,
        "ap@vandelay.example",
        INBOUND,
        ooo,
        "ooo-1@vandelay.example",
    );
    assert_eq!(m["kind"], "auto_reply", "{m}");
    assert_eq!(m["action"], "out_of_office_recorded", "{m}");
    assert_eq!(m["classification"]["out_of_office_until"], "2026-12-07");
    assert_eq!(
        account_state(&app, "erp:C-500")["out_of_office_until"],
        "2026-12-07"
    );
    assert_eq!(
        app.sent_emails().len(),
        sent_before,
        "auto-replies get no answer"
    );

    // A stranger: kept, a task for a person, forwarded to the fallback address.
    let raw = reply_mail(
        "someone@unknown-co.example",
        "Some One",
        "stranger-1@unknown-co.example",
        "Question about an invoice",
        "Hello, we received an invoice from you but we do not know what it is for.",
    );
    let m = deliver(
        &app,
        "someone@unknown-co.example",
        INBOUND,
        &raw,
        "stranger-1@unknown-co.example",
    );
    assert_eq!(m["account_id"], serde_json::Value::Null, "{m}");
    assert_eq!(m["status"], "needs_human");
    assert_eq!(m["action"], "forwarded_unmatched");
    assert_eq!(m["tasks"][0]["kind"], "unmatched_email", "{m}");
    // Wrangler logs each forward with its recipient and our headers.
    assert_forwarded(&app, m["id"].as_str().unwrap_or_default());
    assert_eq!(
        app.sent_emails().len(),
        sent_before,
        "strangers get no answer"
    );
}

#[test]
fn oversized_mail_is_kept_and_handed_to_a_person() {
    let app = crate::helpers::spawn_app_with(crate::helpers::AppOptions {
        vars: vec![("INBOUND_MAX_BYTES".into(), "2000".into())],
    });
    let body = "x".repeat(3000);
    let raw = reply_mail(
        "big@globex.example",
        "Big",
        "big-1@globex.example",
        "Huge",
        &body,
    );
    let m = deliver(
        &app,
        "big@globex.example",
        INBOUND,
        &raw,
        "big-1@globex.example",
    );
    assert_eq!(m["status"], "needs_human", "{m}");
    assert_eq!(m["action"], "oversized_forwarded");
    assert_eq!(m["classification"], serde_json::Value::Null);
    assert_eq!(m["tasks"][0]["kind"], "oversized");
    assert_forwarded(&app, m["id"].as_str().unwrap_or_default());
}

/// Wrangler printed "forwarded message with rcptTo: <fallback>" and our `X-Nudge-Message` id.
fn assert_forwarded(app: &crate::helpers::TestApp, id: &str) {
    app.eventually("the forward to the fallback address", || {
        let logs = app.logs().join("\n");
        let needle = format!("rcptTo: {FALLBACK}");
        let at = logs.find(&needle)?;
        logs[at..]
            .contains(&format!("x-nudge-message: {id}"))
            .then_some(())
    });
}

#[test]
fn a_processing_failure_leaves_a_dead_letter_changes_nothing_and_forwards() {
    let app = spawn_app();
    seed_account(
        &app,
        "erp:C-950",
        "Tyrell Corp",
        vec![contact("eldon@tyrell.example", "Eldon Tyrell", true)],
        vec![invoice("INV-9501", "2026-10-01", "950.00")],
    );
    // The marker (TEST_CLOCKS only) makes the account object's D1 batch fail.
    let id = "__fail_batch__-1@tyrell.example";
    let raw = reply_mail(
        "eldon@tyrell.example",
        "Eldon Tyrell",
        id,
        "Re: Your account",
        "We will pay invoice INV-9501 on 15 December 2026.",
    );
    let m = deliver(&app, "eldon@tyrell.example", INBOUND, &raw, id);
    assert_eq!(m["status"], "dead_letter", "{m}");
    assert_eq!(m["action"], "forwarded_dead_letter");
    assert!(
        m["error"]
            .as_str()
            .is_some_and(|e| e.contains("nothing applied")),
        "{m}"
    );
    assert_eq!(m["classification"]["primary_intent"], "promise_to_pay");
    let state = account_state(&app, "erp:C-950");
    assert_eq!(
        state["promises"].as_array().map(Vec::len),
        Some(0),
        "{state}"
    );
    assert!(m["replies"].as_array().is_some_and(Vec::is_empty), "{m}");
    assert!(app.sent_emails().is_empty());
    assert_forwarded(&app, m["id"].as_str().unwrap_or_default());
}
