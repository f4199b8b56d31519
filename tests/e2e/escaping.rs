//! Customer data with markup in it (account, contact and invoice names from the ERP, a payment's
//! remittance text, a dispute summary, the subject and words of a customer's email, a draft's
//! text) is shown as text on every dashboard page: escaped, never markup.

use serde_json::json;

use crate::helpers::{spawn_app, unix_now, ADMIN_TOKEN};
use crate::sweep_fixtures::{account, book, contact, invoice, seed, sweep};

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn every_dashboard_page_escapes_customer_data() {
    let app = spawn_app();
    let mut b = book(
        account("erp:C-X", &format!("{XSS} & <b>Co</b>"), "Europe/London"),
        vec![contact("ap@xss.example", &format!("Pat {XSS}"))],
        vec![
            invoice("erp:I-X1", &format!("INV{XSS}"), "2026-02-02", "250.00"),
            invoice(
                "erp:I-X2",
                "INV-<img src=x onerror=alert(2)>",
                "2026-02-03",
                "100.00",
            ),
        ],
    );
    b["disputes"] = json!([{
        "id": "dsp-x", "category": "pricing", "invoice_ids": ["erp:I-X2"], "status": "open",
        "opened_at": "2026-02-04T09:00:00Z", "resolved_at": null, "summary": format!("wrong {XSS}")
    }]);
    seed(&app, vec![json!({"shadow_mode": true, "book": b})]);
    // A payment nobody can match, its remittance text hostile: it waits in the unapplied queue.
    let payment = json!({"id": "e-pay", "type": "payment.received", "occurred_at": "2026-02-05T10:00:00Z",
        "payment": {"id": "P-X", "customer_id": "C-X", "amount": "13.37", "currency": "EUR",
                    "received_on": "2026-02-05", "reference": format!("ref {XSS}")}});
    let r = app.post_erp(&payment.to_string(), unix_now());
    assert_eq!(r.status, 200, "{}", r.text);
    // A customer's email with markup in its subject and words.
    let raw = format!(
        "From: Pat <ap@xss.example>\r\nTo: ar@nudge.example.com\r\nSubject: Re: {XSS}\r\n\
         Message-ID: <m1@xss.example>\r\nDate: Thu, 05 Feb 2026 10:00:00 +0000\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\r\nWe will pay on Friday. {XSS}\r\n"
    );
    let r = app.deliver_email("ap@xss.example", "ar@nudge.example.com", &raw);
    assert!(r.status < 300, "{}", r.text);
    // A draft (shadow mode) naming the hostile invoice number.
    sweep(&app, "2026-02-10T10:00:00Z");

    let login = app.request(
        "POST",
        "/dashboard/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(format!("token={ADMIN_TOKEN}").as_bytes()),
    );
    assert_eq!(login.status, 303, "{}", login.text);
    let cookie = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("session cookie")
        .to_string();
    let mut escaped_somewhere = 0;
    for page in [
        "/dashboard",
        "/dashboard/accounts",
        "/dashboard/accounts?q=%3Cscript%3E",
        "/dashboard/accounts/erp%3AC-X",
        "/dashboard/approvals",
        "/dashboard/unapplied",
        "/dashboard/disputes",
        "/dashboard/accounts/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ] {
        let r = app.request("GET", page, &[("Cookie", &cookie)], None);
        assert!(
            r.status == 200 || r.status == 404,
            "{page}: {} {}",
            r.status,
            r.text
        );
        let lower = r.text.to_ascii_lowercase();
        assert!(
            !lower.contains("<script"),
            "{page} has a script tag:\n{}",
            r.text
        );
        assert!(
            !lower.contains("<img"),
            "{page} has an injected tag:\n{}",
            r.text
        );
        assert!(!lower.contains("<b>co</b>"), "{page} has injected markup");
        if r.text.contains("&lt;script&gt;") {
            escaped_somewhere += 1;
        }
        let csp = r.header("content-security-policy").unwrap_or_default();
        assert!(csp.contains("default-src 'none'"), "{page}: CSP {csp}");
    }
    // The hostile values are on the pages, as text: the account, the queue, the disputes, the
    // approvals and the search at least.
    assert!(
        escaped_somewhere >= 5,
        "escaped text on {escaped_somewhere} pages only"
    );
}
