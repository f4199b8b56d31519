//! Customer data that arrives from webhooks, the ERP or inbound mail (account and contact names,
//! invoice numbers, links, the subject and Message-IDs of a customer's message) is written into
//! reminders and replies: it can never add a header, and it is escaped in every HTML part.

use std::borrow::Cow;

use chrono::{NaiveDate, TimeZone, Utc};
use mail_parser::MessageParser;
use nudge_core::ledger::{
    Account, AccountBook, Contact, ContactRole, ContactStatus, Invoice, InvoiceStatus,
};
use nudge_core::money::Currency;
use nudge_outbound::compose::{compose, stable_subject, Sender};
use nudge_outbound::reply::{self, Parsed};
use nudge_outbound::{render, MessageContext, MessageKind, Templates, Thread, Tone};
use nudge_policy::{Policy, Send, Stage, Tone as PolicyTone};
use rust_decimal::Decimal;

const INJECT: &str = "Evil\r\nBcc: victim@evil.example\r\nX-Injected: 1";
const SCRIPT: &str = "<script>alert(1)</script>";

/// The headers every message we write has, each once; nothing else may appear.
const ALLOWED: &[&str] = &[
    "from",
    "to",
    "reply-to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "auto-submitted",
    "mime-version",
    "content-type",
];

