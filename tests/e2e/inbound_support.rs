//! Shared set-up for the inbound-mail e2e tests: seed an account's ledger, deliver a reply, find
//! what became of it.
//!
//! Seeding uses the test-only `POST /api/sweeps/seed` (TEST_CLOCKS on). Reading state uses the
//! test-only `GET /api/test/book/{id}`, shaped like `GET /api/accounts/{id}` plus
//! `out_of_office_until`.

use serde_json::{json, Value};

use crate::helpers::TestApp;

pub const INBOUND: &str = "ar@nudge.example.com";
pub const FALLBACK: &str = "finance@example.com";

/// An open EUR invoice `number` (id `erp:<number>`) due on `due`.
pub fn invoice(number: &str, due: &str, total: &str) -> Value {
    json!({
        "id": format!("erp:{number}"), "number": number, "issue_date": "2026-09-01",
        "due_date": due, "currency": "EUR", "total": total, "paid": "0", "credited": "0",
        "status": "open", "paid_on": null, "po_number": null,
        "payment_url": format!("https://pay.example.com/{number}"),
        "pdf_url": format!("https://pay.example.com/{number}.pdf"),
        "auto_collection": false, "auto_collection_exhausted": false,
    })
}

/// An active AP contact.
pub fn contact(email: &str, name: &str, preferred: bool) -> Value {
    json!({"email": email, "name": name, "role": "ap", "status": "active", "preferred": preferred})
}

/// Seeds account `id` (Europe/London, en-GB) with contacts and invoices; returns its reply
/// token.
pub fn seed_account(
    app: &TestApp,
    id: &str,
    name: &str,
    contacts: Vec<Value>,
    invoices: Vec<Value>,
) -> String {
    seed_account_in(
        app,
        id,
        name,
        ("Europe/London", "en-GB"),
        contacts,
        invoices,
    )
}

/// Seeds account `id` in the given (timezone, locale).
pub fn seed_account_in(
    app: &TestApp,
    id: &str,
    name: &str,
    (timezone, locale): (&str, &str),
    contacts: Vec<Value>,
    invoices: Vec<Value>,
) -> String {
    let book = json!({
        "account": {
            "id": id, "stripe_id": null, "erp_id": id.trim_start_matches("erp:"), "name": name,
            "currency": "EUR", "timezone": timezone, "locale": locale,
            "payment_terms_days": 30, "strategic": false, "owner": null, "credit_limit": null,
            "tags": [], "dunning_enabled": true,
        },
        "deleted": false, "contacts": contacts, "invoices": invoices, "payments": [],
        "payment_refs": {}, "credit_notes": [], "promises": [], "disputes": [],
    });
    let r = app.api_post(
        "/api/sweeps/seed",
        &json!({ "accounts": [{ "book": book }] }),
    );
    assert_eq!(r.status, 200, "seed {id}: {}", r.text);
    assert_eq!(r.json["account_ids"][0], id, "{}", r.text);
    let state = account_state(app, id);
    let token = state["reply_token"]
        .as_str()
        .expect("reply token")
        .to_string();
    assert_eq!(
        token,
        nudge_outbound::reply_token(id, crate::helpers::ADMIN_TOKEN.as_bytes())
    );
    token
}

/// A plain-text reply from `from` (display name `name`) with the given Message-ID.
pub fn reply_mail(from: &str, name: &str, message_id: &str, subject: &str, body: &str) -> String {
    format!(
        "From: {name} <{from}>\r\nTo: {INBOUND}\r\nSubject: {subject}\r\n\
         Message-ID: <{message_id}>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

/// Delivers `raw` and returns the stored message (`GET /api/inbound/{id}`).
pub fn deliver(app: &TestApp, from: &str, to: &str, raw: &str, message_id: &str) -> Value {
    let r = app.deliver_email(from, to, raw);
    assert_eq!(r.status, 200, "deliver {message_id}: {}", r.text);
    let list = app.api_get("/api/inbound?limit=500").json;
    let id = list["messages"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["message_id"] == message_id))
        .and_then(|m| m["id"].as_str())
        .unwrap_or_else(|| panic!("{message_id} not stored: {list}"))
        .to_string();
    let one = app.api_get(&format!("/api/inbound/{id}"));
    assert_eq!(one.status, 200, "{}", one.text);
    one.json
}

/// The account's ledger state: `contacts`, `invoices`, `promises`, `disputes`, `reply_token`,
/// `out_of_office_until` (test route; after the merge `GET /api/accounts/{id}` has all but the
/// last).
pub fn account_state(app: &TestApp, account_id: &str) -> Value {
    let r = app.api_get(&format!("/api/test/book/{account_id}"));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

/// The sent message answering `customer_message_id`, if any.
pub fn reply_to(app: &TestApp, customer_message_id: &str) -> Option<String> {
    let needle = format!("In-Reply-To: <{customer_message_id}>");
    app.sent_emails().into_iter().find(|e| e.contains(&needle))
}

/// Unfolded header value of `name` in a raw message.
pub fn header(raw: &str, name: &str) -> Option<String> {
    let mut lines = raw.split("\r\n").flat_map(|l| l.split('\n'));
    let prefix = format!("{}:", name.to_ascii_lowercase());
    while let Some(line) = lines.next() {
        if line.is_empty() {
            return None;
        }
        if line.to_ascii_lowercase().starts_with(&prefix) {
            let mut value = line[prefix.len()..].trim().to_string();
            for cont in lines.by_ref() {
                if cont.starts_with(' ') || cont.starts_with('\t') {
                    value.push(' ');
                    value.push_str(cont.trim());
                } else {
                    break;
                }
            }
            return Some(value);
        }
    }
    None
}

/// An RFC 3464 delivery-status notification from `mx.vandelay.example` saying that `failed` is
/// an unknown user (5.1.1), sent to `to` (our `ar+<token>` reply address) with `message_id`.
pub fn dsn_user_unknown(to: &str, failed: &str, message_id: &str) -> String {
    format!(
        "From: Mail Delivery System <MAILER-DAEMON@mx.vandelay.example>\r\n\
         To: {to}\r\nSubject: Undelivered Mail Returned to Sender\r\n\
         Message-ID: <{message_id}>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nThis is the mail system. Your message could not be delivered to {failed}: user unknown.\r\n\
         --b1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.vandelay.example\r\n\r\n\
         Final-Recipient: rfc822; {failed}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
         Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown\r\n\
         --b1--\r\n"
    )
}
