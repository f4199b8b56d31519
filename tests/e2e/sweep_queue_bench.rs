//! Benchmark (ignored by default): a queue-mode cron sweep over many accounts in local workerd,
//! producer and consumers in one `wrangler dev` (miniflare's Queues).
//! `NUDGE_E2E_BUILT=1 cargo test -p nudge-worker --test e2e sweep_queue_bench -- --ignored --nocapture`
//! (`NUDGE_BENCH_ACCOUNTS=n`, default 20,000; `NUDGE_BENCH_MESSAGE_ACCOUNTS=n`, default 10).
//! The figures it prints are the measured inputs of `examples/queue_model.rs`.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, AppOptions, TestApp};
use crate::sweep_fixtures::*;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Seeds `n` accounts (one contact, two invoices eight days overdue), 500 per request.
fn seed_many(app: &TestApp, n: usize) -> f64 {
    let t = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        let accounts: Vec<Value> = chunk
            .iter()
            .map(|i| {
                json!({"book": book(
                    account(&format!("erp:Q{i:06}"), &format!("Queue bench {i}"), "Europe/London"),
                    vec![contact(&format!("ap{i}@q.bench.example"), "Ap")],
                    vec![
                        invoice(&format!("erp:IQ{i:06}a"), &format!("Q-{i}-A"), "2026-02-02", "100.00"),
                        invoice(&format!("erp:IQ{i:06}b"), &format!("Q-{i}-B"), "2026-02-02", "50.00"),
                    ],
                )})
            })
            .collect();
        seed(app, accounts);
    }
    t.elapsed().as_secs_f64()
}

fn stats(mut v: Vec<f64>) -> String {
    if v.is_empty() {
        return "–".into();
    }
    v.sort_by(f64::total_cmp);
    let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    format!(
        "mean {mean:.1}, p50 {:.1}, p90 {:.1}, max {:.1}",
        q(0.5),
        q(0.9),
        q(1.0)
    )
}