fn header_names(raw: &str) -> Vec<String> {
    let head = raw.split("\r\n\r\n").next().unwrap_or("");
    head.split("\r\n")
        .filter(|l| !l.starts_with([' ', '\t']))
        .map(|l| {
            l.split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .collect()
}

fn assert_no_injection(raw: &str) {
    let names = header_names(raw);
    for n in &names {
        assert!(
            ALLOWED.contains(&n.as_str()),
            "unexpected header `{n}` in:\n{raw}"
        );
        assert_eq!(names.iter().filter(|m| *m == n).count(), 1, "`{n}` twice");
    }
    let parsed = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parses");
    assert!(parsed.bcc().is_none(), "a Bcc got in");
    assert_eq!(
        parsed.to().map(|t| t.iter().count()),
        Some(1),
        "one recipient"
    );
    assert!(parsed.header("X-Injected").is_none());
}

fn html_part(raw: &str) -> String {
    let parsed = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parses");
    parsed.body_html(0).expect("an HTML part").into_owned()
}

fn hostile_book() -> AccountBook {
    let mut a = Account::new("erp:C-1", format!("{INJECT} {SCRIPT} & Co"));
    a.timezone = chrono_tz::Europe::Berlin.into();
    let mut b = AccountBook::new(a);
    b.contacts.push(Contact {
        email: "anna@globex.example".into(),
        name: Some(format!("Anna\r\nBcc: x@evil.example {SCRIPT}")),
        role: ContactRole::Ap,
        status: ContactStatus::Active,
        preferred: true,
    });
    b.invoices.push(Invoice {
        id: "erp:I-1".into(),
        number: format!("INV-1{SCRIPT}\r\nX-Injected: 1"),
        issue_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        due_date: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
        currency: Currency::EUR,
        total: Decimal::new(120_000, 2),
        paid: Decimal::ZERO,
        credited: Decimal::ZERO,
        status: InvoiceStatus::Open,
        paid_on: None,
        po_number: None,
        payment_url: Some("https://pay.example/1\"><script>alert(2)</script>".into()),
        pdf_url: Some("javascript:alert(3)".into()),
        auto_collection: false,
        auto_collection_exhausted: false,
    });
    b
}

fn sender() -> Sender<'static> {
    Sender {
        company_name: "Example Supplies\r\nBcc: boss@evil.example",
        from_address: "ar@nudge.example.com",
        inbound_address: "ar@nudge.example.com",
        reply_token: "abc123",
    }
}

#[test]
fn a_reminder_with_hostile_names_numbers_and_links_injects_nothing_and_escapes_its_html() {
    let b = hostile_book();
    let templates = Templates::builtin();
    let now = Utc.with_ymd_and_hms(2026, 2, 5, 9, 30, 0).unwrap();
    for (stage, tone, previous) in [
        (Stage::Friendly, PolicyTone::Friendly, vec![]),
        (
            Stage::Firm,
            PolicyTone::Firm,
            vec!["prev@nudge.example.com".to_string()],
        ),
        (
            Stage::Final,
            PolicyTone::Formal,
            vec!["bad\r\nBcc: x@evil.example".to_string()],
        ),
    ] {
        let thread = Thread {
            subject: stable_subject(&b, sender().company_name, &templates),
            previous_message_ids: previous,
        };
        let send = Send {
            stage,
            tone,
            to: Cow::Borrowed("anna@globex.example"),
            cc: vec![],
            invoice_ids: vec![Cow::Borrowed("erp:I-1")],
            step_key: format!("{stage}:1"),
            late_charges: vec![],
        };
        let c = compose(
            &b,
            &send,
            &Policy::default(),
            &sender(),
            &thread,
            &templates,
            now,
        )
        .expect("composed");
        assert_no_injection(&c.raw);
        let html = html_part(&c.raw);
        assert!(!html.contains("<script"), "unescaped script in:\n{html}");
        assert!(
            html.contains("&lt;script&gt;"),
            "the name is shown, escaped:\n{html}"
        );
        // A link that would close its attribute is not linked at all.
        assert!(
            !html.contains("pay.example/1"),
            "an unsafe link was kept:\n{html}"
        );
        assert!(
            !html.contains("href=\"javascript:"),
            "a javascript: link:\n{html}"
        );
    }
}

#[test]
fn a_reply_to_a_hostile_message_injects_nothing() {
    let templates = Templates::builtin();
    let now = Utc.with_ymd_and_hms(2026, 2, 5, 9, 30, 0).unwrap();
    let mut ctx = MessageContext::new(
        MessageKind::PromiseConfirmation,
        Tone::Standard,
        "en",
        "Example Supplies",
        format!("Globex {SCRIPT}"),
        NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
        "AR",
    );
    ctx.contact_name = Some(INJECT.into());
    ctx.promise = Some((NaiveDate::from_ymd_opt(2026, 2, 20).unwrap(), None));
    let parsed = Parsed {
        from: Some("anna@globex.example".into()),
        from_name: Some(INJECT.into()),
        message_id: Some("cust@globex.example>\r\nBcc: x@evil.example".into()),
        in_reply_to: vec!["a@b\r\nX-Injected: 1".into()],
        references: vec!["ok@globex.example".into(), "<x@y>\nBcc: z@evil".into()],
        subject: Some(format!("Re: payment {INJECT} {SCRIPT}")),
        attachments: vec![],
    };
    let r = reply::build(
        &ctx,
        &templates,
        &parsed,
        "anna@globex.example",
        "erp:C-1",
        "msg_1",
        &sender(),
        now,
    )
    .expect("built");
    assert_no_injection(&r.raw);
    let html = html_part(&r.raw);
    assert!(!html.contains("<script"), "{html}");
    // A recipient that smuggles a header is refused, not written.
    let bad_to = reply::build(
        &ctx,
        &templates,
        &parsed,
        "anna@globex.example\r\nBcc: x@evil.example",
        "erp:C-1",
        "msg_2",
        &sender(),
        now,
    );
    assert!(bad_to.is_err());
}

#[test]
fn every_html_part_escapes_customer_text() {
    let t = Templates::builtin();
    for kind in MessageKind::ALL {
        for tone in Tone::ALL {
            let mut ctx = MessageContext::new(
                kind,
                tone,
                "en",
                format!("Sender {SCRIPT}"),
                format!("Customer {SCRIPT}"),
                NaiveDate::from_ymd_opt(2026, 2, 5).unwrap(),
                format!("Sig {SCRIPT}"),
            );
            ctx.contact_name = Some(format!("Contact {SCRIPT}"));
            let r = render(&ctx, &t).expect("renders");
            assert!(
                !r.html.contains("<script"),
                "{kind:?}/{tone:?}:\n{}",
                r.html
            );
        }
    }
}
