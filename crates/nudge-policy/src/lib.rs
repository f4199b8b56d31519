//! Nudge's customer-level escalation policy.
//!
//! [`evaluate`] looks at one account — its invoices, payments, promises, disputes, contacts and
//! the touches made so far ([`EscalationState`]) — and decides, deterministically and with
//! reasons, the one thing to do now ([`Action`]) and when to look again. The policy itself is
//! data ([`Policy`], serde, validated with errors naming the field) with sensible defaults, and
//! can be overridden per account ([`PolicyOverrides`]).
//!
//! [`preview()`] runs `evaluate` forward over a window, on a copy of the snapshot, to show what
//! Nudge would do in the coming days; [`worklist`] says which accounts need a person and ranks
//! them by value at risk, per currency.
//!
//! Pure Rust: no I/O, no clock (`now` is an argument), no `worker::*`.
//!
//! # How an account's Durable Object uses it
//! 1. Build an [`AccountSnapshot`] from the ledger and the stored [`EscalationState`].
//! 2. `let decision = evaluate(&snapshot, &policy, now).into_owned();` (the decision borrows
//!    addresses and invoice ids from the snapshot; `into_owned` detaches it).
//! 3. `if state.record(&decision, now) { persist state, then carry out decision.action }` —
//!    `record` refuses a step key it has already seen, so a retry never sends twice. Call it
//!    (and persist) even when the action is `None`: it also stores the paused stage.
//! 4. Store `decision.promise_updates` on the promises, log `decision.reasons`, and set the
//!    alarm at `decision.next_evaluation_at` (always after `now`). Re-evaluate early whenever the
//!    ledger changes (payment, reply, dispute): the decision depends only on the state.

pub mod contact;
pub mod decision;
mod evaluate;
pub mod late_charges;
pub mod overrides;
mod picture;
pub mod policy;
mod prefetch;
pub mod preview;
pub mod reason;
pub mod snapshot;
pub mod stage;
mod stage_rules;
pub mod state;
mod window;
pub mod worklist;

pub use contact::{choose_contact, ContactPurpose};
pub use decision::{
    Action, Decision, Exposure, LateCharge, Metrics, ProposedAction, ProposedActionKind, Send,
    Task, TaskKind,
};
pub use evaluate::evaluate;
pub use overrides::{PolicyOverrides, StageDays};
pub use policy::{Policy, PolicyError};
pub use preview::{preview, PlannedAction, PlannedStep, Preview};
pub use reason::{Reason, ReasonCode};
pub use snapshot::AccountSnapshot;
pub use stage::{Stage, Tone};
pub use state::{EscalationState, Touch, TouchKind};
