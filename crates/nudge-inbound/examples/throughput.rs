//! CPU cost of `classify` on the bench's typical replies, for `perf stat -e task-clock`
//! (wall-clock benches are distorted on a shared machine):
//! `perf stat -e task-clock cargo run --release -p nudge-inbound --example throughput -- 20000`
use chrono::{DateTime, Utc};
use nudge_inbound::{classify, Context};

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let reply = "Hi Jenny,\n\nWe'll pay INV-2026-0412 (GBP 4,800.00) by Friday in our next payment run.\n\nThanks\nMark";
    let quoted: String = (0..18)
        .map(|i| format!("> Line {i} of our reminder: please pay INV-2026-0412 by 10 November 2026, or reply with the date you will pay.\n"))
        .collect();
    let plain = format!("{reply}\n--\nMark Ellison | Accounts Payable\nPennine Joinery Ltd\n\nOn Fri, 30 Oct 2026 at 08:00, Acme AR <ar@acme.example> wrote:\n{quoted}");
    let html = format!(
        "<html><body><p>{}</p><blockquote>{}</blockquote></body></html>",
        reply.replace('\n', "<br>"),
        quoted.replace('\n', "<br>")
    );
    let raw = format!("From: Mark <mark@customer.example>\r\nTo: ar@acme.example\r\nSubject: Re: Overdue invoice INV-2026-0412\r\nDate: Tue, 03 Nov 2026 09:42:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{plain}\r\n--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b1--\r\n");
    let ctx = Context {
        now: DateTime::parse_from_rfc3339("2026-11-03T09:42:00Z")
            .unwrap()
            .with_timezone(&Utc),
        timezone: chrono_tz::Tz::Europe__London.into(),
        locale: "en-GB".into(),
    };
    let start = std::time::Instant::now();
    let mut promises = 0;
    for _ in 0..n {
        if classify(raw.as_bytes(), &ctx).unwrap().promise.is_some() {
            promises += 1;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} messages of {} bytes in {secs:.3}s wall ({:.0}/s wall), {promises} promises",
        raw.len(),
        n as f64 / secs
    );
}
