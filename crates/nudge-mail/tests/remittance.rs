//! Remittance advice read from attachments (CSV, PDF made by different producers) and from a
//! table in the body. Fixtures in `tests/fixtures/remittance/` are our own (`generate.py`).

use nudge_mail::{parse, Limits, RemittanceLine};
use rust_decimal::Decimal;

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/remittance/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(3).enumerate() {
        let n =
            chunk.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b)) << (8 * (3 - chunk.len()));
        for k in 0..=chunk.len() {
            out.push(char::from(A[((n >> (18 - 6 * k)) & 63) as usize]));
        }
        out.extend(std::iter::repeat_n('=', 3 - chunk.len()));
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out
}

/// A reply with one attachment.
fn with_attachment(
    body: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
) -> Vec<RemittanceLine> {
    let raw = format!(
        "From: AP <ap@customer.example>\r\nTo: ar+tok@billing.example.com\r\nSubject: Payment\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n--b\r\nContent-Type: {content_type}; name=\"{filename}\"\r\n\
Content-Disposition: attachment; filename=\"{filename}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--b--\r\n",
        b64(bytes)
    );
    parse(raw.as_bytes(), &Limits::default())
        .expect("parses")
        .remittance
}

fn line(invoice: &str, amount: &str, currency: &str) -> RemittanceLine {
    RemittanceLine {
        invoice: invoice.into(),
        amount: Some(amount.parse::<Decimal>().unwrap()),
        currency: Some(currency.into()),
    }
}

#[test]
fn csv_attachment_with_semicolons_and_decimal_commas() {
    let got = with_attachment(
        "See attached.",
        "remittance-semicolon.csv",
        "text/csv",
        &fixture("remittance-semicolon.csv"),
    );
    assert_eq!(
        got,
        vec![
            line("INV-2026-0201", "1250.00", "EUR"),
            line("INV-2026-0202", "730.40", "EUR")
        ]
    );
}

#[test]
fn fpdf2_core_font_pdf() {
    let got = with_attachment(
        "Attached our payment advice.",
        "Payment_Advice.pdf",
        "application/pdf",
        &fixture("fpdf2-core-font.pdf"),
    );
    assert_eq!(
        got,
        vec![
            line("INV-2026-0101", "1200.00", "EUR"),
            line("INV-2026-0102", "343.49", "EUR")
        ]
    );
}

#[test]
fn fpdf2_truetype_subset_pdf_reads_through_the_tounicode_map() {
    let got = with_attachment(
        "Anbei das Zahlungsavis.",
        "Zahlungsavis.pdf",
        "application/pdf",
        &fixture("fpdf2-truetype-subset.pdf"),
    );
    assert_eq!(
        got,
        vec![
            line("RE-88123", "2480.00", "EUR"),
            line("RE-88124", "119.00", "EUR")
        ]
    );
}

#[test]
fn reportlab_canvas_pdf() {
    let got = with_attachment(
        "Remittance attached.",
        "remittance.pdf",
        "application/pdf",
        &fixture("reportlab-canvas.pdf"),
    );
    assert_eq!(
        got,
        vec![
            line("F-00451", "980.00", "USD"),
            line("F-00457", "1020.00", "USD")
        ]
    );
}

#[test]
fn reportlab_table_pdf() {
    let got = with_attachment(
        "Remittance attached.",
        "remittance-advice.pdf",
        "application/pdf",
        &fixture("reportlab-table.pdf"),
    );
    assert_eq!(
        got,
        vec![
            line("4711-A", "75.00", "GBP"),
            line("4712-A", "125.25", "GBP")
        ]
    );
}

#[test]
fn table_in_the_body() {
    let body = "Hello,\r\n\r\nplease find our remittance below:\r\n\r\nInvoice      Amount\r\nINV-3001     EUR 400.00\r\nINV-3002     EUR 99.50\r\n\r\nRegards";
    let raw = format!("From: ap@customer.example\r\nTo: ar@billing.example.com\r\nSubject: Paid\r\n\r\n{body}\r\n");
    let got = parse(raw.as_bytes(), &Limits::default())
        .unwrap()
        .remittance;
    assert_eq!(
        got,
        vec![
            line("INV-3001", "400.00", "EUR"),
            line("INV-3002", "99.50", "EUR")
        ]
    );
}

#[test]
fn documents_that_are_not_remittance_are_not_read() {
    // Our own invoice sent back, with no remittance wording: not a remittance advice.
    let got = with_attachment(
        "Why is this so high?",
        "invoice-INV-2026-0101.pdf",
        "application/pdf",
        &fixture("fpdf2-core-font.pdf"),
    );
    assert!(got.is_empty(), "{got:?}");
    // An ordinary reply listing amounts without remittance wording.
    let raw = "From: ap@customer.example\r\nTo: ar@billing.example.com\r\nSubject: Re: INV-1\r\n\r\nINV-1 is 300.00, why?\r\n";
    assert!(parse(raw.as_bytes(), &Limits::default())
        .unwrap()
        .remittance
        .is_empty());
}

#[test]
fn oversized_attachments_are_skipped() {
    let mut big = b"Invoice;Amount\n".to_vec();
    while big.len() <= nudge_mail::MAX_ATTACHMENT_BYTES {
        big.extend_from_slice(b"INV-1;1.00\n");
    }
    assert!(with_attachment("x", "remittance.csv", "text/csv", &big).is_empty());
}

#[test]
fn our_quoted_reminder_is_not_the_customers_remittance() {
    let raw = "From: ap@customer.example\r\nTo: ar@billing.example.com\r\nSubject: Re: Reminder\r\n\r\n\
Thanks, we will look into it.\r\n\r\nOn Mon, 30 Nov 2026, AR <ar@billing.example.com> wrote:\r\n\
> Please send the remittance advice for:\r\n> INV-4001   EUR 1,200.00\r\n> INV-4002   EUR 300.00\r\n";
    let email = parse(raw.as_bytes(), &Limits::default()).unwrap();
    assert!(email.remittance.is_empty(), "{:?}", email.remittance);
}
