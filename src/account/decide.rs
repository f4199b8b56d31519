//! `Command::Decide`: a person approves or rejects one of the account's approvals, once.
//!
//! An approved draft (shadow mode) is delivered through the object's outbox and mailer, like
//! any reminder, and its row records the outcome; if it cannot be sent it stays pending for the
//! next approval. An approved final escalation becomes a task for the person who carries it out
//! (Nudge never does it itself). A decided escalation steers the policy's review stage, so the
//! account is due for evaluation again.

use serde_json::json;

use super::escalation::{self, OutboxItem};
use super::evaluate::deliver_outbox;
use super::{act, AccountCtx, AccountError, DecideApproval, Decided};
use crate::clock;
use crate::store::tasks::{self, NewTask};
use crate::store::{approvals, outbound, settings, sweeps};

/// Decides the approval (it must belong to this account and still be pending).
pub async fn handle(ctx: &AccountCtx<'_>, cmd: DecideApproval) -> Result<Decided, AccountError> {
    let db = &ctx.db;
    let row = approvals::get(db, &cmd.approval_id)
        .await?
        .filter(|r| r.account_id == ctx.account_id.as_str())
        .ok_or_else(|| AccountError::NotFound(format!("approval {}", cmd.approval_id)))?;
    if row.status != "pending" {
        return Err(AccountError::Conflict(format!(
            "approval {} is already {}",
            row.id, row.status
        )));
    }
    let now = clock::now_from(
        &settings::load(db, &[settings::TEST_CLOCK_KEY]).await?,
        &ctx.config,
    );
    let status = if cmd.approve { "approved" } else { "rejected" };
    let payload = row.payload();
    let mut decided = Decided {
        id: row.id.clone(),
        status: status.to_string(),
        kind: row.kind.clone(),
        sent: None,
        task_step_key: None,
    };
    let decide = || approvals::decide(db, &row.id, status, &cmd.by, cmd.note.as_deref(), now);
    let is_draft = row.kind == "draft_email";

    if is_draft && cmd.approve {
        let storage = ctx.state.storage();
        let mut memory = escalation::load(&storage).await?;
        if !memory.outbox.iter().any(|i| i.step_key == row.step_key) {
            memory.outbox.push(OutboxItem {
                step_key: row.step_key.clone(),
                message_id: payload["message_id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                to: payload["to"].as_str().unwrap_or_default().to_string(),
                raw: payload["raw"].as_str().unwrap_or_default().to_string(),
                attempts: 0,
                last_error: None,
                claimed_until_ms: None,
                kind: payload["kind"].as_str().unwrap_or("reminder").to_string(),
                subject: payload["subject"].as_str().unwrap_or_default().to_string(),
                sent_at: None,
            });
            escalation::save(&storage, &memory).await?;
        }
        let delivered = deliver_outbox(ctx, now).await?;
        let mut statements = Vec::new();
        for item in &delivered {
            statements.extend(act::delivery_rows(db, ctx.account_id.as_str(), item, now)?);
        }
        let draft = delivered.iter().find(|i| i.step_key == row.step_key);
        let sent = draft.is_some_and(|d| d.sent_at.is_some());
        if sent {
            statements.push(decide()?);
        }
        db.batch(statements).await?;
        // Recorded: delivered items leave the outbox; a draft that failed waits for the next
        // approval rather than being retried behind the person's back.
        let mut memory = escalation::load(&storage).await?;
        memory.outbox.retain(|i| {
            !delivered.iter().any(|d| {
                d.step_key == i.step_key && (d.sent_at.is_some() || d.step_key == row.step_key)
            })
        });
        escalation::save(&storage, &memory).await?;
        if !sent {
            let error = draft.and_then(|d| d.last_error.clone()).unwrap_or_default();
            return Err(AccountError::Runtime(format!(
                "sending the approved draft failed ({error}); it is pending again"
            )));
        }
        crate::logging::info(
            "outbound.sent",
            json!({"account_id": ctx.account_id, "step_key": row.step_key,
                   "approval_id": row.id, "message_id": payload["message_id"]}),
        );
        decided.sent = Some(true);
        return Ok(decided);
    }

    let mut statements = vec![decide()?];
    if is_draft {
        statements.push(outbound::reject_draft(
            db,
            ctx.account_id.as_str(),
            &row.step_key,
        )?);
    } else {
        // The decision steers the policy's review stage: evaluate the account at the next sweep.
        statements.push(sweeps::account_due(db, ctx.account_id.as_str(), None)?);
    }
    if cmd.approve {
        // A final escalation is carried out by a person: they get the task.
        let summary = format!(
            "Carry out the approved {}: {}",
            row.kind.replace('_', " "),
            row.summary
        );
        let step = format!("approved:{}", row.step_key);
        let context =
            json!({"approval_id": row.id, "payload": payload, "note": cmd.note}).to_string();
        let kind = format!("approved_{}", row.kind);
        statements.push(tasks::insert(
            db,
            &NewTask {
                account_id: Some(ctx.account_id.as_str()),
                kind: &kind,
                assignee: payload["assignee"].as_str(),
                summary: &summary,
                step_key: Some(&step),
                context: &context,
            },
            now,
        )?);
        decided.task_step_key = Some(step);
    }
    db.batch(statements).await?;
    Ok(decided)
}
