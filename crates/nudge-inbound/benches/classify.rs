//! Throughput of `classify` on typical replies of about 5 KB: a few customer sentences over a
//! quoted reminder, with a signature and a disclaimer, as text/plain + text/html alternatives.
//! Target (issue 5): ≥ 5,000 messages per second per core.

use std::hint::black_box;

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nudge_inbound::{classify, understand, Context};

const REPLIES: &[&str] = &[
    "Hi Jenny,\n\nWe'll pay INV-2026-0412 (GBP 4,800.00) by Friday in our next payment run.\n\nThanks\nMark",
    "Hello,\n\nThe unit price on INV-2026-0415 is wrong. Our agreed price as per your quotation is lower. We will not pay until the price is corrected and a revised invoice is issued.\n\nRegards\nIan",
    "Sehr geehrte Damen und Herren,\n\ndie Rechnung RE-2026-1203 über 1.250,00 EUR wird bis zum 20.11. überwiesen.\n\nMit freundlichen Grüßen\nPetra",
    "Hi,\n\nPlease send all future invoices to Jane Doe <jane.doe@customer.example> from now on; I have moved to the treasury team. Could you also resend INV-2026-0420 as a PDF?\n\nAngela",
];

fn message(reply: &str) -> Vec<u8> {
    let quoted: String = (0..18)
        .map(|i| format!("> Line {i} of our reminder: please pay INV-2026-0412 by 10 November 2026, or reply with the date you will pay.\n"))
        .collect();
    let signature = "\n--\nMark Ellison | Accounts Payable\nPennine Joinery Ltd\nT: +44 113 496 0372\n\nThis e-mail and any attachments are confidential and intended solely for the addressee.\n";
    let plain = format!("{reply}\n{signature}\nOn Fri, 30 Oct 2026 at 08:00, Acme AR <ar@acme.example> wrote:\n{quoted}");
    let html = format!(
        "<html><body><p>{}</p><blockquote>{}</blockquote></body></html>",
        reply.replace('\n', "<br>"),
        quoted.replace('\n', "<br>")
    );
    format!(
        "From: Mark Ellison <mark@customer.example>\r\nTo: Acme AR <ar+k3v9@acme.example>\r\nSubject: Re: Overdue invoice INV-2026-0412\r\nDate: Tue, 03 Nov 2026 09:42:00 +0000\r\nMessage-ID: <abc@customer.example>\r\nIn-Reply-To: <nudge.1@acme.example>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{plain}\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b1--\r\n"
    )
    .into_bytes()
}

fn bench(c: &mut Criterion) {
    let ctx = Context {
        now: DateTime::parse_from_rfc3339("2026-11-03T09:42:00Z")
            .unwrap()
            .with_timezone(&Utc),
        timezone: chrono_tz::Tz::Europe__London.into(),
        locale: "en-GB".into(),
    };
    let messages: Vec<Vec<u8>> = REPLIES.iter().map(|r| message(r)).collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    eprintln!("average message size: {} bytes", bytes / messages.len());
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("typical_5kb_replies_x4", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(classify(black_box(m), &ctx).unwrap());
            }
        })
    });
    group.finish();
    let mut group = c.benchmark_group("nudge_mail_parse_only");
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("typical_5kb_replies_x4", |b| {
        b.iter(|| {
            for m in &messages {
                black_box(nudge_mail::parse(black_box(m), &nudge_mail::Limits::default()).unwrap());
            }
        })
    });
    group.finish();
    let mut group = c.benchmark_group("understand");
    group.throughput(Throughput::Elements(REPLIES.len() as u64));
    group.bench_function("new_text_only_x4", |b| {
        b.iter(|| {
            for r in REPLIES {
                black_box(understand(black_box(r), Some("Re: Overdue invoice"), &ctx));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
