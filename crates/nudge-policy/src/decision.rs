//! What `evaluate` decides, and why.
//!
//! Addresses and invoice ids in a decision borrow from the snapshot (`Cow`), so evaluating an
//! account allocates almost nothing; [`Decision::into_owned`] detaches a decision from it.

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use nudge_core::money::Currency;
use nudge_core::promise::PromiseStatus;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::reason::Reason;
use crate::stage::{Stage, Tone};

/// The outcome of one evaluation of one account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision<'a> {
    /// What to do now (at most one thing).
    pub action: Action<'a>,
    /// The stage the account's state calls for now (before cadence, caps and windows).
    pub stage: Stage,
    /// Every rule that shaped the decision, in the order applied.
    pub reasons: Vec<Reason>,
    /// When to evaluate again; always after `now`.
    pub next_evaluation_at: DateTime<Utc>,
    /// Promises this evaluation found kept or broken: store the new status.
    pub promise_updates: Vec<(String, PromiseStatus)>,
    /// What `EscalationState::paused_stage` should hold after this evaluation.
    pub paused_stage: Option<Stage>,
    /// The figures the stage was computed from (for the dashboard).
    pub metrics: Metrics,
}

/// The one thing to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action<'a> {
    /// Nothing now; look again at `next_evaluation_at`.
    None,
    /// Email a reminder.
    Send(Send<'a>),
    /// Create a task for a person.
    Task(Task),
    /// Ask a person to approve a final escalation.
    Approval(ProposedAction<'a>),
}

/// Send one reminder email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Send<'a> {
    /// The stage of the email (may be below `Decision::stage`: one step at a time, caps).
    pub stage: Stage,
    /// The voice the template should use.
    pub tone: Tone,
    /// The contact's email address.
    pub to: Cow<'a, str>,
    /// Other reachable contacts of the same role.
    pub cc: Vec<Cow<'a, str>>,
    /// The invoices the email is about (the overdue, undisputed, unpromised ones; or the one
    /// upcoming invoice of a courtesy notice).
    pub invoice_ids: Vec<Cow<'a, str>>,
    /// Deterministic id of this step; record it before sending, never send a recorded one.
    pub step_key: String,
    /// Late-payment charges to quote, when the policy enables them at this stage.
    pub late_charges: Vec<LateCharge>,
}

/// Work for a person instead of an email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Task {
    /// What the person should do.
    pub kind: TaskKind,
    /// The account owner, when known.
    pub assignee: Option<String>,
    /// One line for the task list.
    pub summary: String,
    /// Deterministic id of this step; record it before creating the task.
    pub step_key: String,
    /// The stage the task stands in for.
    pub stage: Stage,
}

/// Kinds of human task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    /// Nobody reachable at the customer: find the right contact.
    FindContact,
    /// A capped (strategic) account needs more than an email: the owner should step in.
    OwnerReview,
}

impl TaskKind {
    /// The snake_case name used in JSON and in the tasks table's `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::FindContact => "find_contact",
            TaskKind::OwnerReview => "owner_review",
        }
    }
}

/// A final escalation that needs a human's approval; never carried out directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedAction<'a> {
    /// What is proposed.
    pub kind: ProposedActionKind,
    /// Deterministic id of this step; record it before requesting approval.
    pub step_key: String,
    /// The overdue invoices concerned.
    pub invoice_ids: Vec<Cow<'a, str>>,
    /// Who should decide (the account owner, when known).
    pub assignee: Option<String>,
    /// One line for the approval queue.
    pub summary: String,
}

/// What human review proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposedActionKind {
    /// Hand the debt to a collection agency (account no longer trading).
    AgencyReferral,
    /// Stop further deliveries on credit (account still trading).
    CreditHold,
    /// Offer instalments (the customer is paying in part).
    PaymentPlan,
    /// A formal legal notice (exposure above the policy's threshold).
    LegalNotice,
}

impl ProposedActionKind {
    /// The snake_case name used in JSON and in `nudge_core::approval::Approval::kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            ProposedActionKind::AgencyReferral => "agency_referral",
            ProposedActionKind::CreditHold => "credit_hold",
            ProposedActionKind::PaymentPlan => "payment_plan",
            ProposedActionKind::LegalNotice => "legal_notice",
        }
    }
}

/// Late-payment charges on one invoice, computed afresh from its open amount (simple interest,
/// never on earlier charges) and quoted, never booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateCharge {
    /// The invoice charged.
    pub invoice_id: String,
    /// The invoice's currency (charges are never converted).
    pub currency: Currency,
    /// The open amount the interest is computed on.
    pub principal: Decimal,
    /// Days past due on the evaluation day.
    pub days_overdue: u32,
    /// Simple interest, rounded to the currency's minor unit.
    pub interest: Decimal,
    /// The fixed compensation for this invoice (zero when the policy has none for the currency).
    pub compensation: Decimal,
}

/// Overdue exposure in one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exposure {
    /// The currency of both amounts.
    pub currency: Currency,
    /// Open balance of invoices that count (undisputed, collectable).
    pub open: Decimal,
    /// The overdue part of it, after promises.
    pub overdue: Decimal,
}

/// The account figures behind the stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Days past due of the oldest dunnable overdue invoice (0 when none).
    pub oldest_days_overdue: i64,
    /// Dunnable overdue invoices (undisputed, not promised, not auto-collected).
    pub overdue_invoices: u32,
    /// Open and overdue amounts per currency.
    pub exposure: Vec<Exposure>,
    /// Highest overdue share of the open balance over currencies, percent (0–100).
    pub overdue_share_percent: Decimal,
    /// Average days late over paid invoices in the lookback (None without history).
    pub avg_days_late: Option<i64>,
    /// Paid invoices the average is over.
    pub paid_invoices_considered: u32,
    /// Broken promises within the lookback.
    pub broken_promises: u32,
    /// Open invoices under an open dispute.
    pub disputed_invoices: u32,
    /// Open invoices a collector paused.
    #[serde(default)]
    pub paused_invoices: u32,
    /// Overdue invoices covered by an active promise.
    pub promised_invoices: u32,
}

fn owned(v: Vec<Cow<'_, str>>) -> Vec<Cow<'static, str>> {
    v.into_iter().map(|c| Cow::Owned(c.into_owned())).collect()
}

impl Decision<'_> {
    /// The same decision, owning all its strings (to keep it beyond the snapshot).
    pub fn into_owned(self) -> Decision<'static> {
        let action = match self.action {
            Action::None => Action::None,
            Action::Task(t) => Action::Task(t),
            Action::Send(s) => Action::Send(Send {
                stage: s.stage,
                tone: s.tone,
                to: Cow::Owned(s.to.into_owned()),
                cc: owned(s.cc),
                invoice_ids: owned(s.invoice_ids),
                step_key: s.step_key,
                late_charges: s.late_charges,
            }),
            Action::Approval(a) => Action::Approval(ProposedAction {
                kind: a.kind,
                step_key: a.step_key,
                invoice_ids: owned(a.invoice_ids),
                assignee: a.assignee,
                summary: a.summary,
            }),
        };
        Decision {
            action,
            stage: self.stage,
            reasons: self.reasons,
            next_evaluation_at: self.next_evaluation_at,
            promise_updates: self.promise_updates,
            paused_stage: self.paused_stage,
            metrics: self.metrics,
        }
    }
}