#[test]
#[ignore = "benchmark: minutes of CPU"]
fn sweep_queue_bench() {
    let n = env_usize("NUDGE_BENCH_ACCOUNTS", 20_000);
    let per_message = env_usize("NUDGE_BENCH_MESSAGE_ACCOUNTS", 10);
    let app = spawn_app_with(AppOptions {
        vars: vec![
            ("SWEEP_MODE".into(), "queue".into()),
            (
                "SWEEP_QUEUE_MESSAGE_ACCOUNTS".into(),
                per_message.to_string(),
            ),
            ("SWEEP_RETRY_DELAY_SECONDS".into(), "1".into()),
        ],
    });
    let seed_s = seed_many(&app, n);
    eprintln!(
        "seeded {n} accounts in {seed_s:.1}s ({:.0} accounts/s)",
        n as f64 / seed_s
    );
    let r = app.api_post("/api/clock", &json!({"now": "2026-02-10T10:00:00Z"}));
    assert_eq!(r.status, 200, "{}", r.text);

    let cpu0 = app.process_group_cpu_seconds();
    let t = Instant::now();
    let r = app.trigger_cron("*/30 * * * *");
    assert_eq!(r.status, 200, "{}", r.text);
    let producer_s = t.elapsed().as_secs_f64();
    let enqueued = app.eventually("the producer's log line", || {
        app.log_events("sweep.enqueued").into_iter().next()
    });
    eprintln!("producer: {enqueued}");
    let sweep_id = enqueued["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(enqueued["due"], n);

    // Until the consumers have acknowledged every account: read from the worker's own log lines
    // (`sweep.consumed`), because under this load wrangler's local proxy can hold an HTTP request
    // past the client's timeout. Then the run's record, asking again if a request times out.
    let deadline = Instant::now() + Duration::from_secs(4 * 3600);
    loop {
        let acked: u64 = app
            .logs()
            .iter()
            .filter(|l| l.contains("\"sweep.consumed\""))
            .filter_map(|l| {
                l.find('{')
                    .and_then(|i| serde_json::from_str::<Value>(&l[i..]).ok())
            })
            .filter(|b| b["retried"] == 0)
            .map(|b| b["accounts"].as_u64().unwrap_or(0))
            .sum();
        if acked >= n as u64 {
            break;
        }
        assert!(Instant::now() < deadline, "not finished: {acked} of {n}");
        std::thread::sleep(Duration::from_secs(10));
    }
    let mut slow_polls = 0;
    let run = loop {
        let reply =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| app.api_get("/api/sweeps")));
        let Ok(reply) = reply else {
            slow_polls += 1;
            assert!(slow_polls < 20, "GET /api/sweeps keeps timing out");
            continue;
        };
        let runs = reply.json["sweeps"].clone();
        let run = runs
            .as_array()
            .and_then(|r| r.iter().find(|r| r["id"] == sweep_id.as_str()))
            .cloned()
            .unwrap_or(Value::Null);
        if run["finished_at"].is_string() {
            break run;
        }
        assert!(Instant::now() < deadline, "not finished: {run}");
        std::thread::sleep(Duration::from_secs(2));
    };
    let polled = t.elapsed().as_secs_f64();
    let cpu = app.process_group_cpu_seconds() - cpu0;
    eprintln!("run: {run}");
    // The run's own clock: from the producer's start to the consumer batch that finished it.
    let at = |k: &str| {
        chrono::DateTime::parse_from_rfc3339(run[k].as_str().unwrap_or_default())
            .map(|t| t.timestamp_millis() as f64 / 1000.0)
            .unwrap_or(0.0)
    };
    let wall = at("finished_at") - at("started_at");
    eprintln!("run wall (started_at to finished_at) {wall:.1}s; seen by the poll after {polled:.1}s; {slow_polls} slow polls");

    let batches = app.log_events("sweep.consumed");
    let accounts: f64 = batches
        .iter()
        .map(|b| b["accounts"].as_f64().unwrap_or(0.0))
        .sum();
    let trips_accounts: f64 = batches
        .iter()
        .map(|b| b["d1_round_trips_accounts"].as_f64().unwrap_or(0.0))
        .sum();
    let trips_consumer: f64 = batches
        .iter()
        .map(|b| b["d1_round_trips_consumer"].as_f64().unwrap_or(0.0))
        .sum();
    let evaluated = app.log_events("account.evaluated");
    let eval_trips: f64 = evaluated
        .iter()
        .map(|e| e["d1_round_trips"].as_f64().unwrap_or(0.0))
        .sum();
    let producer_trips = enqueued["d1_round_trips"].as_f64().unwrap_or(0.0);
    let done = run["accounts_done"].as_f64().unwrap_or(0.0);
    eprintln!(
        "queue sweep: {done} accounts, {} messages, {} consumer batches, retries {}, errors {}",
        run["messages"],
        batches.len(),
        run["retries"],
        run["errors"]
    );
    eprintln!(
        "end to end (cron to finished_at seen): {wall:.1}s = {:.1} accounts/s, {:.2} ms/account; \
         producer invocation {producer_s:.2}s ({} ms in the worker, {} send_batch, {} ms sending); \
         wrangler+workerd CPU {cpu:.1}s = {:.2} ms/account",
        done / wall,
        wall * 1000.0 / done.max(1.0),
        enqueued["wall_ms"],
        enqueued["send_batches"],
        enqueued["send_ms"],
        cpu * 1000.0 / done.max(1.0)
    );
    eprintln!(
        "D1 round trips per account: {:.3} in the objects (account.evaluated: {:.3} over {} \
         evaluations) + {:.4} consumer + {:.4} producer = {:.3}",
        trips_accounts / accounts.max(1.0),
        eval_trips / evaluated.len().max(1) as f64,
        evaluated.len(),
        trips_consumer / accounts.max(1.0),
        producer_trips / done.max(1.0),
        (trips_accounts + trips_consumer + producer_trips) / done.max(1.0)
    );
    eprintln!(
        "consumer batch: messages {}; accounts {}; wall ms {}",
        stats(
            batches
                .iter()
                .map(|b| b["messages"].as_f64().unwrap_or(0.0))
                .collect()
        ),
        stats(
            batches
                .iter()
                .map(|b| b["accounts"].as_f64().unwrap_or(0.0))
                .collect()
        ),
        stats(
            batches
                .iter()
                .map(|b| b["wall_ms"].as_f64().unwrap_or(0.0))
                .collect()
        ),
    );
    let counts = app.api_get("/api/outbound").json["counts"].clone();
    eprintln!("outbound rows by status: {counts}");
    assert_eq!(run["errors"], 0, "{run}");
    assert_eq!(done as usize, n);
    assert_eq!(counts["sent"], n);
}
