//! What the worker asks an account's Durable Object to do, and what each command answers.
//!
//! Every change to an account's rows arrives as one of these commands, so the object is the one
//! writer of its account. Each command has its own typed answer ([`Ask::Answer`]); the client
//! (`client.rs`) sends a command and reads back exactly that type.

use nudge_core::sorted_map::SortedMap;

use chrono::{DateTime, Utc};
use nudge_core::ledger::{Allocation, Payment};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::ids::AccountId;

/// A command addressed to one account.
#[derive(Debug, Serialize, Deserialize)]
pub struct Envelope {
    pub account_id: AccountId,
    pub command: Command,
}

/// The commands an account object understands. Externally tagged: an internally tagged enum
/// would buffer its content, and decimals inside (a classification's amounts) do not survive
/// that.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// Apply one delivery's webhook events for this account (idempotent per event), in one D1
    /// batch, then settle: the alarm evaluates the whole account a settle delay later.
    Ledger(LedgerBatch),
    /// A person's allocation of a queued payment.
    ApplyPayment(ApplyPayment),
    /// Act on an inbound message already stored and threaded here.
    Inbound(Box<InboundCommand>),
    /// Evaluate the policy as of a time and act on the decision.
    Evaluate(EvaluateCommand),
    /// A person approves or rejects one of the account's approvals.
    Decide(DecideApproval),
    /// A person changes the account's policy overrides and switches.
    SetPolicy(SetPolicy),
    /// A collector acts on the account (a promise from a call, a dispute resolved, a contact, an
    /// invoice paused, "chase now", …).
    Act(Box<Act>),
    /// Read-only: the escalation state, the last decision, the alarm and the outbox.
    State(StateQuery),
}

/// A command with its typed answer.
pub trait Ask: Into<Command> {
    type Answer: Serialize + DeserializeOwned;
}

macro_rules! ask {
    ($cmd:ident, $variant:ident, $answer:ty) => {
        impl From<$cmd> for Command {
            fn from(c: $cmd) -> Self {
                Command::$variant(c)
            }
        }
        impl Ask for $cmd {
            type Answer = $answer;
        }
    };
}

ask!(LedgerBatch, Ledger, LedgerAnswer);
ask!(ApplyPayment, ApplyPayment, PaymentApplied);
impl From<InboundCommand> for Command {
    fn from(c: InboundCommand) -> Self {
        Command::Inbound(Box::new(c))
    }
}
impl Ask for InboundCommand {
    type Answer = InboundAnswer;
}
ask!(EvaluateCommand, Evaluate, Evaluation);
ask!(DecideApproval, Decide, Decided);
ask!(SetPolicy, SetPolicy, PolicySet);
impl From<Act> for Command {
    fn from(c: Act) -> Self {
        Command::Act(Box::new(c))
    }
}
impl Ask for Act {
    type Answer = Acted;
}
ask!(StateQuery, State, AccountState);

/// Where ledger changes come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Stripe,
    Erp,
    Import,
}

impl Source {
    /// The name stored in `webhook_events.source` and event causes.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Stripe => "stripe",
            Source::Erp => "erp",
            Source::Import => "import",
        }
    }
}

/// One event's ledger changes.
#[derive(Debug, Serialize, Deserialize)]
pub struct LedgerEvent {
    pub event_id: String,
    pub event_type: String,
    pub changes: Vec<nudge_billing::LedgerChange>,
}

/// The events of one delivery that concern one account, in delivery order.
#[derive(Debug, Serialize, Deserialize)]
pub struct LedgerBatch {
    pub source: Source,
    pub events: Vec<LedgerEvent>,
}

/// What became of one event.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventOutcome {
    pub event_id: String,
    /// Already applied by an earlier delivery: nothing changed.
    pub duplicate: bool,
    /// The ledger events it produced (`invoice_opened`, `payment_applied`, …).
    pub events: Vec<String>,
}

/// The answer to [`LedgerBatch`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LedgerAnswer {
    pub account_id: AccountId,
    pub events: Vec<EventOutcome>,
    /// Payments now waiting in the unapplied-cash queue.
    pub queued: Vec<String>,
    /// When the settled account will be evaluated (`None`: nothing changed).
    pub settle_at: Option<DateTime<Utc>>,
}

