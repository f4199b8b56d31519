//! Render + build_mime for one reminder, as the Durable Object does per send.
//! `cargo bench -p nudge-outbound --bench render`

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[path = "../tests/common/mod.rs"]
mod common;

use nudge_outbound::{
    build_mime, message_id, render, reply_address, reply_token, thread_subject, Mailbox,
    MessageKind, Outbound, Templates, Thread, Tone,
};

fn bench(c: &mut Criterion) {
    let templates = Templates::builtin();
    let ctx = common::full_context(MessageKind::FirmReminder, Tone::Firm, "de-DE");
    let subject = thread_subject(
        &ctx.company_name,
        &ctx.customer_name,
        &ctx.locale,
        &templates,
    )
    .expect("subject");
    let previous: Vec<String> = (0..4)
        .map(|i| message_id(&format!("step{i}"), "acct_globex", "acme.example"))
        .collect();

    c.bench_function("templates_builtin", |b| b.iter(Templates::builtin));

    c.bench_function("render_firm_reminder_de", |b| {
        b.iter(|| render(black_box(&ctx), &templates).expect("render"))
    });

    c.bench_function("render_and_build_mime", |b| {
        b.iter(|| {
            let rendered = render(black_box(&ctx), &templates).expect("render");
            let msg = Outbound {
                from: Mailbox::new(Some("Acme Industrial GmbH"), "ar@acme.example"),
                reply_to: reply_address(&reply_token("acct_globex", b"secret"), "acme.example"),
                to: vec![Mailbox::new(Some("Anna Schmidt"), "anna@globex.example")],
                cc: vec![],
                message_id: message_id("step5", "acct_globex", "acme.example"),
                thread: Thread {
                    subject: subject.clone(),
                    previous_message_ids: previous.clone(),
                },
                rendered,
                date: Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap(),
            };
            build_mime(&msg).expect("mime")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
