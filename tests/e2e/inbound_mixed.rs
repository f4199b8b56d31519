//! Issue 11 end to end: a reply that says several things is acted on part by part (a dispute
//! holds only the invoice it names, the promise is recorded for the other, the question goes to
//! a person), and a customer who writes German is answered in German.

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::inbound_support::{account_state, deliver, reply_mail, reply_to, INBOUND};
use crate::sweep_fixtures::*;

/// The decoded text part of a sent message.
fn text_of(raw: &str) -> String {
    nudge_mail::parse(raw.as_bytes(), &nudge_mail::Limits::default())
        .unwrap_or_else(|e| panic!("unparsable .eml ({e:?}): {raw}"))
        .text
}

fn intent<'a>(m: &'a Value, name: &str) -> Option<&'a Value> {
    m["classification"]["intents"]
        .as_array()
        .and_then(|a| a.iter().find(|i| i["intent"] == name))
}

#[test]
fn a_mixed_reply_is_acted_on_part_by_part() {
    let app = spawn_app();
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-MIX", "Mixco", "Europe/London"),
            vec![contact("jane@mixco.example", "Jane Doe")],
            vec![
                invoice("erp:I-8001", "INV-8001", "2026-02-02", "500.00"),
                invoice("erp:I-8002", "INV-8002", "2026-02-02", "300.00"),
            ],
        )})],
    );
    sweep(&app, "2026-02-05T10:00:00Z");
    assert_eq!(reminders(&app, "erp:C-MIX").len(), 1);

    // One reply: a dispute on INV-8001, a promise on INV-8002 and a question.
    let raw = reply_mail(
        "jane@mixco.example",
        "Jane Doe",
        "mixed-1@mixco.example",
        "Re: Your account with Example Supplies Ltd",
        "Hello,\r\n\r\nWe dispute INV-8001: the unit price is higher than quoted. INV-8002 is fine \
         and we will pay it on 16 February 2026. Who approved the new rate?\r\n\r\nJane",
    );
    let m = deliver(
        &app,
        "jane@mixco.example",
        INBOUND,
        &raw,
        "mixed-1@mixco.example",
    );
    assert_eq!(
        m["action"], "dispute_opened+promise_recorded+question_to_person",
        "{m}"
    );
    assert_eq!(m["status"], "needs_human", "{m}");
    let c = &m["classification"];
    assert_eq!(c["primary_intent"], "dispute", "{m}");
    assert_eq!(c["language"], "en");
    assert_eq!(
        intent(&m, "dispute").unwrap()["invoice_refs"],
        json!(["INV-8001"]),
        "{m}"
    );
    assert_eq!(
        intent(&m, "promise_to_pay").unwrap()["invoice_refs"],
        json!(["INV-8002"]),
        "{m}"
    );
    assert!(intent(&m, "question").is_some(), "{m}");

    // The dispute holds INV-8001 only; the promise is recorded for INV-8002.
    let st = account_state(&app, "erp:C-MIX");
    let disputes = st["disputes"].as_array().cloned().unwrap_or_default();
    assert_eq!(disputes.len(), 1, "{st}");
    assert_eq!(disputes[0]["invoice_ids"], json!(["erp:I-8001"]), "{st}");
    let promises = st["promises"].as_array().cloned().unwrap_or_default();
    assert_eq!(promises.len(), 1, "{st}");
    assert_eq!(promises[0]["invoice_ids"], json!(["erp:I-8002"]), "{st}");
    assert_eq!(promises[0]["promised_date"], "2026-02-16");

    // A person answers the question, with the question in the task.
    let tasks = app.api_get("/api/tasks?account_id=erp%3AC-MIX").json["tasks"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let question = tasks
        .iter()
        .find(|t| t["kind"] == "customer_question")
        .unwrap_or_else(|| panic!("no question task: {tasks:?}"));
    assert!(
        question.to_string().contains("Who approved the new rate?"),
        "{question}"
    );
    assert!(
        tasks.iter().any(|t| t["kind"] == "dispute_review"),
        "{tasks:?}"
    );

    // One answer: the dispute acknowledged, the promise confirmed, a person to follow up.
    let eml = reply_to(&app, "mixed-1@mixco.example").expect("one reply in thread");
    let text = text_of(&eml);
    assert!(text.contains("problem with invoice INV-8001"), "{text}");
    assert!(
        text.contains("We have also noted your payment by 16 February 2026"),
        "{text}"
    );
    assert!(text.contains("A colleague will get back to you"), "{text}");

    // Paused while the promise stands (16 February + 2 business days of grace).
    for day in 6..=18 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    assert_eq!(
        reminders(&app, "erp:C-MIX").len(),
        1,
        "paused by the promise"
    );
    // Broken promise: the next reminder asks for INV-8002 only; INV-8001 stays on hold.
    for day in 19..=20 {
        sweep(&app, &format!("2026-02-{day:02}T10:00:00Z"));
    }
    assert_eq!(reminders(&app, "erp:C-MIX").len(), 2);
    let later = app.eventually("the later reminder", || {
        emails_to(&app, "jane@mixco.example")
            .into_iter()
            .map(|raw| text_of(&raw))
            .find(|t| t.contains("Invoice INV-8002, due") && t.contains("INV-8001 is on hold"))
    });
    assert!(!later.contains("Invoice INV-8001, due"), "{later}");
}

#[test]
fn a_german_promise_gets_a_german_confirmation() {
    let app = spawn_app();
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-DE", "Kunde GmbH", "Europe/Berlin"),
            vec![contact("klaus@kunde.example", "Klaus Meier")],
            vec![invoice("erp:I-8101", "INV-8101", "2026-02-02", "1250.00")],
        )})],
    );
    sweep(&app, "2026-02-05T10:00:00Z");
    let raw = reply_mail(
        "klaus@kunde.example",
        "Klaus Meier",
        "de-1@kunde.example",
        "AW: Your account with Example Supplies Ltd",
        "Guten Tag,\r\n\r\ndie Rechnung INV-8101 wird bis zum 16.02.2026 überwiesen.\r\n\r\n\
         Viele Grüße\r\nKlaus Meier",
    );
    let m = deliver(
        &app,
        "klaus@kunde.example",
        INBOUND,
        &raw,
        "de-1@kunde.example",
    );
    assert_eq!(m["action"], "promise_recorded", "{m}");
    assert_eq!(m["classification"]["language"], "de", "{m}");
    let eml = reply_to(&app, "de-1@kunde.example").expect("a confirmation");
    let text = text_of(&eml);
    assert!(
        text.contains("Wie vereinbart erwarten wir die Zahlung bis zum 16. Februar 2026"),
        "{text}"
    );
    assert!(text.contains("Rechnung INV-8101"), "{text}");
    assert!(text.contains("Mit freundlichen Grüßen"), "{text}");
    assert!(!text.contains("Thank you"), "{text}");
}
