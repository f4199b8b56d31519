//! MIME: our own output parses back with the headers and parts we meant.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use nudge_outbound::{
    build_mime, message_id, render, reply_address, reply_token, thread_subject, token_from_address,
    BuildError, Mailbox, MessageKind, Outbound, Templates, Thread, Tone,
};

fn outbound(kind: MessageKind, previous: Vec<String>) -> Outbound {
    let t = Templates::builtin();
    let ctx = full_context(kind, Tone::Standard, "de-DE");
    Outbound {
        from: Mailbox::new(
            Some("Acme Industrial GmbH — Buchhaltung"),
            "ar@acme.example",
        ),
        reply_to: reply_address(&reply_token("acct_globex", b"k3y"), "acme.example"),
        to: vec![Mailbox::new(Some("Anna Schmidt"), "anna@globex.example")],
        cc: vec![Mailbox::new(None, "ap@globex.example")],
        message_id: message_id("reminder:2:2026-11-30", "acct_globex", "acme.example"),
        thread: Thread {
            subject: thread_subject("Acme Industrial GmbH", "Globex Corporation", "de", &t)
                .unwrap(),
            previous_message_ids: previous,
        },
        rendered: render(&ctx, &t).unwrap(),
        date: Utc.with_ymd_and_hms(2026, 11, 30, 9, 15, 0).unwrap(),
    }
}

fn ids(v: &HeaderValue) -> Vec<String> {
    match v {
        HeaderValue::Text(t) => vec![t.to_string()],
        HeaderValue::TextList(l) => l.iter().map(|s| s.to_string()).collect(),
        _ => vec![],
    }
}

#[test]
fn a_threaded_reminder_parses_back_with_every_header_and_part() {
    let previous: Vec<String> = vec![
        message_id("courtesy:0", "acct_globex", "acme.example"),
        message_id("reminder:1", "acct_globex", "acme.example"),
    ];
    let msg = outbound(MessageKind::Reminder, previous.clone());
    let raw = build_mime(&msg).unwrap();
    let parsed = MessageParser::default().parse(&raw[..]).unwrap();

    assert_eq!(parsed.message_id(), Some(msg.message_id.as_str()));
    assert_eq!(ids(parsed.in_reply_to()), vec![previous[1].clone()]);
    assert_eq!(ids(parsed.references()), previous);
    assert_eq!(
        parsed.subject(),
        Some("Re: Ihr Kundenkonto bei Acme Industrial GmbH — Globex Corporation")
    );
    let reply_to = parsed
        .reply_to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap();
    assert_eq!(reply_to, msg.reply_to);
    assert_eq!(
        token_from_address(reply_to),
        Some(reply_token("acct_globex", b"k3y"))
    );
    let from = parsed.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.address(), Some("ar@acme.example"));
    assert_eq!(from.name(), Some("Acme Industrial GmbH — Buchhaltung"));
    let to = parsed.to().and_then(|a| a.first()).unwrap();
    assert_eq!(
        (to.name(), to.address()),
        (Some("Anna Schmidt"), Some("anna@globex.example"))
    );
    assert_eq!(
        parsed
            .cc()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("ap@globex.example")
    );
    assert_eq!(
        parsed.header("Auto-Submitted").and_then(|h| h.as_text()),
        Some("auto-generated")
    );
    assert_eq!(
        parsed.date().map(|d| d.to_timestamp()),
        Some(msg.date.timestamp())
    );

    // multipart/alternative: text first, HTML second, both decode to what was rendered.
    let ct = parsed.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        ("multipart", Some("alternative"))
    );
    assert_eq!(parsed.text_body_count(), 1);
    assert_eq!(parsed.html_body_count(), 1);
    let text = parsed.body_text(0).unwrap();
    let html = parsed.body_html(0).unwrap();
    assert_eq!(text.replace("\r\n", "\n"), msg.rendered.text);
    assert_eq!(html.replace("\r\n", "\n"), msg.rendered.html);
    assert!(text.contains("4.800,00\u{a0}€"));

    // Every header line is CRLF-terminated and no bare LF/CR hides in the header block.
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = &raw[..head_end];
    for (i, b) in head.iter().enumerate() {
        if *b == b'\n' {
            assert_eq!(head.get(i.wrapping_sub(1)), Some(&b'\r'));
        }
        if *b == b'\r' {
            assert_eq!(head.get(i + 1), Some(&b'\n'));
        }
    }
}

#[test]
fn the_first_message_of_a_thread_is_not_a_reply() {
    let msg = outbound(MessageKind::Courtesy, vec![]);
    let raw = build_mime(&msg).unwrap();
    let parsed = MessageParser::default().parse(&raw[..]).unwrap();
    assert_eq!(
        parsed.subject(),
        Some("Ihr Kundenkonto bei Acme Industrial GmbH — Globex Corporation")
    );
    assert!(parsed.in_reply_to().is_empty());
    assert!(parsed.references().is_empty());
    let s = String::from_utf8_lossy(&raw);
    assert!(!s.contains("In-Reply-To"));
    // Without a thread subject the message's own subject is used.
    let mut bare = msg.clone();
    bare.thread.subject = "  ".into();
    let parsed_raw = build_mime(&bare).unwrap();
    let p = MessageParser::default().parse(&parsed_raw[..]).unwrap();
    assert_eq!(p.subject(), Some(msg.rendered.subject.as_str()));
}

