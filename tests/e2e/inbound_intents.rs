//! Human replies delivered through `/cdn-cgi/handler/email` change the ledger and are answered
//! in thread (issue 5, "Act").

use serde_json::Value;

use crate::helpers::spawn_app;
use crate::inbound_support::*;

fn contacts_of(book: &Value) -> Vec<Value> {
    book["contacts"].as_array().cloned().unwrap_or_default()
}

#[test]
fn replies_change_the_ledger_and_are_answered_in_thread() {
    let app = spawn_app();
    seed_account(
        &app,
        "erp:C-100",
        "Globex GmbH",
        vec![contact("jane@globex.example", "Jane Doe", true)],
        vec![invoice("INV-1001", "2026-10-15", "1200.00")],
    );
    seed_account(
        &app,
        "erp:C-200",
        "Initech Ltd",
        vec![contact("bill@initech.example", "Bill Lumbergh", true)],
        vec![
            invoice("INV-2001", "2026-10-01", "500.00"),
            invoice("INV-2002", "2026-10-20", "750.00"),
        ],
    );
    seed_account(
        &app,
        "erp:C-300",
        "Umbrella plc",
        vec![contact("alice@umbrella.example", "Alice Smith", true)],
        vec![invoice("INV-3001", "2026-10-10", "300.00")],
    );
    seed_account(
        &app,
        "erp:C-400",
        "Hooli Inc",
        vec![contact("gavin@hooli.example", "Gavin Belson", true)],
        vec![invoice("INV-4001", "2026-10-05", "999.00")],
    );

    // Promise to pay: recorded with its date and confirmed in thread.
    let raw = reply_mail(
        "jane@globex.example",
        "Jane Doe",
        "promise-1@globex.example",
        "Re: Your account with Example Supplies Ltd",
        "Hello, we will pay invoice INV-1001 on 15 December 2026.\r\n\r\nRegards, Jane",
    );
    let m = deliver(
        &app,
        "jane@globex.example",
        INBOUND,
        &raw,
        "promise-1@globex.example",
    );
    assert_eq!(m["account_id"], "erp:C-100", "{m}");
    assert_eq!(m["matched_by"], "contact");
    assert_eq!(
        m["classification"]["primary_intent"], "promise_to_pay",
        "{m}"
    );
    assert_eq!(m["action"], "promise_recorded", "{m}");
    assert_eq!(m["status"], "processed");
    assert_eq!(m["replies"][0]["status"], "sent", "{m}");
    let b = account_state(&app, "erp:C-100");
    let promises = b["promises"].as_array().cloned().unwrap_or_default();
    assert_eq!(promises.len(), 1, "{b}");
    assert_eq!(promises[0]["promised_date"], "2026-12-15");
    assert_eq!(promises[0]["source"], "email");
    assert_eq!(promises[0]["invoice_ids"][0], "erp:INV-1001");
    let eml = reply_to(&app, "promise-1@globex.example").expect("promise confirmation sent");
    assert!(
        header(&eml, "References").is_some_and(|r| r.contains("<promise-1@globex.example>")),
        "{eml}"
    );
    assert_eq!(header(&eml, "To").as_deref(), Some("<jane@globex.example>"));
    assert_eq!(
        header(&eml, "Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    let token_reply_to = header(&eml, "Reply-To").unwrap_or_default();
    assert!(token_reply_to.contains("ar+"), "{eml}");
    assert!(eml.contains("15"), "{eml}");

    // The same message delivered again (a retry) is kept but not acted on twice.
    let sent = app.sent_emails().len();
    let r = app.deliver_email("jane@globex.example", INBOUND, &raw);
    assert_eq!(r.status, 200);
    let list = app.api_get("/api/inbound?limit=500").json;
    let copies: Vec<_> = list["messages"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|m| m["message_id"] == "promise-1@globex.example")
        .collect();
    assert_eq!(copies.len(), 2, "{list}");
    assert_eq!(
        copies[0]["action"], "duplicate_ignored",
        "newest first: {list}"
    );
    let b = account_state(&app, "erp:C-100");
    assert_eq!(b["promises"].as_array().map(Vec::len), Some(1));
    assert_eq!(app.sent_emails().len(), sent, "no second confirmation");

    // A later message from an unknown address that answers our confirmation threads by
    // In-Reply-To to the same account.
    let ours = header(&eml, "Message-ID").expect("our Message-ID");
    let ours = ours.trim_matches(|c| c == '<' || c == '>');
    let raw = format!(
        "From: Accounts <payables@gmail.com>\r\nTo: {INBOUND}\r\nSubject: Re: Your account\r\n\
         Message-ID: <follow-1@gmail.com>\r\nIn-Reply-To: <{ours}>\r\nReferences: <promise-1@globex.example> <{ours}>\r\n\r\n\
         Could you send us a copy of invoice INV-1001 please?\r\n"
    );
    let m = deliver(
        &app,
        "payables@gmail.com",
        INBOUND,
        &raw,
        "follow-1@gmail.com",
    );
    assert_eq!(m["account_id"], "erp:C-100", "{m}");
    assert_eq!(m["matched_by"], "in_reply_to");
    assert_eq!(m["action"], "invoice_copy_sent", "{m}");
    let eml = reply_to(&app, "follow-1@gmail.com").expect("invoice copy sent");
    assert!(eml.contains("https://pay.example.com/INV-1001"), "{eml}");
    let refs = header(&eml, "References").unwrap_or_default();
    assert!(
        refs.contains(&format!("<{ours}>")) && refs.contains("<follow-1@gmail.com>"),
        "{eml}"
    );

    // Dispute naming one invoice: opened on that invoice only, evidence asked for.
    let raw = reply_mail(
        "bill@initech.example",
        "Bill Lumbergh",
        "dispute-1@initech.example",
        "Re: Your account with Example Supplies Ltd",
        "Invoice INV-2002 is wrong: the unit price is higher than in your quote. We will not pay it until the price is corrected.",
    );
    let m = deliver(
        &app,
        "bill@initech.example",
        INBOUND,
        &raw,
        "dispute-1@initech.example",
    );
    assert_eq!(m["action"], "dispute_opened", "{m}");
    let b = account_state(&app, "erp:C-200");
    let disputes = b["disputes"].as_array().cloned().unwrap_or_default();
    assert_eq!(disputes.len(), 1, "{b}");
    assert_eq!(
        disputes[0]["invoice_ids"],
        serde_json::json!(["erp:INV-2002"])
    );
    assert_eq!(disputes[0]["category"], "pricing");
    assert_eq!(disputes[0]["status"], "open");
    let eml = reply_to(&app, "dispute-1@initech.example").expect("dispute acknowledged");
    assert!(eml.contains("INV-2002"), "{eml}");
    assert!(
        eml.to_lowercase().contains("quote"),
        "evidence asked for: {eml}"
    );

    // Invoice copy request: the reply carries the payment and PDF links.
    let raw = reply_mail(
        "alice@umbrella.example",
        "Alice Smith",
        "copy-1@umbrella.example",
        "Re: Your account with Example Supplies Ltd",
        "Hi, can you please send me a copy of invoice INV-3001? I cannot find it.",
    );
    let m = deliver(
        &app,
        "alice@umbrella.example",
        INBOUND,
        &raw,
        "copy-1@umbrella.example",
    );
    assert_eq!(m["action"], "invoice_copy_sent", "{m}");
    let eml = reply_to(&app, "copy-1@umbrella.example").expect("invoice copy sent");
    assert!(
        eml.contains("https://pay.example.com/INV-3001.pdf"),
        "{eml}"
    );

    // Contact change: the new AP contact is added and preferred, the old one kept.
    let raw = reply_mail(
        "gavin@hooli.example",
        "Gavin Belson",
        "contact-1@hooli.example",
        "Re: Your account with Example Supplies Ltd",
        "I no longer handle invoices. Please contact our accounts payable team at ap@hooli.example from now on.",
    );
    let m = deliver(
        &app,
        "gavin@hooli.example",
        INBOUND,
        &raw,
        "contact-1@hooli.example",
    );
    assert_eq!(m["action"], "contact_added", "{m}");
    let contacts = contacts_of(&account_state(&app, "erp:C-400"));
    let ap = contacts
        .iter()
        .find(|c| c["email"] == "ap@hooli.example")
        .unwrap_or_else(|| panic!("{contacts:?}"));
    assert_eq!(ap["preferred"], true);
    let old = contacts
        .iter()
        .find(|c| c["email"] == "gavin@hooli.example")
        .expect("old contact kept");
    assert_eq!(old["preferred"], false);
    assert_eq!(old["status"], "active");
    let eml = reply_to(&app, "contact-1@hooli.example").expect("contact change confirmed");
    assert!(eml.contains("ap@hooli.example"), "{eml}");
}
