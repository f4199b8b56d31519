//! The queue producer: a cron sweep in `queue` mode claims the due accounts page by page and
//! enqueues their ids on `SWEEP_QUEUE`, for [`super::consumer`] to evaluate.
//!
//! Each page is ONE D1 statement, `UPDATE … RETURNING id` ([`sweeps::claim_due`]): it selects up
//! to [`PAGE`] due accounts through the `next_action_at` index and leases them (their
//! `next_action_at` moves [`LEASE_MINUTES`] ahead), so the next page, an overlapping sweep or the
//! next cron does not enqueue them again while their messages wait. The evaluation replaces the
//! lease with the policy's next time; an account whose message is lost or dead-lettered is due
//! again when its lease runs out, so nothing is dropped for good. Ids go out
//! `SWEEP_QUEUE_MESSAGE_ACCOUNTS` (default [`DEFAULT_ACCOUNTS_PER_MESSAGE`]) per message and up
//! to 100 messages per `sendBatch` (Queues' limit; at most [`IDS_PER_SEND`] ids, well under its
//! 256 KB): 100,000 accounts cost 100 D1 statements and 100 sends — 0.002 subrequests per
//! account, so one invocation can enqueue [`DEFAULT_MAX_ACCOUNTS`] (`SWEEP_QUEUE_MAX_ACCOUNTS`)
//! and stays far below the 1,000-subrequest limit.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use worker::wasm_bindgen::JsValue;
use worker::{Env, Queue, QueueContentType, RawMessageBuilder, SendMessage};

use super::{cutoff, SweepRequest};
use crate::account::Trigger;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::store::sweeps;
use crate::store::{ts, Db};
use crate::{clock, ids, logging};

/// The producer binding (`[[queues.producers]]` in wrangler.toml).
pub const QUEUE_BINDING: &str = "SWEEP_QUEUE";
/// Accounts claimed per D1 statement.
pub const PAGE: usize = 1_000;
/// Account ids per queue message (override with `SWEEP_QUEUE_MESSAGE_ACCOUNTS`, 1 to
/// [`MAX_ACCOUNTS_PER_MESSAGE`]). A message is acknowledged or retried whole, so smaller
/// messages retry less work; larger ones cost fewer queue operations.
pub const DEFAULT_ACCOUNTS_PER_MESSAGE: usize = 10;
/// The largest message the producer builds.
pub const MAX_ACCOUNTS_PER_MESSAGE: usize = 50;
/// Messages per `sendBatch` (Queues accepts at most 100).
pub const MESSAGES_PER_SEND: usize = 100;
/// Account ids per `sendBatch`, keeping the batch far below Queues' 256 KB.
pub const IDS_PER_SEND: usize = 2_000;
/// Accounts one producer invocation enqueues at most (`SWEEP_QUEUE_MAX_ACCOUNTS`); the rest is
/// left to the next cron (`more: true`).
pub const DEFAULT_MAX_ACCOUNTS: usize = 200_000;
/// How long a claimed account stays out of the due set while its message is on the queue.
pub const LEASE_MINUTES: i64 = 60;

/// One queue message: some accounts of one sweep, to evaluate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SweepMessage {
    /// The run (`sweep_runs.id`) the consumer reports progress to.
    pub sweep_id: String,
    pub trigger: Trigger,
    /// Only with `TEST_CLOCKS` (as in an inline sweep); `None` = the object's now.
    #[serde(default)]
    pub as_of: Option<DateTime<Utc>>,
    pub account_ids: Vec<String>,
}

/// How a cron sweep evaluates.
pub enum Mode {
    /// In the cron invocation, [`super::run`].
    Inline,
    /// Through the queue.
    Queue(Queue),
}

impl Mode {
    /// `SWEEP_MODE = "queue"` with the `SWEEP_QUEUE` binding present; anything else is inline
    /// (a missing binding is logged, so a misconfigured deploy still sweeps).
    pub fn from_env(env: &Env) -> Mode {
        let mode = env
            .var("SWEEP_MODE")
            .map(|v| v.to_string().trim().to_ascii_lowercase())
            .unwrap_or_default();
        match mode.as_str() {
            "queue" => match env.queue(QUEUE_BINDING) {
                Ok(q) => Mode::Queue(q),
                Err(e) => {
                    logging::error(
                        "sweep.queue_missing",
                        json!({"binding": QUEUE_BINDING, "error": e.to_string(),
                               "fallback": "inline"}),
                    );
                    Mode::Inline
                }
            },
            "" | "inline" => Mode::Inline,
            other => {
                logging::error(
                    "sweep.mode_unknown",
                    json!({"mode": other, "fallback": "inline"}),
                );
                Mode::Inline
            }
        }
    }
}

fn var_usize(env: &Env, name: &str) -> Option<usize> {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
}

/// Ids grouped into messages and the messages into `sendBatch` calls.
struct Outbox<'a> {
    queue: &'a Queue,
    template: SweepMessage,
    per_message: usize,
    pending: Vec<SweepMessage>,
    pending_ids: usize,
    messages: usize,
    sends: usize,
    enqueued: usize,
    failed: usize,
    send_ms: i64,
}

