//! Properties over arbitrary input: nothing panics, results stay in their ranges, and the date
//! finder keeps its promises (no date before today from `find_promise`, spans inside the text).
//!
//! `long_run_arbitrary_bytes` is the fuzzing fallback for machines without cargo-fuzz:
//! `NUDGE_FUZZ_SECS=600 cargo test -p nudge-inbound --release --test properties -- --ignored`.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_inbound::understand::{understand_text, Hints};
use nudge_inbound::{classify, dates, Context, Intent, Kind};
use proptest::prelude::*;

fn ctx(locale: &str) -> Context {
    Context {
        now: DateTime::parse_from_rfc3339("2026-11-30T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
        timezone: chrono_tz::Tz::Europe__Berlin.into(),
        locale: locale.to_string(),
    }
}

fn check(c: &nudge_inbound::Classification) {
    for s in &c.intents {
        assert!((0.0..=1.0).contains(&s.confidence), "{s:?}");
    }
    if c.kind != Kind::Human {
        assert!(c.primary_intent.is_none());
        assert!(c.promise.is_none());
    } else {
        assert!(c.primary_intent.is_some());
    }
}

/// Words that steer the scanners into their interesting corners.
const VOCAB: &[&str] = &[
    "pay",
    "will",
    "not",
    "until",
    "Friday",
    "next",
    "end",
    "of",
    "the",
    "month",
    "EOM",
    "12/03",
    "3.12.",
    "4.800,00",
    "€",
    "$1,200",
    "INV-2026-0412",
    "#10234",
    "PO",
    "4500123",
    "invoice",
    "dispute",
    "price",
    "wrong",
    "paid",
    "already",
    "tomorrow",
    "in",
    "10",
    "days",
    "within",
    "2",
    "weeks",
    "by",
    "15th",
    "Dec",
    "3rd",
    "am",
    "zahlen",
    "wird",
    "überwiesen",
    "bis",
    "zum",
    "15.",
    "?",
    ".",
    ",",
    "\n",
    "jane@x.example",
    "send",
    "to",
    "from",
    "now",
    "on",
    "lawyer",
    "unsubscribe",
    "instalments",
    "credit",
    "note",
    "31/02",
    "2026-13-01",
    "twenty",
    "-",
    "fourth",
    "'",
    "ago",
    "last",
    "week",
    "Montag",
    "dem",
    "lundi",
    "prochain",
    "el",
    "día",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn classify_never_panics_on_bytes(raw in proptest::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(c) = classify(&raw, &ctx("en-US")) {
            check(&c);
        }
    }

    #[test]
    fn classify_never_panics_on_mail_shaped_text(
        words in proptest::collection::vec(proptest::sample::select(VOCAB), 0..80),
        locale in proptest::sample::select(&["en-US", "en-GB", "de-DE", "fr-FR", "sv"][..]),
    ) {
        let body = words.join(" ");
        let raw = format!(
            "From: A <a@x.example>\r\nTo: ar@y.example\r\nSubject: Re: Invoice\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\n\r\n{body}\r\n"
        );
        let c = classify(raw.as_bytes(), &ctx(locale)).unwrap();
        check(&c);
    }

    #[test]
    fn promise_dates_are_never_in_the_past(
        words in proptest::collection::vec(proptest::sample::select(VOCAB), 0..40),
        days in 0i64..3000,
    ) {
        let text = words.join(" ");
        let today = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(days);
        if let Some(d) = dates::find_promise(&text, today, "en-GB") {
            prop_assert!(d >= today);
        }
        let lower = nudge_inbound::text::normalise(&text);
        for f in dates::find(&text, today, "de-DE") {
            prop_assert!(f.start <= f.end && f.end <= lower.len());
        }
        let u = understand_text(&text, None, today, "en-US", Hints::default());
        prop_assert!(!u.intents.is_empty());
        if let Some(p) = u.promise.and_then(|p| p.date) {
            prop_assert!(p >= today);
        }
        if u.primary_intent != Intent::Dispute {
            prop_assert!(u.dispute.is_none() || u.intents.iter().any(|s| s.intent == Intent::Dispute));
        }
    }

    #[test]
    fn arbitrary_strings_resolve_without_panic(s in ".{0,200}") {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        let _ = dates::resolve(&s, today, "en-US");
        let _ = nudge_inbound::entities::find_amounts(&s);
        let _ = nudge_inbound::entities::find_invoice_refs(&s, &[]);
        let _ = nudge_inbound::entities::find_po_number(&s);
        let _ = nudge_inbound::entities::find_emails(&s);
        let _ = nudge_inbound::ooo::return_date(&s, today, "de-DE");
    }
}

/// The fuzzing fallback: random and mutated mail for `NUDGE_FUZZ_SECS` seconds (default 60).
#[test]
#[ignore]
fn long_run_arbitrary_bytes() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let secs: u64 = std::env::var("NUDGE_FUZZ_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(60);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    let mut runner = TestRunner::deterministic();
    let bytes = proptest::collection::vec(any::<u8>(), 0..8192);
    let words = proptest::collection::vec(proptest::sample::select(VOCAB), 0..200);
    let mut n = 0u64;
    while std::time::Instant::now() < deadline {
        let raw = bytes.new_tree(&mut runner).unwrap().current();
        if let Ok(c) = classify(&raw, &ctx("en-US")) {
            check(&c);
        }
        let body = words.new_tree(&mut runner).unwrap().current().join(" ");
        let mail = format!("Subject: x\r\nFrom: a@b.example\r\n\r\n{body}");
        check(&classify(mail.as_bytes(), &ctx("de-DE")).unwrap());
        n += 2;
    }
    println!("long_run_arbitrary_bytes: {n} inputs in {secs}s, no panic");
}
