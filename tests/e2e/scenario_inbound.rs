//! Replies steer the sweeps: a permanent bounce switches the reminder to the next contact, an
//! out-of-office auto-reply defers dunning until the contact is back.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::inbound_support::{deliver, INBOUND};
use crate::sweep_fixtures::*;

#[test]
fn a_bounce_switches_contact_and_an_out_of_office_defers() {
    let app = spawn_app();
    let mut second = contact("ap@vandelay.example", "AP Team");
    second["preferred"] = json!(false);
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-VAN", "Vandelay Industries", "Europe/London"),
            vec![contact("art@vandelay.example", "Art Vandelay"), second],
            vec![invoice("erp:I-V1", "INV-V1", "2026-02-02", "420.00")],
        )})],
    );
    sweep(&app, "2026-02-05T10:00:00Z");
    let rows = outbound(&app, "erp:C-VAN");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["to_addr"], "art@vandelay.example");
    let first = app.eventually("the first reminder", || {
        emails_to(&app, "art@vandelay.example").into_iter().next()
    });
    let reply_to = header(&first, "Reply-To").unwrap();
    let reply_to = reply_to.trim_matches(|c| c == '<' || c == '>');

    // Art's mailbox is gone: a permanent bounce to the reply-to address.
    let dsn = crate::inbound_support::dsn_user_unknown(
        reply_to,
        "art@vandelay.example",
        "bounce-9@mx.vandelay.example",
    );
    let m = deliver(
        &app,
        "mailer-daemon@mx.vandelay.example",
        reply_to,
        &dsn,
        "bounce-9@mx.vandelay.example",
    );
    assert_eq!(m["action"], "contact_bounced", "{m}");

    // The AP team is away until Friday 20 February.
    let ooo = "From: AP Team <ap@vandelay.example>\r\nTo: ar@nudge.example.com\r\n\
               Subject: Automatic reply: Your account\r\n\
               Message-ID: <ooo-9@vandelay.example>\r\nAuto-Submitted: auto-replied\r\n\r\n\
               Thank you for your email. I am out of the office until 20 February 2026 with no access to email.\r\n";
    let m = deliver(
        &app,
        "ap@vandelay.example",
        INBOUND,
        ooo,
        "ooo-9@vandelay.example",
    );
    assert_eq!(m["action"], "out_of_office_recorded", "{m}");

    for day in 6..=20 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    assert_eq!(outbound(&app, "erp:C-VAN").len(), 1, "deferred while away");
    sweep(&app, "2026-02-23T10:00:00Z");
    sweep(&app, "2026-02-24T10:00:00Z");
    let rows = outbound(&app, "erp:C-VAN");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1]["to_addr"], "ap@vandelay.example", "{rows:?}");
    assert!(
        rows[1]["sent_at"].as_str().unwrap() >= "2026-02-21",
        "{rows:?}"
    );
    assert_eq!(emails_to(&app, "art@vandelay.example").len(), 1);
}

#[test]
fn a_dispute_removes_only_its_invoice_and_a_broken_promise_resumes_firmer() {
    use crate::inbound_support::reply_mail;
    let app = spawn_app();
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-GLX", "Globex", "Europe/London"),
            vec![contact("jane@globex.example", "Jane Doe")],
            vec![
                invoice("erp:I-A", "INV-7001", "2026-02-02", "500.00"),
                invoice("erp:I-B", "INV-7002", "2026-02-02", "300.00"),
            ],
        )})],
    );
    sweep(&app, "2026-02-05T10:00:00Z");
    assert_eq!(reminders(&app, "erp:C-GLX").len(), 1);

    // The customer disputes one invoice and promises to pay the other on Monday 16 February.
    let raw = reply_mail(
        "jane@globex.example",
        "Jane Doe",
        "dispute-7@globex.example",
        "Re: Your account with Example Supplies Ltd",
        "Invoice INV-7002 is wrong: the unit price is higher than in your quote. We will not pay it until the price is corrected.",
    );
    let m = deliver(
        &app,
        "jane@globex.example",
        INBOUND,
        &raw,
        "dispute-7@globex.example",
    );
    assert_eq!(m["action"], "dispute_opened", "{m}");
    let raw = reply_mail(
        "jane@globex.example",
        "Jane Doe",
        "promise-7@globex.example",
        "Re: Your account with Example Supplies Ltd",
        "Hello, we will pay invoice INV-7001 on 16 February 2026.\r\n\r\nRegards, Jane",
    );
    let m = deliver(
        &app,
        "jane@globex.example",
        INBOUND,
        &raw,
        "promise-7@globex.example",
    );
    assert_eq!(m["action"], "promise_recorded", "{m}");

    // Paused while the promise stands (16 February + 2 business days of grace).
    for day in 6..=18 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    assert_eq!(
        reminders(&app, "erp:C-GLX").len(),
        1,
        "paused by the promise"
    );

    // Broken: dunning resumes, firmer, about the undisputed invoice only.
    for day in 19..=20 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    let rows = reminders(&app, "erp:C-GLX");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[1]["kind"], "firm_reminder", "{rows:?}");
    let st = app.api_get("/api/sweeps/accounts/erp%3AC-GLX").json;
    let decision = &st["last_decision"];
    assert!(
        decision["reasons"].to_string().contains("promise_broken"),
        "{decision}"
    );
    let last = app.eventually("the firm reminder", || {
        app.sent_emails()
            .into_iter()
            .rev()
            .find(|m| m.contains("INV-7001") && m.contains("jane@globex.example"))
    });
    assert!(last.contains("INV-7001"));
}
