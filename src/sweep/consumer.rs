//! The queue consumer: evaluates the accounts of a batch of [`SweepMessage`]s through their
//! Durable Objects (the same `Evaluate` command as an inline sweep), then acknowledges each
//! message whose accounts were all evaluated and hands the others back for redelivery (after
//! `SWEEP_RETRY_DELAY_SECONDS`, default [`DEFAULT_RETRY_DELAY_SECONDS`]); after the consumer's
//! `max_retries` Queues moves a message to the dead-letter queue, whose batches
//! [`dead_letters`] records as errors (the accounts come back when their lease runs out).
//!
//! Redelivery is safe: a message is retried whole, so accounts already evaluated are evaluated
//! again, and the object's step memory (atomic check-and-set of the step key before a send,
//! D1 rows unique per step) answers "already done" or "nothing" instead of sending twice.
//!
//! One D1 statement per batch and run records the progress (`sweeps::progress`); the accounts'
//! own I/O happens in their objects (2 round trips each) and is reported back and logged.

use nudge_core::sorted_map::SortedMap;

use futures_util::future::join_all;
use serde_json::{json, Value};
use worker::{
    Env, MessageBatch, MessageExt, QueueRetryOptions, QueueRetryOptionsBuilder, RawMessage,
};

use super::fanout::SweepMessage;
use super::faults;
use crate::account::{AccountClient, AccountError, EvaluateCommand};
use crate::config::Config;
use crate::ids::AccountId;
use crate::store::{sweeps, Db};
use crate::{clock, logging};

/// Queues whose name ends so are dead-letter queues.
pub const DEAD_LETTER_SUFFIX: &str = "-dlq";
/// Seconds before a retried message is delivered again.
pub const DEFAULT_RETRY_DELAY_SECONDS: u32 = 30;

/// What one run gained from this batch.
#[derive(Default)]
struct Tally {
    done: usize,
    errors: usize,
    retries: usize,
}

/// A message with its body parsed (through JSON text, see [`crate::js_json`]).
struct Queued {
    raw: RawMessage,
    body: SweepMessage,
}

impl Queued {
    fn body(&self) -> &SweepMessage {
        &self.body
    }
    fn id(&self) -> String {
        self.raw.id()
    }
    fn ack(&self) {
        self.raw.ack();
    }
    fn retry_with_options(&self, options: &QueueRetryOptions) {
        self.raw.retry_with_options(options);
    }
}

/// The batch's messages, each parsed or the reason it does not parse.
fn read(batch: &MessageBatch<SweepMessage>) -> Vec<Result<Queued, String>> {
    batch
        .raw_iter()
        .map(|raw| {
            let body = crate::js_json::from_js(raw.body())?;
            Ok(Queued { raw, body })
        })
        .collect()
}