impl Outbox<'_> {
    fn per_send(&self) -> usize {
        (IDS_PER_SEND / self.per_message).clamp(1, MESSAGES_PER_SEND)
    }

    async fn push(&mut self, ids: Vec<String>) -> Result<(), worker::Error> {
        for chunk in ids.chunks(self.per_message) {
            let mut m = self.template.clone();
            m.account_ids = chunk.to_vec();
            self.pending_ids += chunk.len();
            self.pending.push(m);
            if self.pending.len() >= self.per_send() {
                self.flush().await?;
            }
        }
        Ok(())
    }

    async fn flush(&mut self) -> Result<(), worker::Error> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.pending);
        let (n, ids) = (batch.len(), std::mem::take(&mut self.pending_ids));
        let t = clock::wall();
        let bodies: Result<Vec<SendMessage<JsValue>>, String> = batch
            .iter()
            .map(|m| {
                let body = crate::js_json::to_js(m)?;
                Ok(RawMessageBuilder::new(body).build_with_content_type(QueueContentType::Json))
            })
            .collect();
        let sent = match bodies {
            Ok(bodies) => self.queue.send_raw_batch(bodies).await,
            Err(e) => Err(worker::Error::RustError(e)),
        };
        self.send_ms += (clock::wall() - t).num_milliseconds();
        self.sends += 1;
        match sent {
            Ok(()) => {
                self.messages += n;
                self.enqueued += ids;
                Ok(())
            }
            Err(e) => {
                self.failed += ids;
                Err(e)
            }
        }
    }
}

/// A cron sweep in queue mode: records its run (`mode = queue`), claims and enqueues the due
/// accounts, and records what it enqueued. The consumers fill in the rest of the run.
pub async fn enqueue(env: &Env, queue: &Queue, req: SweepRequest) -> Result<Value, ApiError> {
    let config = Config::from_env(env);
    let db = Db::from_env(env)?;
    let started = clock::wall();
    let now = match req.as_of {
        Some(t) if config.test_clocks => t,
        _ => clock::now(&db, &config).await,
    };
    let id = ids::new_id("sweep", started);
    sweeps::start(&db, &id, &req.label, "queue", now, started).await?;

    let max = req
        .max_accounts
        .or_else(|| var_usize(env, "SWEEP_QUEUE_MAX_ACCOUNTS"))
        .unwrap_or(DEFAULT_MAX_ACCOUNTS)
        .max(1);
    let per_message = var_usize(env, "SWEEP_QUEUE_MESSAGE_ACCOUNTS")
        .unwrap_or(DEFAULT_ACCOUNTS_PER_MESSAGE)
        .clamp(1, MAX_ACCOUNTS_PER_MESSAGE);
    let cutoff = cutoff(&req, &config, now);
    let lease = ts(now + Duration::minutes(LEASE_MINUTES));
    let mut out = Outbox {
        queue,
        template: SweepMessage {
            sweep_id: id.clone(),
            trigger: req.trigger,
            as_of: req.as_of.filter(|_| config.test_clocks),
            account_ids: Vec::new(),
        },
        per_message,
        pending: Vec::new(),
        pending_ids: 0,
        messages: 0,
        sends: 0,
        enqueued: 0,
        failed: 0,
        send_ms: 0,
    };

    let mut claimed = 0usize;
    let mut more = false;
    let mut never_evaluated = true;
    let mut send_error = None;
    loop {
        let remaining = max - claimed;
        if remaining == 0 {
            more = true;
            break;
        }
        let limit = i64::try_from(remaining.min(PAGE)).unwrap_or(1_000);
        let rows = if never_evaluated {
            sweeps::claim_never_evaluated(&db, &lease, limit).await?
        } else {
            sweeps::claim_due(&db, &cutoff, &lease, limit).await?
        };
        if rows.is_empty() {
            if never_evaluated {
                never_evaluated = false;
                continue;
            }
            break;
        }
        claimed += rows.len();
        if let Err(e) = out.push(rows.into_iter().map(|r| r.id).collect()).await {
            // The queue refuses: stop claiming. What was claimed and not sent is due again when
            // its lease runs out.
            send_error = Some(e.to_string());
            more = true;
            break;
        }
    }
    if send_error.is_none() {
        if let Err(e) = out.flush().await {
            send_error = Some(e.to_string());
        }
    }
    // Claimed ids still in the outbox after a failed send were never offered to the queue.
    let unsent = claimed - out.enqueued - out.failed;
    let errors = out.failed + unsent;
    if let Some(e) = &send_error {
        logging::error(
            "sweep.enqueue_failed",
            json!({"sweep_id": id, "error": e, "accounts_not_enqueued": errors}),
        );
    }

    let finished = clock::wall();
    sweeps::enqueued(&db, &id, claimed, errors, out.messages, finished).await?;
    let wall_ms = (finished - started).num_milliseconds();
    logging::info(
        "sweep.enqueued",
        json!({"id": id, "trigger": req.label, "as_of": ts(now), "due": claimed,
               "enqueued": out.enqueued, "errors": errors, "more": more,
               "messages": out.messages, "accounts_per_message": per_message,
               "send_batches": out.sends, "send_ms": out.send_ms, "wall_ms": wall_ms,
               "d1_round_trips": db.round_trips()}),
    );
    Ok(json!({
        "sweep_id": id,
        "mode": "queue",
        "as_of": ts(now),
        "accounts_due": claimed,
        "accounts_enqueued": out.enqueued,
        "messages": out.messages,
        "errors": errors,
        "more": more,
        "wall_ms": wall_ms,
    }))
}
