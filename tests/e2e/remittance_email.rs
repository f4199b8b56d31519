//! A remittance advice emailed after the bank's payment: the payment waited unapplied (its
//! bank reference names no invoice and two combinations of invoices match its amount); the
//! customer's CSV advice applies it to the invoices it names, through the account's object.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::inbound_support::{deliver, INBOUND};
use crate::webhooks_fixtures::*;

#[test]
fn an_emailed_csv_remittance_applies_the_waiting_payment() {
    let app = spawn_app();
    let (s, b) = send_erp(
        &app,
        &json!([
            erp_customer("r1", "C-500", "Vandelay Industries"),
            erp_contact("r2", "C-500", "ap@vandelay.example"),
            erp_invoice("r3", "C-500", "I-51", "INV-5001", "1000.00"),
            erp_invoice("r4", "C-500", "I-52", "INV-5002", "500.00"),
            erp_invoice("r5", "C-500", "I-53", "INV-5003", "700.00"),
            erp_invoice("r6", "C-500", "I-54", "INV-5004", "800.00"),
        ]),
    );
    assert_eq!(s, 200, "{b}");
    let (s, b) = send_erp(
        &app,
        &erp_payment("r7", "C-500", "P-51", "1500.00", "SEPA CT 0093311"),
    );
    assert_eq!(s, 200, "{b}");
    let queue = app.api_get("/api/unapplied").json;
    assert_eq!(
        queue["payments"][0]["id"], "erp:P-51",
        "waits unapplied: {queue}"
    );

    let csv = "Invoice;Invoice date;Amount paid\r\nINV-5001;01.10.2026;1.000,00\r\nINV-5002;15.10.2026;500,00\r\n";
    let raw = format!(
        "From: Art Vandelay <ap@vandelay.example>\r\nTo: {INBOUND}\r\nSubject: Payment 0093311\r\n\
         Message-ID: <remit-1@vandelay.example>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"rb\"\r\n\r\n\
         --rb\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         We paid 1,500.00 EUR on 20 November, remittance advice attached.\r\n\r\nArt\r\n\
         --rb\r\nContent-Type: text/csv; name=\"Remittance_Advice.csv\"\r\n\
         Content-Disposition: attachment; filename=\"Remittance_Advice.csv\"\r\n\r\n{csv}\r\n--rb--\r\n"
    );
    let m = deliver(
        &app,
        "ap@vandelay.example",
        INBOUND,
        &raw,
        "remit-1@vandelay.example",
    );
    assert_eq!(m["account_id"], "erp:C-500", "{m}");
    assert_eq!(
        m["classification"]["remittance"],
        json!([{"invoice": "INV-5001", "amount": "1000.00", "currency": null},
               {"invoice": "INV-5002", "amount": "500.00", "currency": null}]),
        "{m}"
    );

    let detail = account(&app, "erp:C-500");
    assert_eq!(invoice(&detail, "erp:I-51")["status"], "paid", "{detail}");
    assert_eq!(invoice(&detail, "erp:I-52")["status"], "paid", "{detail}");
    assert_eq!(invoice(&detail, "erp:I-53")["status"], "open", "{detail}");
    assert_eq!(invoice(&detail, "erp:I-54")["status"], "open", "{detail}");
    let queue = app.api_get("/api/unapplied").json;
    assert_eq!(queue["payments"], json!([]), "left the queue: {queue}");
}
