//! Benchmark (ignored by default): sweeps over 10,000 accounts in local workerd.
//! `NUDGE_E2E_BUILT=1 cargo test -p nudge-worker --test e2e sweep_bench -- --ignored --nocapture`
//! (`NUDGE_BENCH_ACCOUNTS=n` sets the sending sweep's size, `NUDGE_BENCH_IDLE_ACCOUNTS=n` the
//! evaluate-only sweep's).

use std::time::Instant;

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp};
use crate::sweep_fixtures::*;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seeds `n` accounts named `{prefix}{i}`, each with one contact and two invoices due on `due`.
fn seed_many(app: &TestApp, prefix: &str, n: usize, due: &str) {
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let accounts: Vec<Value> = chunk
            .iter()
            .map(|i| {
                json!({"book": book(
                    account(&format!("erp:{prefix}{i:06}"), &format!("Bench {i}"), "Europe/London"),
                    vec![contact(&format!("ap{i}@{prefix}.bench.example"), "Ap")],
                    vec![
                        invoice(&format!("erp:I{prefix}{i:06}a"), &format!("{prefix}-{i}-A"), due, "100.00"),
                        invoice(&format!("erp:I{prefix}{i:06}b"), &format!("{prefix}-{i}-B"), due, "50.00"),
                    ],
                )})
            })
            .collect();
        seed(app, accounts);
    }
    eprintln!(
        "seeded {n} accounts ({prefix}) in {:.1}s",
        t.elapsed().as_secs_f64()
    );
}

/// Sweeps as of `as_of` until nothing is left, 500 accounts per invocation.
fn sweep_all(app: &TestApp, label: &str, as_of: &str) {
    let cpu0 = app.process_group_cpu_seconds();
    let t = Instant::now();
    let mut runs = 0;
    let mut done = 0u64;
    let mut worker_ms = 0i64;
    let mut restarts = 0;
    loop {
        let r = app.api_post("/api/sweep", &json!({"as_of": as_of, "max_accounts": 500}));
        if r.status == 503 && restarts < 5 {
            // workerd restarted under the load (local only): the sweep is simply run again; the
            // accounts already evaluated are no longer due.
            restarts += 1;
            eprintln!(
                "  {label}: workerd restarted mid-sweep ({}), sweeping again",
                r.text
            );
            continue;
        }
        if r.status != 200 {
            let logs = app.logs();
            let _ = std::fs::write("/tmp/sweeps-bench-app.log", logs.join("\n"));
            let tail: Vec<&String> = logs
                .iter()
                .filter(|l| !l.contains("account.evaluated") && !l.contains("outbound.sent"))
                .rev()
                .take(40)
                .collect();
            panic!("sweep failed: {} {}\nlogs: {tail:#?}", r.status, r.text);
        }
        assert_eq!(r.json["errors"], 0, "{}", r.text);
        runs += 1;
        done += r.json["accounts_done"].as_u64().unwrap_or(0);
        worker_ms += r.json["wall_ms"].as_i64().unwrap_or(0);
        eprintln!(
            "  {label}: invocation {runs}: {} accounts in {} ms",
            r.json["accounts_done"], r.json["wall_ms"]
        );
        if r.json["more"] != true {
            break;
        }
    }
    let wall = t.elapsed().as_secs_f64();
    let cpu = app.process_group_cpu_seconds() - cpu0;
    let per = |x: f64| x * 1000.0 / done.max(1) as f64;
    eprintln!(
        "{label}: {done} accounts, {runs} invocations; wall {wall:.1}s = {:.1} ms/account \
         (in-worker {:.1}s); wrangler+workerd CPU {cpu:.1}s = {:.1} ms/account; {:.0} accounts/s; \
         {restarts} workerd restarts",
        per(wall),
        worker_ms as f64 / 1000.0,
        per(cpu),
        done as f64 / wall.max(0.001)
    );
}

#[test]
#[ignore = "benchmark: minutes of CPU"]
fn sweep_bench_ten_thousand_accounts() {
    let n = env_usize("NUDGE_BENCH_ACCOUNTS", 10_000);
    let idle = env_usize("NUDGE_BENCH_IDLE_ACCOUNTS", 500);
    let app = spawn_app();
    let as_of = "2026-02-10T10:00:00Z"; // a Tuesday, 10:00 in London

    // Evaluate only: never-evaluated accounts whose invoices are not due yet (nothing to send).
    seed_many(&app, "Q", idle, "2026-06-01");
    sweep_all(&app, "evaluate, nothing to do", as_of);

    // The heaviest path: every account eight days overdue gets its first reminder (evaluate,
    // render, MIME, D1 writes, send_email writing an .eml).
    seed_many(&app, "S", n, "2026-02-02");
    sweep_all(&app, "evaluate and send a reminder", as_of);
    let counts = app.api_get("/api/outbound").json["counts"].clone();
    eprintln!(
        "outbound rows by status: {counts}; .eml paths in the log: {}",
        app.sent_eml_paths().len()
    );
    assert_eq!(counts["sent"], n);

    // Repeated at the same time: nothing is due any more (no account is selected twice).
    sweep_all(&app, "repeat (nothing due)", as_of);
    assert_eq!(app.api_get("/api/outbound").json["counts"]["sent"], n);
}
