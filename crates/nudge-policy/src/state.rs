//! What an account's Durable Object remembers between evaluations: the touches made so far and
//! the pauses that are not in the ledger (out-of-office, the stage a promise paused at).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::decision::{Action, Decision};
use crate::stage::Stage;

/// What kind of touch was made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    #[default]
    Email,
    Task,
    Approval,
}

/// One step taken: an email sent, a task created or an approval requested.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub at: DateTime<Utc>,
    pub stage: Stage,
    /// The decision's step key; recorded before acting so the same step never runs twice.
    pub step_key: String,
    #[serde(default)]
    pub kind: TouchKind,
}

/// The escalation state of one account. Serde with defaults: `{}` is a fresh account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationState {
    /// Touches in the order they were made. Older ones may be trimmed; `sequence` keeps counting.
    pub touches: Vec<Touch>,
    /// A contact's auto-reply said they are away until this local date (inclusive).
    pub out_of_office_until: Option<NaiveDate>,
    /// The stage the account was at when an active promise paused it.
    pub paused_stage: Option<Stage>,
    /// How many touches were ever recorded; numbers the step keys.
    pub sequence: u32,
}

impl EscalationState {
    /// The number the next step key carries.
    pub fn next_sequence(&self) -> u32 {
        let recorded = u32::try_from(self.touches.len()).unwrap_or(u32::MAX);
        self.sequence.max(recorded).saturating_add(1)
    }

    /// True when a touch with `step_key` was already recorded.
    pub fn has_step(&self, step_key: &str) -> bool {
        self.touches.iter().any(|t| t.step_key == step_key)
    }

    /// Records the touch `decision` asks for (before carrying it out) and the pause it reports.
    /// Returns false, changing nothing, when the decision has no action or its step was already
    /// recorded — the caller must then not act.
    pub fn record(&mut self, decision: &Decision<'_>, at: DateTime<Utc>) -> bool {
        self.paused_stage = decision.paused_stage;
        let (stage, step_key, kind) = match &decision.action {
            Action::None => return false,
            Action::Send(s) => (s.stage, &s.step_key, TouchKind::Email),
            Action::Task(t) => (t.stage, &t.step_key, TouchKind::Task),
            Action::Approval(a) => (Stage::Review, &a.step_key, TouchKind::Approval),
        };
        if self.has_step(step_key) {
            return false;
        }
        let n = self.next_sequence();
        self.touches.push(Touch {
            at,
            stage,
            step_key: step_key.clone(),
            kind,
        });
        self.sequence = n;
        true
    }
}
