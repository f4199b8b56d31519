//! The `scheduled` entry point and `POST /api/sweep`: find accounts whose next evaluation is due
//! and hand each to its Durable Object, in bounded batches. This module records each run.
//!
//! Due = `next_action_at <= now` (indexed), plus accounts never evaluated (`next_action_at IS
//! NULL`) that have an open invoice. Each invocation walks the due set with a keyset cursor
//! `(next_action_at, id)` in batches of [`BATCH`] accounts, the accounts of a batch evaluated
//! concurrently (one Durable Object call each, so one subrequest each), and stops after
//! `max_accounts` (default [`DEFAULT_MAX_ACCOUNTS`], below the 1,000 subrequests a paid Worker
//! invocation may make). What is left is picked up by the next run (`more: true` says so): an
//! evaluated account moves its `next_action_at` into the future and leaves the due set, and an
//! account whose evaluation failed is pushed back [`FAILED_RETRY_MINUTES`] so that a broken
//! account cannot starve the others. Each account's object also arms its own alarm; the sweep is
//! the safety net: a cron sweep leaves accounts due in the last [`ALARM_SLACK_MINUTES`] to their
//! alarm (without test clocks).
//!
//! That is the `inline` mode. With `SWEEP_MODE = "queue"` (and the `SWEEP_QUEUE` binding) a cron
//! sweep instead fans out through a Cloudflare Queue: [`fanout`] claims the due accounts and
//! enqueues their ids, [`consumer`] evaluates them through the same Durable Object command. See
//! the README's "Scale" section.

pub mod consumer;
pub mod fanout;
mod faults;

use chrono::{DateTime, Duration, Utc};
use futures_util::future::join_all;
use serde_json::{json, Value};
use worker::Env;

use crate::account::{AccountClient, EvaluateCommand, Trigger};
use crate::config::Config;
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::sweeps::{self, DueRow};
use crate::store::{ts, Db};
use crate::{clock, ids, logging};

/// Accounts evaluated concurrently (one D1 query selects them).
pub const BATCH: usize = 50;
/// Accounts one invocation evaluates at most (override with the `SWEEP_MAX_ACCOUNTS` var).
pub const DEFAULT_MAX_ACCOUNTS: usize = 500;
/// How far a failed account's next evaluation is pushed back.
pub const FAILED_RETRY_MINUTES: i64 = 60;
/// A cron sweep leaves accounts due within this many minutes to their own alarm (armed in
/// production), so that an alarm and the safety-net sweep rarely evaluate the same account.
pub const ALARM_SLACK_MINUTES: i64 = 10;

/// What to sweep.
#[derive(Debug, Clone)]
pub struct SweepRequest {
    /// `Cron` (with its expression, recorded on the run) or `Api`.
    pub trigger: Trigger,
    /// What the run records as its trigger: the cron expression, or `api`.
    pub label: String,
    /// Simulated time (only with `TEST_CLOCKS` on; the caller checks).
    pub as_of: Option<DateTime<Utc>>,
    pub max_accounts: Option<usize>,
    /// Evaluate only this account (operator).
    pub account_id: Option<String>,
}

/// Runs the sweep for a cron trigger, inline or through the queue (`SWEEP_MODE`). Errors are
/// logged, not raised: the next cron retries.
pub async fn on_cron(cron: &str, env: Env) {
    let req = SweepRequest {
        trigger: Trigger::Cron,
        label: cron.to_string(),
        as_of: None,
        max_accounts: None,
        account_id: None,
    };
    let result = match fanout::Mode::from_env(&env) {
        fanout::Mode::Queue(queue) => fanout::enqueue(&env, &queue, req).await,
        fanout::Mode::Inline => run(&env, req).await,
    };
    if let Err(e) = result {
        logging::error(
            "sweep.failed",
            json!({"trigger": cron, "error": e.to_string()}),
        );
    }
}

/// The latest `next_action_at` a sweep at `now` treats as due. Alarms are armed only without
/// test clocks; then a cron sweep is the safety net and leaves the last minutes to them.
fn cutoff(req: &SweepRequest, config: &Config, now: DateTime<Utc>) -> String {
    if req.trigger == Trigger::Cron && !config.test_clocks {
        ts(now - Duration::minutes(ALARM_SLACK_MINUTES))
    } else {
        ts(now)
    }
}