/// The `queue` entry point: sweep messages, or dead letters.
pub async fn consume(batch: MessageBatch<SweepMessage>, env: Env) -> worker::Result<()> {
    if batch.queue().ends_with(DEAD_LETTER_SUFFIX) {
        return dead_letters(batch, &env).await;
    }
    let started = clock::wall();
    let config = Config::from_env(&env);
    let db = match Db::from_env(&env) {
        Ok(db) => db,
        Err(e) => {
            logging::error("sweep.consumer_failed", json!({"error": e.to_string()}));
            batch.retry_all();
            return Ok(());
        }
    };
    let delay = env
        .var("SWEEP_RETRY_DELAY_SECONDS")
        .ok()
        .and_then(|v| v.to_string().trim().parse().ok())
        .unwrap_or(DEFAULT_RETRY_DELAY_SECONDS);
    let retry = QueueRetryOptionsBuilder::new()
        .with_delay_seconds(delay)
        .build();
    let faults = faults::from_env(&env, &config);

    let mut messages = Vec::new();
    for m in read(&batch) {
        match m {
            Ok(m) => messages.push(m),
            // Returning normally acknowledges it: a message that cannot be read never will be.
            Err(e) => logging::error("sweep.message_unreadable", json!({"error": e.to_string()})),
        }
    }
    let mut effects = Vec::with_capacity(messages.len());
    for m in &messages {
        effects.push(if faults.is_empty() {
            faults::Effects::default()
        } else {
            faults::effects(&db, &faults, &m.body().account_ids, started).await
        });
    }

    // Every account of the batch at once (max_batch_size × ids per message in flight).
    let client = AccountClient::new(&env);
    let calls = messages.iter().enumerate().flat_map(|(i, m)| {
        let body = m.body();
        let fx = &effects[i];
        let client = &client;
        body.account_ids.iter().map(move |account_id| async move {
            let result = if fx.failing.contains(account_id) {
                Err(AccountError::Runtime(format!(
                    "account {account_id}: test fault (TEST_QUEUE_FAULTS)"
                )))
            } else {
                let cmd = EvaluateCommand {
                    as_of: body.as_of,
                    trigger: body.trigger,
                };
                client
                    .ask_json(&AccountId::from(account_id.as_str()), cmd)
                    .await
            };
            (i, account_id, result)
        })
    });
    let results = join_all(calls).await;

    let mut failed: Vec<Vec<(&String, String)>> = vec![Vec::new(); messages.len()];
    let mut outcomes: SortedMap<String, usize> = SortedMap::new();
    for (i, account_id, result) in results {
        match result {
            Ok(v) => {
                let name = v["outcome"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_default();
                *outcomes.entry(name).or_default() += 1;
            }
            Err(e) => failed[i].push((account_id, e.to_string())),
        }
    }

    let mut tallies: SortedMap<&str, Tally> = SortedMap::new();
    let (mut acked, mut retried) = (0usize, 0usize);
    for (i, m) in messages.iter().enumerate() {
        let body = m.body();
        let tally = tallies.entry(body.sweep_id.as_str()).or_default();
        if failed[i].is_empty() && !effects[i].lose_ack {
            m.ack();
            acked += 1;
            tally.done += body.account_ids.len();
        } else {
            m.retry_with_options(&retry);
            retried += 1;
            tally.retries += 1;
            let errors: Vec<Value> = failed[i]
                .iter()
                .map(|(a, e)| json!({"account_id": a, "error": e}))
                .collect();
            logging::error(
                "sweep.message_retried",
                json!({"sweep_id": body.sweep_id, "message_id": m.id(),
                       "accounts": body.account_ids.len(), "failed": errors,
                       "lost_ack": effects[i].lose_ack, "retry_delay_seconds": delay}),
            );
        }
    }
    record(&db, tallies).await;

    let remote = client.remote_io();
    let accounts: usize = messages.iter().map(|m| m.body().account_ids.len()).sum();
    logging::info(
        "sweep.consumed",
        json!({"queue": batch.queue(), "messages": messages.len(), "accounts": accounts,
               "acked": acked, "retried": retried, "outcomes": outcomes,
               "wall_ms": (clock::wall() - started).num_milliseconds(),
               "object_calls": client.calls(), "d1_round_trips_consumer": db.round_trips(),
               "d1_round_trips_accounts": remote.d1_round_trips}),
    );
    Ok(())
}

/// One statement per run in the batch, in one round trip. A failure is logged: the messages'
/// fate (ack or retry) does not depend on the figures.
async fn record(db: &Db, tallies: SortedMap<&str, Tally>) {
    let now = clock::wall();
    let statements: Result<Vec<_>, _> = tallies
        .iter()
        .map(|(id, t)| sweeps::progress(db, id, t.done, t.errors, t.retries, now))
        .collect();
    let result = match statements {
        Ok(s) => db.batch(s).await.map(|_| ()),
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        logging::error("sweep.progress_failed", json!({"error": e.to_string()}));
    }
}

/// Messages that exhausted their retries: logged and counted as errors of their run; their
/// accounts are due again when their lease runs out.
async fn dead_letters(batch: MessageBatch<SweepMessage>, env: &Env) -> worker::Result<()> {
    let mut messages = Vec::new();
    for m in read(&batch) {
        match m {
            Ok(m) => messages.push(m),
            Err(e) => logging::error("sweep.message_unreadable", json!({"error": e.to_string()})),
        }
    }
    let mut tallies: SortedMap<&str, Tally> = SortedMap::new();
    for m in &messages {
        let body = m.body();
        logging::error(
            "sweep.dead_lettered",
            json!({"sweep_id": body.sweep_id, "message_id": m.id(),
                   "account_ids": body.account_ids}),
        );
        tallies.entry(body.sweep_id.as_str()).or_default().errors += body.account_ids.len();
    }
    match Db::from_env(env) {
        Ok(db) => record(&db, tallies).await,
        Err(e) => logging::error("sweep.progress_failed", json!({"error": e.to_string()})),
    }
    batch.ack_all();
    Ok(())
}
