//! Acting on a decision, as D1 statements for the evaluation's one batch: the message row, the
//! draft approval of shadow mode, a task for a person, an approval for a final escalation, a
//! delivery's outcome and the account's new stage. Each action row is unique per
//! `(account_id, step_key)` and written with insert-or-ignore, so writing the same step twice
//! (a retry, a race) changes nothing. The SQL itself lives in `store/`.

use chrono::{DateTime, Utc};
use nudge_core::ledger::AccountBook;
use nudge_policy::{Decision, ProposedAction, Send, Task};
use serde_json::{json, Value};
use worker::D1PreparedStatement;

use super::escalation::OutboxItem;
use crate::outbound::compose::Composed;
use crate::store::book::enum_text;
use crate::store::outbound::{self, NewMessage};
use crate::store::tasks::{self, NewTask};
use crate::store::{self, approvals, Db, Result};

/// The `outbound_messages` row of a composed message with `status` (`pending`, `draft`).
pub fn message_row(
    db: &Db,
    account_id: &str,
    c: &Composed,
    status: &str,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    outbound::insert(
        db,
        &NewMessage {
            account_id,
            message_id: &c.message_id,
            step_key: &c.step_key,
            kind: &c.kind,
            to: &c.to,
            subject: &c.subject,
            status,
        },
        now,
    )
}

/// A delivered (or failed) outbox item: its row, then its outcome.
pub fn delivery_rows(
    db: &Db,
    account_id: &str,
    item: &OutboxItem,
    now: DateTime<Utc>,
) -> Result<Vec<D1PreparedStatement>> {
    let sent_at = item.sent_at.unwrap_or(now);
    Ok(vec![
        outbound::insert(
            db,
            &NewMessage {
                account_id,
                message_id: &item.message_id,
                step_key: &item.step_key,
                kind: &item.kind,
                to: &item.to,
                subject: &item.subject,
                status: "pending",
            },
            now,
        )?,
        // The row's attempts are set, not added: the item carries the total so far.
        store::outbound::delivery(
            db,
            account_id,
            &item.step_key,
            item.sent_at.is_some(),
            outbound::Attempts::Total(item.attempts),
            item.last_error.as_deref(),
            if item.sent_at.is_some() { sent_at } else { now },
        )?,
    ])
}

/// Shadow mode: the message waits in `approvals` (kind `draft_email`) with the whole rendered
/// message as its payload.
pub fn draft_approval(
    db: &Db,
    account_id: &str,
    c: &Composed,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let payload = json!({
        "message_id": c.message_id,
        "to": c.to,
        "subject": c.subject,
        "summary": c.summary,
        "kind": c.kind,
        "stage": c.stage,
        "text": c.text,
        "raw": c.raw,
    });
    approvals::insert(
        db,
        account_id,
        "draft_email",
        &c.step_key,
        &format!("Draft {}: {}", c.kind.replace('_', " "), c.summary),
        &payload,
        now,
    )
}

/// A task for a person (find a contact, the owner steps in for a capped account).
pub fn task_row(
    db: &Db,
    account_id: &str,
    task: &Task,
    decision: &Decision<'_>,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let context = json!({
        "stage": task.stage,
        "decision_stage": decision.stage,
        "reasons": decision.reasons,
        "metrics": decision.metrics,
    })
    .to_string();
    tasks::insert(
        db,
        &NewTask {
            account_id: Some(account_id),
            kind: &enum_text(&task.kind),
            assignee: task.assignee.as_deref(),
            summary: &task.summary,
            step_key: Some(&task.step_key),
            context: &context,
        },
        now,
    )
}

/// A reminder that could not be built becomes one task per step.
pub fn compose_failed_task(
    db: &Db,
    account_id: &str,
    book: &AccountBook,
    send: &Send,
    error: &str,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let summary = format!(
        "The {} reminder to {} could not be built: {error}",
        enum_text(&send.stage),
        send.to
    );
    let step = format!("compose_failed:{}", send.step_key);
    let context = json!({"error": error, "to": send.to}).to_string();
    tasks::insert(
        db,
        &NewTask {
            account_id: Some(account_id),
            kind: "reminder_failed",
            assignee: book.account.owner.as_deref(),
            summary: &summary,
            step_key: Some(&step),
            context: &context,
        },
        now,
    )
}

/// A final escalation (agency referral, credit hold, payment plan, legal notice) waiting for a
/// person's approval. Never carried out by Nudge itself.
pub fn approval_row(
    db: &Db,
    account_id: &str,
    proposed: &ProposedAction<'_>,
    decision: &Decision<'_>,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let payload = json!({
        "kind": proposed.kind,
        "invoice_ids": proposed.invoice_ids,
        "assignee": proposed.assignee,
        "summary": proposed.summary,
        "stage": decision.stage,
        "reasons": decision.reasons,
        "metrics": decision.metrics,
    });
    approvals::insert(
        db,
        account_id,
        &enum_text(&proposed.kind),
        &proposed.step_key,
        &proposed.summary,
        &payload,
        now,
    )
}

/// The account's stage, next evaluation and last decision.
pub fn account_update(
    db: &Db,
    account_id: &str,
    stage: &str,
    next: DateTime<Utc>,
    decision: &Value,
) -> Result<D1PreparedStatement> {
    store::sweeps::account_decided(db, account_id, stage, next, decision)
}
