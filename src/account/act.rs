//! Acting on a decision, as D1 statements: the outbound message row, the draft approval of
//! shadow mode, a task for a person, an approval for a final escalation. Each row is unique per
//! `(account_id, step_key)` and written with `INSERT OR IGNORE`, so writing the same step twice
//! (a retry, a race) changes nothing.

use chrono::{DateTime, Utc};
use nudge_policy::{Decision, ProposedAction, Task};
use serde_json::json;
use worker::{D1Database, D1PreparedStatement};

use crate::ids;
use crate::outbound::compose::Composed;
use crate::store::book::enum_text;
use crate::store::{stmt, ts, P};

/// The `outbound_messages` row of a composed message with `status` (`pending`, `draft`).
pub fn outbound_row(
    db: &D1Database,
    account_id: &str,
    c: &Composed,
    status: &str,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT OR IGNORE INTO outbound_messages
             (id, account_id, message_id, step_key, kind, to_addr, subject, status, attempts, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
        &[
            ids::new_id("out", now).into(),
            account_id.into(),
            (&c.message_id).into(),
            (&c.step_key).into(),
            (&c.kind).into(),
            (&c.to).into(),
            (&c.subject).into(),
            status.into(),
            P::Text(ts(now)),
        ],
    )
}

/// Shadow mode: the message waits in `approvals` (kind `draft_email`) with the whole rendered
/// message as its payload.
pub fn draft_approval(
    db: &D1Database,
    account_id: &str,
    c: &Composed,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
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
    stmt(
        db,
        "INSERT OR IGNORE INTO approvals (id, account_id, kind, status, step_key, summary, payload, created_at)
         VALUES (?1, ?2, 'draft_email', 'pending', ?3, ?4, ?5, ?6)",
        &[
            ids::new_id("apr", now).into(),
            account_id.into(),
            (&c.step_key).into(),
            format!("Draft {}: {}", c.kind.replace('_', " "), c.summary).into(),
            payload.to_string().into(),
            P::Text(ts(now)),
        ],
    )
}

/// A task for a person (find a contact, the owner steps in for a capped account).
pub fn task_row(
    db: &D1Database,
    account_id: &str,
    task: &Task,
    decision: &Decision<'_>,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
    let context = json!({
        "stage": task.stage,
        "decision_stage": decision.stage,
        "reasons": decision.reasons,
        "metrics": decision.metrics,
    });
    insert_task(
        db,
        account_id,
        &enum_text(&task.kind),
        task.assignee.as_deref(),
        &task.summary,
        &task.step_key,
        &context.to_string(),
        now,
    )
}

/// Inserts one task, unique per `(account_id, step_key)`.
#[allow(clippy::too_many_arguments)]
pub fn insert_task(
    db: &D1Database,
    account_id: &str,
    kind: &str,
    assignee: Option<&str>,
    summary: &str,
    step_key: &str,
    context: &str,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT OR IGNORE INTO tasks (id, account_id, kind, status, assignee, summary, step_key, context, created_at)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8)",
        &[
            ids::new_id("task", now).into(),
            account_id.into(),
            kind.into(),
            assignee.into(),
            summary.into(),
            step_key.into(),
            context.into(),
            P::Text(ts(now)),
        ],
    )
}

/// A final escalation (agency referral, credit hold, payment plan, legal notice) waiting for a
/// person's approval. Never carried out by Nudge itself.
pub fn approval_row(
    db: &D1Database,
    account_id: &str,
    proposed: &ProposedAction<'_>,
    decision: &Decision<'_>,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
    let payload = json!({
        "kind": proposed.kind,
        "invoice_ids": proposed.invoice_ids,
        "assignee": proposed.assignee,
        "summary": proposed.summary,
        "stage": decision.stage,
        "reasons": decision.reasons,
        "metrics": decision.metrics,
    });
    stmt(
        db,
        "INSERT OR IGNORE INTO approvals (id, account_id, kind, status, step_key, summary, payload, created_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7)",
        &[
            ids::new_id("apr", now).into(),
            account_id.into(),
            enum_text(&proposed.kind).into(),
            (&proposed.step_key).into(),
            (&proposed.summary).into(),
            payload.to_string().into(),
            P::Text(ts(now)),
        ],
    )
}

/// Records a delivery attempt's outcome on the message's row.
pub fn delivery_update(
    db: &D1Database,
    account_id: &str,
    step_key: &str,
    sent: bool,
    attempts: u32,
    last_error: Option<&str>,
    now: DateTime<Utc>,
) -> worker::Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE outbound_messages SET status = ?3, attempts = attempts + ?4, last_error = ?5,
             sent_at = CASE WHEN ?3 = 'sent' THEN ?6 ELSE sent_at END
         WHERE account_id = ?1 AND step_key = ?2",
        &[
            account_id.into(),
            step_key.into(),
            if sent { "sent" } else { "failed" }.into(),
            i64::from(attempts).into(),
            last_error.into(),
            P::Text(ts(now)),
        ],
    )
}