#[test]
fn re_is_never_doubled_and_references_are_capped() {
    let mut msg = outbound(MessageKind::FirmReminder, vec![]);
    msg.thread.subject = "RE: Your account".into();
    msg.thread.previous_message_ids = (0..40).map(|i| format!("<m{i}@acme.example>")).collect();
    // A foreign, malformed id is skipped instead of breaking the header.
    msg.thread
        .previous_message_ids
        .insert(5, "bad id\r\nBcc: evil@x".into());
    let raw = build_mime(&msg).unwrap();
    let p = MessageParser::default().parse(&raw[..]).unwrap();
    assert_eq!(p.subject(), Some("RE: Your account"));
    msg.thread.subject = "AW: Rechnung 1001".into();
    let raw = build_mime(&msg).unwrap();
    let p = MessageParser::default().parse(&raw[..]).unwrap();
    assert_eq!(p.subject(), Some("AW: Rechnung 1001"));
    msg.thread.subject = "Invoice: 1001".into();
    let raw = build_mime(&msg).unwrap();
    let p = MessageParser::default().parse(&raw[..]).unwrap();
    assert_eq!(p.subject(), Some("Re: Invoice: 1001"));
    let refs = ids(p.references());
    assert_eq!(refs.len(), nudge_outbound::mime::MAX_REFERENCES);
    assert_eq!(refs.first().map(String::as_str), Some("m0@acme.example"));
    assert_eq!(refs.last().map(String::as_str), Some("m39@acme.example"));
    assert_eq!(ids(p.in_reply_to()), vec!["m39@acme.example".to_string()]);
    assert!(!String::from_utf8_lossy(&raw).contains("evil"));
}

#[test]
fn output_is_deterministic_and_needs_no_clock() {
    let a = build_mime(&outbound(MessageKind::Reminder, vec![])).unwrap();
    let b = build_mime(&outbound(MessageKind::Reminder, vec![])).unwrap();
    assert_eq!(a, b);
    // The boundary is ours (derived from content), never mail-builder's clock-based one.
    assert!(String::from_utf8_lossy(&a).contains("boundary=\"=_nudge_"));
}

#[test]
fn bad_addresses_and_ids_are_refused() {
    let mut m = outbound(MessageKind::Reminder, vec![]);
    m.to = vec![];
    assert_eq!(build_mime(&m), Err(BuildError::NoRecipient));

    let mut m = outbound(MessageKind::Reminder, vec![]);
    m.to.push(Mailbox::new(None, "x@y.example\r\nBcc: evil@x"));
    assert!(matches!(
        build_mime(&m),
        Err(BuildError::InvalidAddress { field: "to", .. })
    ));

    let mut m = outbound(MessageKind::Reminder, vec![]);
    m.reply_to = "not an address".into();
    assert!(matches!(
        build_mime(&m),
        Err(BuildError::InvalidAddress {
            field: "reply-to",
            ..
        })
    ));

    let mut m = outbound(MessageKind::Reminder, vec![]);
    m.message_id = "no-at".into();
    assert!(matches!(
        build_mime(&m),
        Err(BuildError::InvalidMessageId(_))
    ));
}

#[test]
fn message_ids_are_deterministic_per_step() {
    let a = message_id("acct_1:reminder:2", "acct_1", "acme.example");
    assert_eq!(a, message_id("acct_1:reminder:2", "acct_1", "acme.example"));
    assert_ne!(a, message_id("acct_1:reminder:3", "acct_1", "acme.example"));
    assert_ne!(a, message_id("acct_1:reminder:2", "acct_2", "acme.example"));
    // Stable across releases: IDs already sent must keep matching replies.
    assert_eq!(
        message_id("step", "acct", "example.com"),
        message_id("step", "acct", "example.com")
    );
    let mut m = outbound(MessageKind::Reminder, vec![]);
    m.message_id = format!("<{a}>");
    let raw = build_mime(&m).unwrap();
    let p = MessageParser::default().parse(&raw[..]).unwrap();
    assert_eq!(p.message_id(), Some(a.as_str()));
}

#[test]
#[ignore = "prints a sample message: cargo test -p nudge-outbound --test mime -- --ignored --nocapture"]
fn print_sample() {
    let raw = build_mime(&outbound(
        MessageKind::Reminder,
        vec![message_id("c", "a", "acme.example")],
    ))
    .unwrap();
    println!("{}", String::from_utf8_lossy(&raw));
}
