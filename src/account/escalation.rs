//! What the account object keeps in its own storage, under one key so that every update is a
//! single atomic `put`: the escalation state (touches and their step keys), the outbox of
//! messages recorded but not yet delivered, the thread's stable subject, the last decision and
//! the time of the next evaluation.
//!
//! The step check-and-record ([`record_step`]) reads and writes only this storage, with no other
//! I/O in between, so the object's input gate makes it atomic: two evaluations racing inside the
//! object (two sweeps, a sweep and the alarm) can both decide the same step, but only one records
//! it, and only the one that recorded it acts.

use chrono::{DateTime, Utc};
use nudge_policy::{Decision, EscalationState};
use serde::{Deserialize, Serialize};
use worker::Storage;

/// The storage key of [`Memory`].
const KEY: &str = "escalation";

/// A message recorded as a step, waiting to be (re)sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    pub step_key: String,
    pub message_id: String,
    pub to: String,
    pub raw: String,
    /// Attempts over all evaluations so far.
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Wall-clock millis until which a delivery in progress owns this item.
    #[serde(default)]
    pub claimed_until_ms: Option<i64>,
    /// The message's kind and subject, for its `outbound_messages` row (written with the
    /// delivery's outcome in the evaluation's one D1 batch).
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub subject: String,
    /// Set once delivered; the item leaves the outbox when its row records that.
    #[serde(default)]
    pub sent_at: Option<DateTime<Utc>>,
}

/// Everything the object remembers between commands.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Memory {
    pub state: EscalationState,
    pub thread_subject: Option<String>,
    pub outbox: Vec<OutboxItem>,
    /// The last decision (JSON of `nudge_policy::Decision`, with its reasons).
    pub last_decision: Option<serde_json::Value>,
    pub last_evaluated_at: Option<DateTime<Utc>>,
    pub last_trigger: Option<String>,
    /// When the account should be evaluated next (the alarm time, also under test clocks when
    /// the real alarm is not armed).
    pub alarm_at: Option<DateTime<Utc>>,
    /// Wall-clock time the settle timer fires at, while ledger or inbound changes settle.
    pub settle_at: Option<DateTime<Utc>>,
    /// Wall-clock time of the first change not yet evaluated (caps the debounce).
    pub settling_since: Option<DateTime<Utc>>,
    /// Application time (the test clock when on) of the last change, so a sweep can tell
    /// whether the account has settled in the time it evaluates at.
    pub changed_at: Option<DateTime<Utc>>,
}

/// Loads the memory (empty for a new object).
pub async fn load(storage: &Storage) -> worker::Result<Memory> {
    Ok(crate::storage::get::<Memory>(storage, KEY)
        .await?
        .unwrap_or_default())
}

/// Stores the memory.
pub async fn save(storage: &Storage, memory: &Memory) -> worker::Result<()> {
    crate::storage::put(storage, KEY, memory).await
}

/// Outcome of trying to record a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// The step is new and is now recorded: carry it out.
    New,
    /// Another evaluation already recorded this step: do nothing.
    AlreadyDone,
    /// The decision has no action (the pause state was still stored).
    NoAction,
}

/// Atomically records the decision's step (and queues `outbox` when given). Re-reads the
/// storage first so that a step recorded by a concurrent evaluation is seen.
pub async fn record_step(
    storage: &Storage,
    decision: &Decision<'_>,
    now: DateTime<Utc>,
    outbox: Option<OutboxItem>,
) -> worker::Result<(Recorded, Memory)> {
    let mut memory = load(storage).await?;
    let step = step_key(decision);
    let outcome = match step {
        None => Recorded::NoAction,
        Some(key) if memory.state.has_step(key) => Recorded::AlreadyDone,
        Some(_) => Recorded::New,
    };
    // `record` also stores the pause the decision reports, whatever the action.
    let recorded = memory.state.record(decision, now);
    if outcome == Recorded::New && recorded {
        if let Some(item) = outbox {
            memory.outbox.push(item);
        }
    }
    save(storage, &memory).await?;
    Ok((outcome, memory))
}

/// The step key of a decision's action, if it has one.
pub fn step_key<'d>(decision: &'d Decision<'_>) -> Option<&'d str> {
    use nudge_policy::Action;
    match &decision.action {
        Action::None => None,
        Action::Send(s) => Some(&s.step_key),
        Action::Task(t) => Some(&t.step_key),
        Action::Approval(a) => Some(&a.step_key),
    }
}