/// A person's allocation of a queued payment (`POST /api/unapplied/{id}/apply`).
#[derive(Debug, Serialize, Deserialize)]
pub struct ApplyPayment {
    pub payment_id: String,
    pub allocations: Vec<Allocation>,
    /// Who applied it (the event log's cause).
    pub operator: String,
}

/// An invoice after a manual application.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvoiceAfter {
    pub status: nudge_core::ledger::InvoiceStatus,
    pub open_amount: String,
}

/// The answer to [`ApplyPayment`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PaymentApplied {
    pub payment: Option<Payment>,
    pub unapplied: Option<String>,
    pub invoices: SortedMap<String, InvoiceAfter>,
}

/// An inbound message to act on: stored by the email handler, threaded here, classified.
#[derive(Debug, Serialize, Deserialize)]
pub struct InboundCommand {
    /// The `inbound_messages.id` of the stored message.
    pub message_id: String,
    /// Who wrote: the `From` header's address, else the envelope sender; `None` if neither is
    /// an address (then nothing can be answered).
    pub sender: Option<crate::address::EmailAddress>,
    /// How it was threaded to this account (`in_reply_to`, `reply_token`, `contact`, …).
    pub matched_by: String,
    pub classification: nudge_inbound::Classification,
    pub parsed: crate::inbound::reply::Parsed,
}

/// The answer to [`InboundCommand`]: what was done, and whether the email handler must
/// forward the live message to a person (only it holds the message).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboundAnswer {
    pub message_id: String,
    pub status: String,
    pub action: String,
    pub summary: String,
    pub forward: bool,
    /// The kind of the reply sent, if one was.
    pub replied: Option<String>,
    /// The message had been acted on already (a retried command).
    pub repeated: bool,
}

/// What asked for an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// A cron sweep.
    Cron,
    /// `POST /api/sweep`.
    Api,
    /// The object's own timer: the next evaluation the policy asked for.
    Alarm,
    /// The object's settle timer after ledger or inbound changes.
    Settled,
    /// A person decided an approval.
    Approval,
    /// A collector asked to chase now.
    Operator,
}

impl Trigger {
    /// The name in logs and event causes.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Cron => "cron",
            Trigger::Api => "api",
            Trigger::Alarm => "alarm",
            Trigger::Settled => "settled",
            Trigger::Approval => "approval",
            Trigger::Operator => "operator",
        }
    }
}

/// An evaluation request.
#[derive(Debug, Serialize, Deserialize)]
pub struct EvaluateCommand {
    /// The time to evaluate at; `None` = now. Only honoured with `TEST_CLOCKS` on.
    pub as_of: Option<DateTime<Utc>>,
    pub trigger: Trigger,
}

/// What an evaluation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Nothing to do now.
    None,
    /// The account is unknown to D1.
    Unknown,
    /// Ledger changes are still settling: the settle alarm evaluates the whole account.
    Settling,
    /// Another evaluation already carried out this step.
    AlreadyDone,
    /// A reminder was sent.
    Sent,
    /// A reminder is recorded but its delivery failed; it is retried.
    Queued,
    /// Shadow mode: a draft waits for approval.
    Drafted,
    /// The reminder could not be built; a person has a task.
    ComposeFailed,
    /// A task for a person.
    Task,
    /// A final escalation waits for approval.
    Approval,
}

/// One outbox delivery made during an evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    pub step_key: String,
    pub sent: bool,
    pub attempts: u32,
}

/// The answer to [`EvaluateCommand`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub account_id: AccountId,
    pub trigger: Trigger,
    pub as_of: DateTime<Utc>,
    pub stage: Option<String>,
    pub outcome: Outcome,
    pub step_key: Option<String>,
    pub next_evaluation_at: Option<DateTime<Utc>>,
    pub deliveries: Vec<Delivery>,
}

