//! Benchmark (ignored by default): a sweep of 10,000 accounts in local workerd.
//! `NUDGE_E2E_BUILT=1 cargo test -p nudge-worker --test e2e sweep_bench -- --ignored --nocapture`
//! (`NUDGE_BENCH_ACCOUNTS=n` to change the size).

use std::time::Instant;

use serde_json::json;

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

#[test]
#[ignore = "benchmark: minutes of CPU"]
fn sweep_bench_ten_thousand_accounts() {
    let n: usize = std::env::var("NUDGE_BENCH_ACCOUNTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let app = spawn_app();
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let accounts = chunk
            .iter()
            .map(|i| {
                json!({"book": book(
                    account(&format!("erp:B{i:06}"), &format!("Bench {i}"), "Europe/London"),
                    vec![contact(&format!("ap{i}@bench.example"), "Ap")],
                    vec![
                        invoice(&format!("erp:IB{i:06}a"), &format!("B-{i}-A"), "2026-02-02", "100.00"),
                        invoice(&format!("erp:IB{i:06}b"), &format!("B-{i}-B"), "2026-02-20", "50.00"),
                    ],
                )})
            })
            .collect();
        seed(&app, accounts);
    }
    eprintln!("seeded {n} accounts in {:.1}s", t.elapsed().as_secs_f64());

    // 10:00 on a Tuesday, eight days after the oldest due date: every account is due and gets
    // its first reminder (the heaviest path: evaluate, render, MIME, D1 writes, send). Nine days
    // later the second reminder is due.
    for (label, as_of) in [
        ("first reminder", "2026-02-10T10:00:00Z"),
        ("second reminder", "2026-02-19T10:00:00Z"),
        ("nothing due (same time again)", "2026-02-19T10:00:00Z"),
    ] {
        let cpu0 = app.process_group_cpu_seconds();
        let t = Instant::now();
        let mut runs = 0;
        let mut done = 0u64;
        loop {
            let r = app.api_post("/api/sweep", &json!({"as_of": as_of, "max_accounts": 500}));
            assert_eq!(r.status, 200, "{}", r.text);
            assert_eq!(r.json["errors"], 0, "{}", r.text);
            runs += 1;
            done += r.json["accounts_done"].as_u64().unwrap_or(0);
            if r.json["more"] != true {
                break;
            }
        }
        let wall = t.elapsed().as_secs_f64();
        let cpu = app.process_group_cpu_seconds() - cpu0;
        eprintln!(
            "{label}: {done} accounts in {runs} invocations, wall {wall:.1}s = {:.2} ms/account, \
             wrangler+workerd CPU {cpu:.1}s = {:.2} ms CPU/account",
            wall * 1000.0 / done.max(1) as f64,
            cpu * 1000.0 / done.max(1) as f64
        );
    }
    eprintln!("emails written: {}", app.sent_eml_paths().len());
}
