//! Property tests: arbitrary names, amounts, ids and addresses never make rendering fail and
//! never produce an invalid or injected header.

mod common;

use chrono::{TimeZone, Utc};
use common::*;
use mail_parser::MessageParser;
use nudge_core::money::Currency;
use nudge_outbound::{
    build_mime, message_id, render, reply_address, reply_token, thread_subject, Mailbox,
    MessageKind, Outbound, Templates, Thread, Tone,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(Templates::builtin)
}

/// Names that try hard: control characters, CR/LF header injection, HTML, non-ASCII, quotes.
fn hostile_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,40}",
        Just("Evil\r\nBcc: victim@example.com".to_string()),
        Just("\"Quoted\" <b>&amp;</b>\n\rX-Injected: 1".to_string()),
        "[\\p{L}\\p{M}\\p{N}\\p{P}\\p{S}\\p{Z}\\p{C}]{0,60}",
    ]
}

fn currency() -> impl Strategy<Value = Currency> {
    prop_oneof![
        Just(Currency::EUR),
        Just(Currency::USD),
        Just(Currency::JPY),
        Just(Currency::KWD),
        "[A-Z]{3}".prop_map(|c| Currency::parse(&c).unwrap()),
    ]
}

fn amount() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..8).prop_map(|(n, scale)| Decimal::new(n, scale))
}

fn kind() -> impl Strategy<Value = MessageKind> {
    proptest::sample::select(MessageKind::ALL.to_vec())
}

fn tone() -> impl Strategy<Value = Tone> {
    proptest::sample::select(Tone::ALL.to_vec())
}

/// Header block of a raw message, split into logical header lines (unfolded).
fn header_names(raw: &[u8]) -> Vec<String> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or(raw.len());
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    head.split("\r\n")
        .filter(|l| !l.starts_with([' ', '\t']))
        .map(|l| l.split(':').next().unwrap_or("").to_string())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn render_and_build_never_fail_or_inject_headers(
        company in hostile_text(),
        customer in hostile_text(),
        contact in proptest::option::of(hostile_text()),
        signature in hostile_text(),
        number in hostile_text(),
        locale in prop_oneof![Just("en".to_string()), Just("de-DE".to_string()), "[a-zA-Z_-]{0,12}", any::<String>()],
        amounts in proptest::collection::vec((amount(), currency(), -400i64..400), 0..6),
        kind in kind(),
        tone in tone(),
        display in hostile_text(),
        step in any::<String>(),
        account in any::<String>(),
        previous in proptest::collection::vec(any::<String>(), 0..4),
    ) {
        let mut ctx = full_context(kind, tone, &locale);
        ctx.company_name = company.clone();
        ctx.customer_name = customer.clone();
        ctx.contact_name = contact;
        ctx.signature = signature;
        ctx.invoices = amounts
            .iter()
            .enumerate()
            .map(|(i, (a, c, days))| {
                let mut l = line(&format!("{number}{i}"), day(2026, 11, 1), day(2026, 11, 30), "0", *c);
                l.amount_open = *a;
                l.days_overdue = *days;
                l
            })
            .collect();
        let rendered = render(&ctx, templates()).unwrap();
        prop_assert!(!rendered.subject.contains(['\r', '\n']));
        prop_assert!(!rendered.html.contains("<script"));

        let subject = thread_subject(&company, &customer, &locale, templates()).unwrap();
        prop_assert!(!subject.contains(['\r', '\n']));

        let mut prev: Vec<String> = previous;
        prev.push(message_id("earlier", &account, "acme.example"));
        let msg = Outbound {
            from: Mailbox::new(Some(&display), "ar@acme.example"),
            reply_to: reply_address(&reply_token(&account, b"k"), "acme.example"),
            to: vec![Mailbox::new(Some(&display), "anna@globex.example")],
            cc: vec![],
            message_id: message_id(&step, &account, "acme.example"),
            thread: Thread { subject, previous_message_ids: prev },
            rendered: rendered.clone(),
            date: Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
        };
        let raw = build_mime(&msg).unwrap();
        // Exactly the headers we write, each once: nothing injected by a name or subject.
        let mut names = header_names(&raw);
        names.sort();
        let mut expected = vec![
            "Auto-Submitted", "Content-Type", "Date", "From", "In-Reply-To", "MIME-Version",
            "Message-ID", "References", "Reply-To", "Subject", "To",
        ];
        expected.sort();
        prop_assert_eq!(names, expected);
        let parsed = MessageParser::default().parse(&raw[..]).unwrap();
        prop_assert_eq!(parsed.message_id(), Some(msg.message_id.as_str()));
        prop_assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n"), rendered.text);
        prop_assert_eq!(parsed.body_html(0).unwrap().replace("\r\n", "\n"), rendered.html);
    }

    #[test]
    fn message_ids_are_always_valid_and_deterministic(step in any::<String>(), account in any::<String>(), domain in any::<String>()) {
        let id = message_id(&step, &account, &domain);
        prop_assert_eq!(&id, &message_id(&step, &account, &domain));
        let (left, right) = id.split_once('@').unwrap();
        prop_assert!(left.starts_with("nudge.") && !right.is_empty());
        prop_assert!(id.bytes().all(|b| b.is_ascii_alphanumeric() || b"@.-".contains(&b)));
    }

    #[test]
    fn reply_tokens_verify_only_for_their_account(a in any::<String>(), b in any::<String>(), secret in proptest::collection::vec(any::<u8>(), 0..64)) {
        let t = reply_token(&a, &secret);
        prop_assert_eq!(t.len(), 16);
        prop_assert!(nudge_outbound::verify_reply_token(&t, &a, &secret));
        if a != b {
            prop_assert!(!nudge_outbound::verify_reply_token(&t, &b, &secret));
        }
        prop_assert_eq!(nudge_outbound::token_from_address(&reply_address(&t, "x.example")), Some(t));
    }
}
