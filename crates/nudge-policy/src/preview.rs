//! `preview`: what Nudge would do for one account over the coming days, simulated without side
//! effects.
//!
//! The simulation runs the real policy ([`evaluate`](crate::evaluate())) forward in time the way
//! the account's Durable Object does: evaluate, record the decision into the escalation state
//! (which is what makes the next step differ and the cadence gap apply), store the promise
//! statuses the decision settled, and look again at `next_evaluation_at`. It works on a clone of
//! the snapshot; nothing the caller owns changes.

use chrono::{DateTime, FixedOffset, Utc};
use nudge_core::approval::{Approval, ApprovalStatus};
use nudge_core::zone::Zone;
use serde::{Deserialize, Serialize};

use crate::decision::{Action, Decision, ProposedAction, Send, Task};
use crate::evaluate::evaluate;
use crate::policy::Policy;
use crate::reason::{Reason, ReasonCode};
use crate::snapshot::AccountSnapshot;
use crate::stage::Stage;

/// The most evaluations one preview runs, so it always terminates whatever `until` is. A quiet
/// account is looked at about once a day (`max_sleep_hours`), so this covers a year of quiet
/// days plus the actions in between.
pub const MAX_EVALUATIONS: usize = 512;

/// One action the simulation expects Nudge to take.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedAction {
    /// When the evaluation that takes it runs.
    pub at: DateTime<Utc>,
    /// The same moment in the account's timezone (with its UTC offset on that day).
    pub local_at: DateTime<FixedOffset>,
    /// What would be done.
    pub step: PlannedStep,
    /// The decision's reasons, exactly as `evaluate` gave them.
    pub reasons: Vec<Reason>,
}

/// What a planned action does: the decision's action, which is never `None` here. The JSON shape
/// is the decision's (`{"type": "send", …}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlannedStep {
    /// Email a reminder (stage, tone, recipient, invoices, step key).
    Send(Send<'static>),
    /// Create a task for a person.
    Task(Task),
    /// Ask a person to approve a final escalation.
    Approval(ProposedAction<'static>),
}

impl PlannedStep {
    /// The step's deterministic key (the one the object records before acting).
    pub fn step_key(&self) -> &str {
        match self {
            PlannedStep::Send(s) => &s.step_key,
            PlannedStep::Task(t) => &t.step_key,
            PlannedStep::Approval(a) => &a.step_key,
        }
    }

    /// The stage the step is recorded at (`review` for an approval, as `EscalationState::record`
    /// does).
    pub fn stage(&self) -> Stage {
        match self {
            PlannedStep::Send(s) => s.stage,
            PlannedStep::Task(t) => t.stage,
            PlannedStep::Approval(_) => Stage::Review,
        }
    }
}

/// The outcome of a preview.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Preview {
    /// At least one action falls inside the window.
    Planned {
        /// The actions in time order.
        actions: Vec<PlannedAction>,
        /// How far the simulation got: `until`, or earlier when [`MAX_EVALUATIONS`] stopped it.
        simulated_until: DateTime<Utc>,
    },
    /// Nothing happens inside the window.
    NothingPlanned {
        /// When the policy would look again after the last simulated evaluation.
        next_evaluation_at: DateTime<Utc>,
        /// The same moment in the account's timezone.
        next_evaluation_local: DateTime<FixedOffset>,
        /// Why nothing happens: the rule that held each simulated evaluation (promise, dispute,
        /// out of office, send window, cadence gap, awaiting approval…), each code once, in the
        /// order they were first met.
        why: Vec<Reason>,
        /// The last simulated decision's reasons in full.
        reasons: Vec<Reason>,
        /// How far the simulation got: `until`, or earlier when [`MAX_EVALUATIONS`] stopped it.
        simulated_until: DateTime<Utc>,
    },
}

impl Preview {
    /// The planned actions (empty when nothing is planned).
    pub fn actions(&self) -> &[PlannedAction] {
        match self {
            Preview::Planned { actions, .. } => actions,
            Preview::NothingPlanned { .. } => &[],
        }
    }

    /// How far the simulation got.
    pub fn simulated_until(&self) -> DateTime<Utc> {
        match self {
            Preview::Planned {
                simulated_until, ..
            }
            | Preview::NothingPlanned {
                simulated_until, ..
            } => *simulated_until,
        }
    }
}

