//! What the worker asks an account's Durable Object to do. JSON over the object's `fetch`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A command addressed to one account.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub account_id: String,
    pub command: Command,
}

/// The commands an account object understands.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Apply a webhook event's ledger changes (idempotent by event id), then re-evaluate.
    Ledger(LedgerCommand),
    /// Act on an inbound message already stored in `inbound_messages` and threaded here.
    Inbound(InboundCommand),
    /// Evaluate the policy as of a time (a sweep, an operator, the alarm) and act on the decision.
    Evaluate(EvaluateCommand),
    /// Read-only: the escalation state, the last decision and the alarm.
    State,
    /// An operator applies a queued (unapplied) payment to invoices by hand (issue 4).
    ApplyPayment(ApplyPaymentCommand),
}

/// A person's allocation of a queued payment (`POST /api/unapplied/{id}/apply`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ApplyPaymentCommand {
    pub payment_id: String,
    pub allocations: Vec<nudge_core::ledger::Allocation>,
    /// Who applied it (for the event log's cause).
    pub operator: String,
}

/// Ledger changes from one webhook event.
#[derive(Debug, Serialize, Deserialize)]
pub struct LedgerCommand {
    /// `stripe` or `erp`.
    pub source: String,
    pub event_id: String,
    pub event_type: String,
    pub changes: Vec<nudge_billing::LedgerChange>,
}

/// An inbound message to act on.
#[derive(Debug, Serialize, Deserialize)]
pub struct InboundCommand {
    /// The `inbound_messages.id` of the stored message.
    pub message_id: String,
}

/// An evaluation request.
#[derive(Debug, Serialize, Deserialize)]
pub struct EvaluateCommand {
    /// The time to evaluate at; `None` = now. Only honoured with `TEST_CLOCKS` on.
    pub as_of: Option<DateTime<Utc>>,
    /// What asked: `cron`, `api`, `alarm`, `ledger`, `inbound`.
    pub trigger: String,
}
