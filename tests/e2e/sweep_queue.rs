//! The sweep's Queue fan-out (`SWEEP_MODE = "queue"`) in `wrangler dev`, whose local Queues
//! (miniflare) deliver to the worker's own `queue` handler: the cron producer claims and enqueues
//! the due accounts, the consumer evaluates them through their objects, acknowledges, retries and
//! dead-letters, and a redelivered message never sends twice.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::helpers::{spawn_app_with, AppOptions, TestApp};
use crate::sweep_fixtures::*;

const CRON: &str = "*/30 * * * *";

/// Accounts with an overdue invoice (each is due its first reminder) and accounts whose invoice
/// is not due yet (evaluated, nothing to send).
fn seed_books(app: &TestApp, prefix: &str, n: usize, due: &str) -> Vec<String> {
    let ids: Vec<String> = (0..n).map(|i| format!("erp:{prefix}{i:04}")).collect();
    let books = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            json!({"book": book(
                account(id, &format!("Queue {prefix} {i}"), "Europe/London"),
                vec![contact(&format!("ap{i}@{}.queue.example", prefix.to_lowercase()), "Ap")],
                vec![invoice(&format!("erp:I{prefix}{i:04}"), &format!("{prefix}-{i}"), due, "120.00")],
            )})
        })
        .collect();
    seed(app, books);
    ids
}

fn set_clock(app: &TestApp, now: &str) {
    let r = app.api_post("/api/clock", &json!({ "now": now }));
    assert_eq!(r.status, 200, "{}", r.text);
}