/// A person's decision on an approval.
#[derive(Debug, Serialize, Deserialize)]
pub struct DecideApproval {
    pub approval_id: String,
    pub approve: bool,
    pub by: String,
    pub note: Option<String>,
}

/// The answer to [`DecideApproval`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Decided {
    pub id: String,
    pub status: String,
    pub kind: String,
    /// An approved draft: it was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<bool>,
    /// An approved escalation: the task that carries it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_step_key: Option<String>,
}

/// A change to one field: keep it, clear it, or set it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change<T> {
    #[default]
    Keep,
    Clear,
    Set(T),
}

/// The account's policy overrides and switches (`PUT /api/accounts/{id}/policy`), validated.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SetPolicy {
    pub overrides: Change<nudge_policy::PolicyOverrides>,
    pub shadow_mode: Change<bool>,
    /// `false` stops all dunning of the account, `true` resumes it.
    pub dunning: Option<bool>,
}

/// The answer to [`SetPolicy`]: the account's settings now.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicySet {
    pub account_id: AccountId,
    pub overrides: Option<nudge_policy::PolicyOverrides>,
    pub shadow_mode: Option<bool>,
    pub dunning: bool,
    pub updated_at: DateTime<Utc>,
}

/// What a collector does.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CollectorAction {
    /// A change to the book (promise, dispute, owner, contact, note), see
    /// `nudge_billing::operator`.
    Book(nudge_billing::operator::OperatorAction),
    /// Stop dunning one invoice until resumed.
    PauseInvoice { invoice_id: String },
    /// Dun the invoice again.
    ResumeInvoice { invoice_id: String },
    /// Evaluate now and act if the policy says so (inside the account's send window).
    ChaseNow,
}

/// A collector's action on the account, by a person.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Act {
    pub action: CollectorAction,
    pub by: String,
}

/// The answer to [`Act`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Acted {
    pub account_id: AccountId,
    /// The event-log entry it made (`promise_recorded`, `invoice_paused`, …).
    pub event: Option<String>,
    /// When the changed account will be evaluated.
    pub settle_at: Option<DateTime<Utc>>,
    /// Chase now: what the evaluation did.
    pub evaluation: Option<Evaluation>,
    /// The invoices paused now.
    pub paused_invoices: Vec<String>,
}

/// Read the account object's state.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StateQuery {}

/// A message recorded but not yet delivered, as the state shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxView {
    pub step_key: String,
    pub message_id: String,
    pub to: String,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The answer to [`StateQuery`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountState {
    pub account_id: AccountId,
    pub state: nudge_policy::EscalationState,
    pub approvals: Vec<nudge_core::approval::Approval>,
    /// The last decision with its reasons (as the policy serialises it).
    pub last_decision: Option<serde_json::Value>,
    pub last_evaluated_at: Option<DateTime<Utc>>,
    pub last_trigger: Option<String>,
    /// When the account is evaluated next (also under test clocks, when no alarm is armed).
    pub alarm_at: Option<DateTime<Utc>>,
    /// The settle timer, while ledger changes settle.
    pub settle_at: Option<DateTime<Utc>>,
    /// The alarm the runtime has armed (millis), if any.
    pub alarm_armed_ms: Option<i64>,
    pub thread_subject: Option<String>,
    pub outbox: Vec<OutboxView>,
}

/// The part of an [`AccountState`] the operator API evaluates with (read with
/// `AccountClient::ask_part`; the rest of the state is not deserialised in the Worker).
#[derive(Debug, Deserialize)]
pub struct PolicyState {
    pub state: nudge_policy::EscalationState,
    #[serde(default)]
    pub approvals: Vec<nudge_core::approval::Approval>,
}

/// The D1 cost of one command, reported with its answer.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Io {
    pub d1_round_trips: u32,
    pub d1_statements: u32,
}

/// The object's reply body: the answer or the error, with the command's I/O. Written by the
/// object; the client reads its parts one by one ([`crate::account::client`]), so that only
/// the answer's own deserialiser is compiled per command, not a whole `Reply<A>` each (issue 12).
#[derive(Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reply<A> {
    Ok { answer: A, io: Io },
    Err { error: super::AccountError, io: Io },
}
