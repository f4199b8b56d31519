//! The Classification's `remittance` field: lines from an attached CSV remittance advice, as
//! JSON `{invoice, amount (decimal string), currency}`, and their invoice numbers in
//! `invoice_refs`.

use chrono::{DateTime, Utc};
use nudge_inbound::{classify, Context};

#[test]
fn attached_csv_remittance_is_in_the_classification() {
    let csv = "Invoice;Amount paid\nINV-9001;1.250,00 EUR\nINV-9002;99,50 EUR\n";
    let raw = format!(
        "From: AP <ap@customer.example>\r\nTo: ar+tok@billing.example.com\r\nSubject: Payment sent\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain\r\n\r\nWe paid today, remittance attached.\r\n--b\r\n\
Content-Type: text/csv; name=\"remittance.csv\"\r\nContent-Disposition: attachment; filename=\"remittance.csv\"\r\n\r\n{csv}\r\n--b--\r\n"
    );
    let ctx = Context {
        now: DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
        timezone: chrono_tz::Tz::UTC.into(),
        locale: "en-GB".into(),
    };
    let c = classify(raw.as_bytes(), &ctx).unwrap();
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(
        json["remittance"],
        serde_json::json!([
            {"invoice": "INV-9001", "amount": "1250.00", "currency": "EUR"},
            {"invoice": "INV-9002", "amount": "99.50", "currency": "EUR"}
        ])
    );
    assert!(
        c.invoice_refs.iter().any(|r| r == "INV-9001"),
        "{:?}",
        c.invoice_refs
    );
    assert!(
        c.invoice_refs.iter().any(|r| r == "INV-9002"),
        "{:?}",
        c.invoice_refs
    );
    // Stored classifications without the field still read.
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("remittance");
    let back: nudge_inbound::Classification = serde_json::from_value(old).unwrap();
    assert!(back.remittance.is_empty());
}