/// Simulates what Nudge would do for this account from `from` until just before `until`, with
/// no side effects.
///
/// The first evaluation runs at `from` whatever `until` is (so an empty window yields at most the
/// immediate action); each later one runs at the previous decision's `next_evaluation_at` while
/// that is before `until`, at most [`MAX_EVALUATIONS`] in all. After each evaluation the
/// simulation does what the object does: `state.record(&decision, at)` (a step already recorded
/// is not planned again), the decision's `promise_updates` are stored on the promises, and a
/// proposed approval is added to the approvals as pending.
///
/// Assumes the world stands still apart from the clock: nobody pays, replies, disputes or
/// decides an approval in the window (pending approvals stay pending), no invoices arrive, no
/// contact bounces, the out-of-office date and the policy stay as they are. A promise is kept or
/// broken only as the policy assesses it by date — with no payments arriving, one whose date plus
/// grace passes is broken when a decision's `promise_updates` say so. Evaluations run exactly on
/// time (no late sweeps, no settling delays), and the object's delivery concerns (shadow-mode
/// drafts, outbox retries) are not modelled: a planned send is the step, not its delivery.
pub fn preview(
    snapshot: &AccountSnapshot,
    policy: &Policy,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Preview {
    let tz = snapshot.account.timezone;
    let mut sim = snapshot.clone();
    let mut actions: Vec<PlannedAction> = Vec::new();
    let mut why: Vec<Reason> = Vec::new();
    let mut last_reasons: Vec<Reason> = Vec::new();
    let mut last_next = from;
    let mut at = from;
    let mut simulated_until = until.max(from);
    let mut evaluations = 0;
    loop {
        if evaluations == MAX_EVALUATIONS {
            // Out of evaluations: everything before `at` was simulated, `at` itself was not.
            simulated_until = at;
            break;
        }
        evaluations += 1;
        // Owned, because the state it is recorded into lives in the same snapshot it borrows.
        let decision = evaluate(&sim, policy, at).into_owned();
        store_promise_updates(&mut sim, &decision);
        if sim.state.record(&decision, at) {
            if let Action::Approval(a) = &decision.action {
                let pending = pending_approval(&sim.account.id, a, at);
                sim.approvals.push(pending);
            }
            if let Some(step) = planned_step(&decision.action) {
                actions.push(PlannedAction {
                    at,
                    local_at: local(at, tz),
                    step,
                    reasons: decision.reasons.clone(),
                });
            }
        } else if matches!(decision.action, Action::None) {
            if let Some(hold) = hold_of(&decision.reasons) {
                if !why.iter().any(|r| r.code == hold.code) {
                    why.push(hold);
                }
            }
        }
        last_next = decision.next_evaluation_at;
        last_reasons = decision.reasons;
        if last_next >= until {
            break;
        }
        at = last_next;
    }
    if actions.is_empty() {
        Preview::NothingPlanned {
            next_evaluation_at: last_next,
            next_evaluation_local: local(last_next, tz),
            why,
            reasons: last_reasons,
            simulated_until,
        }
    } else {
        Preview::Planned {
            actions,
            simulated_until,
        }
    }
}

fn local(t: DateTime<Utc>, tz: Zone) -> DateTime<FixedOffset> {
    t.with_timezone(&tz).fixed_offset()
}

/// The decision's action as a planned step (`None` for no action).
fn planned_step(action: &Action<'static>) -> Option<PlannedStep> {
    match action {
        Action::None => None,
        Action::Send(s) => Some(PlannedStep::Send(s.clone())),
        Action::Task(t) => Some(PlannedStep::Task(t.clone())),
        Action::Approval(a) => Some(PlannedStep::Approval(a.clone())),
    }
}

/// Stores the promise statuses a decision settled, as the object writes them to the ledger: the
/// next evaluation must see a broken promise as broken, not assess it again.
fn store_promise_updates(sim: &mut AccountSnapshot, decision: &Decision<'_>) {
    for (id, status) in &decision.promise_updates {
        if let Some(p) = sim.promises.iter_mut().find(|p| &p.id == id) {
            p.status = *status;
        }
    }
}

/// The approval row the object creates for a proposed escalation, still pending (nobody decides
/// inside a preview).
fn pending_approval(account_id: &str, a: &ProposedAction<'_>, at: DateTime<Utc>) -> Approval {
    Approval {
        id: format!("preview:{}", a.step_key),
        account_id: account_id.to_string(),
        kind: a.kind.as_str().to_string(),
        step_key: a.step_key.clone(),
        invoice_ids: a.invoice_ids.iter().map(|i| i.to_string()).collect(),
        requested_at: at,
        status: ApprovalStatus::Pending,
        decided_at: None,
        decided_by: None,
        note: None,
    }
}

/// Codes of the rules that end an evaluation with no action.
const HOLDS: [ReasonCode; 13] = [
    ReasonCode::DunningDisabled,
    ReasonCode::NothingOverdue,
    ReasonCode::AllOverdueDisputed,
    ReasonCode::AllOverduePromised,
    ReasonCode::BelowFirstStep,
    ReasonCode::AwaitingApproval,
    ReasonCode::ApprovalGranted,
    ReasonCode::ApprovalRejected,
    ReasonCode::AwaitingOwner,
    ReasonCode::StageTouchesExhausted,
    ReasonCode::CadenceGap,
    ReasonCode::OutOfOffice,
    ReasonCode::OutsideSendWindow,
];

/// The rule that held a no-action decision. `evaluate` returns right after the gate that stops
/// it, so that gate is the last holding reason in the list.
fn hold_of(reasons: &[Reason]) -> Option<Reason> {
    let hold = *reasons.iter().rev().find(|r| HOLDS.contains(&r.code))?;
    if hold.code == ReasonCode::NothingOverdue {
        // "Nothing overdue" while past-due invoices rest after a rejected dispute or wait for the
        // billing system's retries: those say better why nobody is written to.
        let specific = reasons.iter().find(|r| {
            matches!(
                r.code,
                ReasonCode::DisputeRejectedGrace | ReasonCode::AutoCollectionPending
            )
        });
        if let Some(r) = specific {
            return Some(*r);
        }
    }
    Some(hold)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hold_is_the_last_gate_and_a_resting_invoice_beats_nothing_overdue() {
        let r = |c| Reason::new(c);
        let reasons = [
            r(ReasonCode::OldestOverdue),
            r(ReasonCode::OverdueInvoices),
            r(ReasonCode::OverdueShare),
            r(ReasonCode::CadenceGap),
        ];
        assert_eq!(
            hold_of(&reasons).map(|h| h.code),
            Some(ReasonCode::CadenceGap)
        );
        let reasons = [
            Reason::with_figure(ReasonCode::DisputeRejectedGrace, 1),
            r(ReasonCode::NothingOverdue),
        ];
        assert_eq!(
            hold_of(&reasons),
            Some(Reason::with_figure(ReasonCode::DisputeRejectedGrace, 1))
        );
        assert_eq!(hold_of(&[r(ReasonCode::Send)]), None);
    }
}
