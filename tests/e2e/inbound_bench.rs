//! A figure, not a check: how long one inbound email takes end to end in `wrangler dev`
//! (store, parse, thread, classify, the account object acting, the reply). Run with
//! `NUDGE_E2E_BUILT=1 cargo test -p nudge-worker --test e2e inbound_bench -- --ignored --nocapture`.

use std::time::Instant;

use crate::helpers::spawn_app;
use crate::inbound_support::*;

#[test]
#[ignore = "benchmark: prints figures"]
fn inbound_email_latency() {
    let app = spawn_app();
    let n = 40;
    for a in 0..n {
        seed_account(
            &app,
            &format!("erp:B-{a}"),
            &format!("Bench {a} Ltd"),
            vec![contact(&format!("ap@bench{a}.example"), "Pat Bench", true)],
            vec![invoice(&format!("INV-B{a}"), "2026-10-01", "100.00")],
        );
    }
    let mut times = Vec::new();
    for a in 0..n {
        let from = format!("ap@bench{a}.example");
        let id = format!("b-{a}@bench{a}.example");
        let body = if a % 2 == 0 {
            "We will pay the invoice on 15 December 2026. Regards, Pat"
        } else {
            "Could you please send me a copy of the invoice? Thanks, Pat"
        };
        let raw = reply_mail(&from, "Pat Bench", &id, "Re: Your account", body);
        let t = Instant::now();
        let r = app.deliver_email(&from, INBOUND, &raw);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.status, 200, "{}", r.text);
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    println!(
        "inbound email end to end (wrangler dev, {n} replies to {n} accounts, each answered): \
         median {:.1} ms, p90 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.9),
        pct(1.0)
    );
    assert_eq!(app.sent_emails().len(), n);
}