/// One sweep: records its run, evaluates the due accounts, returns the run's figures.
pub async fn run(env: &Env, req: SweepRequest) -> Result<Value, ApiError> {
    let config = Config::from_env(env);
    let db = Db::from_env(env)?;
    let client = AccountClient::new(env);
    let started = clock::wall();
    let now = match req.as_of {
        Some(t) if config.test_clocks => t,
        _ => clock::now(&db, &config).await,
    };
    let id = ids::new_id("sweep", started);
    sweeps::start(&db, &id, &req.label, "inline", now, started).await?;

    let max = req
        .max_accounts
        .or_else(|| {
            env.var("SWEEP_MAX_ACCOUNTS")
                .ok()
                .and_then(|v| v.to_string().parse().ok())
        })
        .unwrap_or(DEFAULT_MAX_ACCOUNTS)
        .max(1);
    let as_of = req.as_of.filter(|_| config.test_clocks);
    let now_s = ts(now);
    let cutoff = cutoff(&req, &config, now);

    let mut due = 0usize;
    let mut done = 0usize;
    let mut errors = 0usize;
    let mut outcomes: Vec<Value> = Vec::new();
    let mut more = false;
    // Phase 1: never evaluated (NULL) by id; phase 2: due by (next_action_at, id).
    let mut null_cursor = String::new();
    let mut due_cursor = (String::new(), String::new());
    let mut phase = if req.account_id.is_some() { 0 } else { 1 };
    loop {
        let remaining = max - due;
        if remaining == 0 {
            more = true;
            break;
        }
        let limit = i64::try_from(remaining.min(BATCH)).unwrap_or(50);
        let rows: Vec<DueRow> = match phase {
            0 => {
                phase = 3;
                sweeps::one(&db, req.account_id.as_deref().unwrap_or_default()).await?
            }
            1 => sweeps::never_evaluated(&db, &null_cursor, limit).await?,
            2 => sweeps::due(&db, &cutoff, (&due_cursor.0, &due_cursor.1), limit).await?,
            _ => break,
        };
        if rows.is_empty() {
            if phase == 1 {
                phase = 2;
                continue;
            }
            break;
        }
        if let Some(last) = rows.last() {
            match phase {
                1 => null_cursor = last.id.clone(),
                2 => {
                    due_cursor = (
                        last.next_action_at.clone().unwrap_or_default(),
                        last.id.clone(),
                    )
                }
                _ => {}
            }
        }
        due += rows.len();
        let calls = rows.iter().map(|row| {
            let cmd = EvaluateCommand {
                as_of,
                trigger: req.trigger,
            };
            let client = &client;
            async move {
                let account = AccountId::from(row.id.as_str());
                // Passed on, not used: read as JSON (see `AccountClient::ask_json`).
                let result = client.ask_json(&account, cmd).await;
                (row.id.clone(), result)
            }
        });
        let mut failed = Vec::new();
        for (account_id, result) in join_all(calls).await {
            match result {
                Ok(v) => {
                    done += 1;
                    if outcomes.len() < 200 {
                        outcomes.push(json!({
                            "account_id": account_id,
                            "outcome": v["outcome"],
                            "stage": v["stage"],
                            "step_key": v["step_key"],
                        }));
                    }
                }
                Err(e) => {
                    errors += 1;
                    logging::error(
                        "sweep.account_failed",
                        json!({"sweep_id": id, "account_id": account_id, "error": e.to_string()}),
                    );
                    failed.push(account_id);
                }
            }
        }
        if !failed.is_empty() {
            sweeps::push_back(&db, &failed, now + Duration::minutes(FAILED_RETRY_MINUTES)).await?;
        }
    }

    let finished = clock::wall();
    sweeps::finish(&db, &id, finished, due, done, errors).await?;
    let wall_ms = (finished - started).num_milliseconds();
    let remote = client.remote_io();
    logging::info(
        "sweep.finished",
        json!({"id": id, "trigger": req.label, "as_of": now_s, "due": due, "done": done,
               "errors": errors, "more": more, "wall_ms": wall_ms,
               "object_calls": client.calls(), "d1_round_trips_sweep": db.round_trips(),
               "d1_round_trips_accounts": remote.d1_round_trips}),
    );
    Ok(json!({
        "sweep_id": id,
        "as_of": now_s,
        "accounts_due": due,
        "accounts_done": done,
        "errors": errors,
        "more": more,
        "wall_ms": wall_ms,
        "accounts": outcomes,
    }))
}
