//! `Command::Inbound`: act on a customer's message threaded to this account (issue 5).
//!
//! Loads the stored, classified message and the account's book, asks the pure planner
//! ([`crate::inbound::acting::plan`]) what to do, and writes everything in ONE D1 batch: the
//! book's diff, event-log rows, tasks, approvals, the out-of-office date, the reply's
//! `outbound_messages` row (status `sending`) and the message's final status and action.
//! Sending the reply and forwarding happen in the email handler, which holds the live message;
//! this object only answers what to send and whether to forward.

use nudge_inbound::Classification;
use serde_json::{json, Value};

use super::{AccountCtx, InboundCommand};
use crate::http::error::ApiError;
use crate::inbound::acting::{self, Inbound, Plan};
use crate::inbound::reply::{self, Parsed, Sender};
use crate::inbound::threading;
use crate::store::{self, stmt, ts, P};
use crate::{ids, logging};

/// A customer Message-ID containing this marker makes the object's batch fail on a real D1
/// constraint when `TEST_CLOCKS` is on: the e2e proof that a processing failure changes nothing,
/// leaves a dead letter and forwards the message. Never active in production.
const TEST_FAILURE_MARKER: &str = "__fail_batch__";

#[derive(serde::Deserialize)]
struct MessageRow {
    id: String,
    envelope_from: String,
    classification: Option<String>,
    parsed: Option<String>,
    status: String,
    action: Option<String>,
    summary: Option<String>,
    processed_at: Option<String>,
}

#[derive(serde::Deserialize)]
struct AccountExtras {
    reply_token: String,
}

#[derive(serde::Deserialize)]
struct Count {
    n: i64,
}

/// Acts on the stored, classified message.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: InboundCommand) -> Result<Value, ApiError> {
    let db = &ctx.db;
    let row: MessageRow = stmt(
        db,
        "SELECT id, envelope_from, classification, parsed, status, action, summary, processed_at
         FROM inbound_messages WHERE id = ?1",
        &[(&cmd.message_id).into()],
    )?
    .first(None)
    .await?
    .ok_or_else(|| ApiError::BadRequest(format!("message_id: {} not found", cmd.message_id)))?;
    if row.processed_at.is_some() {
        // Already acted on (a retried command): answer what was done, do nothing twice.
        return Ok(json!({
            "message_id": row.id, "status": row.status, "action": row.action,
            "summary": row.summary, "forward": false, "reply": null, "repeated": true,
        }));
    }
    let classification: Classification = row
        .classification
        .as_deref()
        .and_then(|c| serde_json::from_str(c).ok())
        .ok_or_else(|| ApiError::Internal(format!("message {} is not classified", row.id)))?;
    let parsed: Parsed = row
        .parsed
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let mut book = store::book::load(db, &ctx.account_id)
        .await?
        .ok_or_else(|| ApiError::Internal(format!("account {} not found", ctx.account_id)))?;
    let extras: AccountExtras = stmt(
        db,
        "SELECT reply_token FROM accounts WHERE id = ?1",
        &[(&ctx.account_id).into()],
    )?
    .first(None)
    .await?
    .ok_or_else(|| ApiError::Internal(format!("account {} not found", ctx.account_id)))?;
    let since = ts(ctx.now - chrono::Duration::hours(24));
    let replies_today = stmt(
        db,
        "SELECT COUNT(*) AS n FROM outbound_messages
         WHERE account_id = ?1 AND step_key LIKE 'reply:%' AND status != 'failed' AND created_at >= ?2",
        &[(&ctx.account_id).into(), since.into()],
    )?
    .first::<Count>(None)
    .await?
    .map_or(0, |c| c.n.max(0) as u32);

    let sender = parsed
        .from
        .clone()
        .unwrap_or_else(|| row.envelope_from.to_ascii_lowercase());
    let own = [
        ctx.config.from_address.as_str(),
        ctx.config.inbound_address.as_str(),
    ];
    let before = book.clone();
    let plan = acting::plan(
        &mut book,
        &Inbound {
            id: &row.id,
            sender: &sender,
            sender_name: parsed.from_name.as_deref(),
            classification: &classification,
            now: ctx.now,
            company_name: &ctx.config.company_name,
            replies_today,
            sender_is_own: threading::is_own_address(&sender, &own),
            remittance_attached: parsed
                .attachments
                .iter()
                .any(|a| a["looks_like_remittance"] == true),
        },
    );

    let mut plan = plan;
    let built = match plan.reply.as_ref() {
        Some(message) => {
            let from = Sender {
                company_name: &ctx.config.company_name,
                from_address: &ctx.config.from_address,
                inbound_address: &ctx.config.inbound_address,
                reply_token: &extras.reply_token,
            };
            match reply::build(
                message,
                &parsed,
                &sender,
                &ctx.account_id,
                &row.id,
                &from,
                ctx.now,
            ) {
                Ok(r) => Some(r),
                Err(e) => {
                    logging::error(
                        "inbound.reply_build_failed",
                        json!({"message_id": row.id, "error": e}),
                    );
                    plan.action = format!("{}; reply_failed", plan.action);
                    plan.status = acting::Status::NeedsHuman;
                    plan.forward = true;
                    None
                }
            }
        }
        None => None,
    };

    let mut statements = store::book::save_statements(
        db,
        &book,
        &book.diff_since(&before),
        &extras.reply_token,
        ctx.now,
    )?;
    statements.extend(plan_statements(ctx, &row.id, &plan, built.as_ref())?);
    if ctx.config.test_clocks
        && parsed
            .message_id
            .as_deref()
            .is_some_and(|id| id.contains(TEST_FAILURE_MARKER))
    {
        // The same primary key twice: D1 rolls the whole batch back.
        for _ in 0..2 {
            statements.push(stmt(
                db,
                "INSERT INTO tasks (id, kind, summary, created_at) VALUES (?1, 'test', 'test', ?2)",
                &[
                    format!("test-failure:{}", row.id).into(),
                    ts(ctx.now).into(),
                ],
            )?);
        }
    }
    db.batch(statements).await.map_err(|e| {
        ApiError::Internal(format!(
            "inbound batch for {} failed, nothing applied: {e}",
            row.id
        ))
    })?;

    logging::info(
        "inbound.acted",
        json!({"message_id": row.id, "account_id": ctx.account_id, "action": plan.action,
               "status": plan.status.as_str(), "reply": built.as_ref().map(|b| &b.kind)}),
    );
    Ok(json!({
        "message_id": row.id,
        "status": plan.status.as_str(),
        "action": plan.action,
        "summary": plan.summary,
        "forward": plan.forward,
        "reply": built,
    }))
}