/// The newest sweep run, once the consumers have finished it.
fn finished_run(app: &TestApp, sweep_id: Option<&str>) -> Value {
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        let runs = app.api_get("/api/sweeps").json["sweeps"].clone();
        let run = runs
            .as_array()
            .and_then(|r| r.iter().find(|r| sweep_id.is_none_or(|id| r["id"] == id)))
            .cloned();
        if let Some(run) = run.filter(|r| r["finished_at"].is_string()) {
            return run;
        }
        assert!(
            Instant::now() < deadline,
            "the queue run did not finish: {runs}\nlogs:\n{}",
            app.logs().join("\n")
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// `account.evaluated` log lines of one account: how many evaluations, and their outcomes.
fn evaluations(app: &TestApp, account_id: &str) -> Vec<String> {
    app.log_events("account.evaluated")
        .into_iter()
        .filter(|e| e["account_id"] == account_id)
        .map(|e| e["outcome"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_queue_sweep_evaluates_through_the_consumer_retries_and_never_sends_twice() {
    let app = spawn_app_with(AppOptions {
        vars: vec![
            ("SWEEP_MODE".into(), "queue".into()),
            ("SWEEP_QUEUE_MESSAGE_ACCOUNTS".into(), "4".into()),
            ("SWEEP_RETRY_DELAY_SECONDS".into(), "1".into()),
            // QA0002's message is evaluated and then handed back once (an acknowledgement lost);
            // QA0009's evaluation fails on 4 deliveries (1 + max_retries 3): dead-lettered.
            (
                "TEST_QUEUE_FAULTS".into(),
                "lose_ack:erp:QA0002:1,fail:erp:QA0009:4".into(),
            ),
        ],
    });
    let due = seed_books(&app, "QA", 12, "2026-02-02");
    let idle = seed_books(&app, "QN", 3, "2026-06-01");
    set_clock(&app, "2026-02-10T10:00:00Z"); // a Tuesday, 10:00 in London

    let r = app.trigger_cron(CRON);
    assert_eq!(r.status, 200, "{}", r.text);
    let enqueued = app.eventually("the producer's log line", || {
        app.log_events("sweep.enqueued").into_iter().next()
    });
    // Claimed by id: [QA0000..3] [QA0004..7] [QA0008..11] [QN0000..2].
    assert_eq!(enqueued["due"], 15, "{enqueued}");
    assert_eq!(enqueued["messages"], 4, "{enqueued}");
    // The test clock, the run's start, 3 claims (15 ids, then two empty pages), the run's record.
    assert_eq!(enqueued["d1_round_trips"], 6, "{enqueued}");
    let sweep_id = enqueued["id"].as_str().expect("sweep id").to_string();

    let run = finished_run(&app, Some(&sweep_id));
    assert_eq!(run["mode"], "queue", "{run}");
    assert_eq!(run["trigger"], CRON, "{run}");
    assert_eq!(run["accounts_due"], 15, "{run}");
    assert_eq!(run["messages"], 4, "{run}");
    // Three messages acknowledged (11 accounts); QA0009's message (4 accounts) dead-lettered.
    assert_eq!(run["accounts_done"], 11, "{run}");
    assert_eq!(run["errors"], 4, "{run}");
    // QA0002's message handed back once; QA0009's on each of its 4 deliveries.
    assert_eq!(run["retries"], 5, "{run}");

    // Evaluated by the consumer (not inline): its log lines and the object's trigger say so.
    assert!(app.log_events("sweep.finished").is_empty());
    let consumed = app.log_events("sweep.consumed");
    assert!(!consumed.is_empty());
    let dead = app.log_events("sweep.dead_lettered");
    assert_eq!(dead.len(), 1, "{dead:?}");
    assert!(dead[0]["account_ids"]
        .as_array()
        .is_some_and(|a| a.contains(&json!("erp:QA0009"))));

    // One reminder per due account, QA0009 excepted; none for the idle accounts.
    for (i, id) in due.iter().enumerate() {
        let to = format!("ap{i}@qa.queue.example");
        let expected = usize::from(id != "erp:QA0009");
        assert_eq!(emails_to(&app, &to).len(), expected, "{id}: emails to {to}");
        assert_eq!(outbound(&app, id).len(), expected, "{id}: outbound rows");
    }
    assert_eq!(app.sent_eml_paths().len(), 11);
    for id in &idle {
        assert_eq!(outbound(&app, id).len(), 0, "{id}");
        let state = app
            .api_get(&format!("/api/sweeps/accounts/{}", enc(id)))
            .json;
        assert_eq!(state["last_trigger"], "cron", "{id}: {state}");
    }

    // The redelivered messages were evaluated again and sent nothing more.
    let twice = evaluations(&app, "erp:QA0002");
    assert_eq!(twice.len(), 2, "{twice:?}");
    assert_eq!(twice[0], "sent");
    assert_ne!(twice[1], "sent");
    for mate in ["erp:QA0008", "erp:QA0010", "erp:QA0011"] {
        let e = evaluations(&app, mate);
        assert_eq!(e.len(), 4, "{mate}: {e:?}");
        assert_eq!(
            e.iter().filter(|o| *o == "sent").count(),
            1,
            "{mate}: {e:?}"
        );
    }
    assert!(evaluations(&app, "erp:QA0009").is_empty());
    let state = app.api_get("/api/sweeps/accounts/erp%3AQA0002").json;
    assert_eq!(state["last_trigger"], "cron", "{state}");
    assert!(state["last_evaluated_at"].is_string(), "{state}");

    // The same cron again: every account is evaluated or leased, nothing is enqueued.
    let r = app.trigger_cron(CRON);
    assert_eq!(r.status, 200, "{}", r.text);
    let again = app.eventually("the second producer run", || {
        app.log_events("sweep.enqueued").into_iter().nth(1)
    });
    assert_eq!(again["due"], 0, "{again}");
    let run = finished_run(&app, again["id"].as_str());
    assert_eq!(run["accounts_due"], 0, "{run}");

    // Past QA0009's lease (60 min) the next cron enqueues it again; this delivery succeeds.
    set_clock(&app, "2026-02-10T11:30:00Z");
    let r = app.trigger_cron(CRON);
    assert_eq!(r.status, 200, "{}", r.text);
    let third = app.eventually("the third producer run", || {
        app.log_events("sweep.enqueued").into_iter().nth(2)
    });
    let run = finished_run(&app, third["id"].as_str());
    assert_eq!(run["errors"], 0, "{run}");
    assert!(run["accounts_done"].as_i64().unwrap_or(0) >= 1, "{run}");
    assert_eq!(evaluations(&app, "erp:QA0009"), vec!["sent".to_string()]);
    assert_eq!(emails_to(&app, "ap9@qa.queue.example").len(), 1);
    // Whatever else was due again sent nothing new: still one reminder per due account.
    assert_eq!(app.sent_eml_paths().len(), 12);
}

#[test]
fn an_unknown_sweep_mode_sweeps_inline() {
    // A misspelt `SWEEP_MODE`: logged, and the cron still sweeps (inline).
    let app = spawn_app_with(AppOptions {
        vars: vec![("SWEEP_MODE".into(), "bogus".into())],
    });
    seed_books(&app, "QB", 2, "2026-02-02");
    set_clock(&app, "2026-02-10T10:00:00Z");
    let r = app.trigger_cron(CRON);
    assert_eq!(r.status, 200, "{}", r.text);
    let runs = app.api_get("/api/sweeps").json["sweeps"].clone();
    assert_eq!(runs[0]["mode"], "inline", "{runs}");
    assert_eq!(runs[0]["accounts_done"], 2, "{runs}");
    assert_eq!(app.log_events("sweep.mode_unknown").len(), 1);
    assert_eq!(app.sent_eml_paths().len(), 2);
}