/// Everything but the book diff: events, tasks, approvals, out-of-office, the reply's outbound
/// row and the message's final state.
fn plan_statements(
    ctx: &AccountCtx<'_>,
    message_id: &str,
    plan: &Plan,
    built: Option<&reply::BuiltReply>,
) -> Result<Vec<worker::D1PreparedStatement>, ApiError> {
    let db = &ctx.db;
    let now = ctx.now;
    let account_id = ctx.account_id.as_str();
    let mut out = Vec::new();
    let cause = format!("email:{message_id}");
    for e in &plan.events {
        let event = nudge_core::event_log::LedgerEvent::new(now, e.kind, &cause, e.data.clone())
            .map_err(|err| ApiError::Internal(err.to_string()))?;
        out.push(store::book::event_statement(db, account_id, &event)?);
    }
    for t in &plan.tasks {
        out.push(stmt(
            db,
            "INSERT INTO tasks (id, account_id, kind, status, summary, context, created_at)
             VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6)",
            &[
                ids::new_id("task", now).into(),
                account_id.into(),
                t.kind.into(),
                (&t.summary).into(),
                t.context.to_string().into(),
                ts(now).into(),
            ],
        )?);
    }
    for a in &plan.approvals {
        out.push(stmt(
            db,
            "INSERT INTO approvals (id, account_id, kind, status, step_key, summary, payload, created_at)
             VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7)
             ON CONFLICT (account_id, step_key) DO NOTHING",
            &[
                ids::new_id("appr", now).into(),
                account_id.into(),
                a.kind.into(),
                format!("inbound:{message_id}").into(),
                (&a.summary).into(),
                a.payload.to_string().into(),
                ts(now).into(),
            ],
        )?);
    }
    if let Some(d) = plan.out_of_office_until {
        out.push(stmt(
            db,
            "UPDATE accounts SET out_of_office_until = ?2, updated_at = ?3 WHERE id = ?1",
            &[account_id.into(), d.into(), ts(now).into()],
        )?);
    }
    if let Some(r) = built {
        out.push(stmt(
            db,
            "INSERT INTO outbound_messages (id, account_id, message_id, step_key, kind, to_addr,
                 subject, status, attempts, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'sending', 0, ?8)
             ON CONFLICT (account_id, step_key) DO NOTHING",
            &[
                ids::new_id("out", now).into(),
                account_id.into(),
                (&r.message_id).into(),
                (&r.step_key).into(),
                (&r.kind).into(),
                (&r.to).into(),
                (&r.subject).into(),
                ts(now).into(),
            ],
        )?);
    }
    out.push(stmt(
        db,
        "UPDATE inbound_messages SET status = ?2, action = ?3, summary = ?4, processed_at = ?5
         WHERE id = ?1",
        &[
            message_id.into(),
            plan.status.as_str().into(),
            (&plan.action).into(),
            (&plan.summary).into(),
            P::Text(ts(now)),
        ],
    )?);
    Ok(out)
}
