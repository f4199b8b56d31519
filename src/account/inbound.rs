//! `Command::Inbound`: act on a customer's message threaded to this account.
//!
//! Loads the account's record (with the day's reply count and what was done with the message so
//! far) in one round trip, asks the pure planner ([`crate::inbound::acting::plan`]) what to do,
//! and writes everything in ONE D1 batch: how the message was understood, the book's diff,
//! event-log rows, tasks, approvals, the out-of-office date, the reply's `outbound_messages`
//! row and the message's final status. Then the reply goes out through the one mailer and its
//! row records the outcome. Forwarding the original to a person needs the live message, so the
//! email handler does that when the answer says so. A change to the book settles the account
//! (its alarm evaluates it); nothing is sent to the customer here but the reply.

use nudge_billing::apply::Applied;
use nudge_billing::remittance;
use nudge_inbound::Kind;
use serde_json::json;

use super::{settle, AccountCtx, AccountError, InboundAnswer, InboundCommand};
use crate::address::EmailAddress;
use crate::clock;
use crate::inbound::acting::{self, Inbound, Plan};
use crate::inbound::reply::{self, BuiltReply, Sender};
use crate::inbound::threading;
use crate::logging;
use crate::outbound::mailer::Mailer;
use crate::store::inbound::{self as messages, Understood};
use crate::store::outbound::{self, NewMessage};
use crate::store::record::{self, Want};
use crate::store::tasks::{self, NewTask};
use crate::store::{self, approvals, ledger, Db};

/// A customer Message-ID containing this marker makes the object's batch fail on a real D1
/// constraint when `TEST_CLOCKS` is on: the e2e proof that a processing failure changes nothing,
/// leaves a dead letter and forwards the message. Never active in production.
const TEST_FAILURE_MARKER: &str = "__fail_batch__";

/// The kind's stored name.
pub fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Human => "human",
        Kind::AutoReply => "auto_reply",
        Kind::Bounce => "bounce",
    }
}

/// Acts on the stored, classified message.
pub async fn handle(
    ctx: &AccountCtx<'_>,
    cmd: InboundCommand,
) -> Result<InboundAnswer, AccountError> {
    let db = &ctx.db;
    let wall_now = clock::wall();
    let record = record::load(
        db,
        ctx.account_id.as_str(),
        &Want {
            replies_since: Some(wall_now - chrono::Duration::hours(24)),
            inbound_message: Some(&cmd.message_id),
            ..Want::default()
        },
    )
    .await?;
    let now = clock::now_from(&record.settings, &ctx.config);
    let Some(seen) = record.extras.inbound.as_ref() else {
        return Err(AccountError::NotFound(format!(
            "message {}",
            cmd.message_id
        )));
    };
    if seen.processed_at.is_some() {
        // Already acted on (a retried command): answer what was done, do nothing twice.
        return Ok(InboundAnswer {
            message_id: cmd.message_id,
            status: seen.status.clone(),
            action: seen.action.clone().unwrap_or_default(),
            summary: seen.summary.clone().unwrap_or_default(),
            forward: false,
            replied: None,
            repeated: true,
        });
    }
    let Some(before) = record.book.clone() else {
        return Err(AccountError::NotFound(format!(
            "account {}",
            ctx.account_id
        )));
    };
    // The per-day cap counts in the clock replies are stamped with.
    let replies_today = if ctx.config.test_clocks {
        count_replies_since(db, ctx.account_id.as_str(), now).await?
    } else {
        record.extras.replies_since
    };
    let sender = cmd
        .sender
        .as_ref()
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    let own: Vec<EmailAddress> = [&ctx.config.from_address, &ctx.config.inbound_address]
        .into_iter()
        .filter_map(|a| EmailAddress::parse(a).ok())
        .collect();
    let mut book = before.clone();
    // A remittance advice in the message applies the waiting payment it explains first, so the
    // plan (and the reply) see the invoices as paid.
    let cause = format!("email:{}", cmd.message_id);
    let mut cash = Applied {
        queued: record.extras.queued_payments.clone(),
        ..Applied::default()
    };
    let remitted = match cmd.classification.kind {
        Kind::Human => remittance::apply_advice(
            &mut book,
            &advice_lines(&cmd.classification),
            &cause,
            now,
            &mut cash,
        ),
        _ => None,
    };
    let mut plan = acting::plan(
        &mut book,
        &Inbound {
            id: &cmd.message_id,
            sender: &sender,
            sender_name: cmd.parsed.from_name.as_deref(),
            classification: &cmd.classification,
            now,
            company_name: &ctx.config.company_name,
            replies_today,
            sender_is_own: cmd
                .sender
                .as_ref()
                .is_some_and(|a| threading::is_own_address(a, &own)),
            remittance_attached: cmd
                .parsed
                .attachments
                .iter()
                .any(|a| a["looks_like_remittance"] == true),
        },
    );
    if remitted.is_none() {
        remittance_for_person(&mut plan, &cmd.classification, &cmd.message_id);
    }
    let from = Sender {
        company_name: &ctx.config.company_name,
        from_address: &ctx.config.from_address,
        inbound_address: &ctx.config.inbound_address,
        reply_token: &record.extras.reply_token,
    };
    let built = match plan.reply.as_ref() {
        Some(message) => match reply::build(
            message,
            &cmd.parsed,
            &sender,
            ctx.account_id.as_str(),
            &cmd.message_id,
            &from,
            now,
        ) {
            Ok(r) => Some(r),
            Err(e) => {
                logging::error(
                    "inbound.reply_build_failed",
                    json!({"message_id": cmd.message_id, "error": e}),
                );
                needs_person(&mut plan, "reply_failed");
                None
            }
        },
        None => None,
    };

    let classification = serde_json::to_string(&cmd.classification)
        .map_err(|e| AccountError::Runtime(format!("classification: {e}")))?;
    let parsed = serde_json::to_string(&cmd.parsed)
        .map_err(|e| AccountError::Runtime(format!("parsed: {e}")))?;
    let mut statements = vec![messages::understood(
        db,
        &cmd.message_id,
        &Understood {
            account_id: Some(ctx.account_id.as_str()),
            matched_by: Some(&cmd.matched_by),
            kind: kind_name(cmd.classification.kind),
            classification: &classification,
            parsed: &parsed,
        },
    )?];
    let diff = book.diff_since(&before);
    let book_changed = !diff.is_empty();
    statements.extend(store::book::save_statements(
        db,
        &book,
        &diff,
        &record.extras.reply_token,
        now,
    )?);
    statements.extend(ledger::queue_and_events(
        db,
        ctx.account_id.as_str(),
        &cash,
    )?);
    statements.extend(plan_statements(
        ctx,
        &cmd.message_id,
        &plan,
        built.as_ref(),
        now,
    )?);
    if ctx.config.test_clocks
        && cmd
            .parsed
            .message_id
            .as_deref()
            .is_some_and(|id| id.contains(TEST_FAILURE_MARKER))
    {
        // The same primary key twice: D1 rolls the whole batch back.
        for _ in 0..2 {
            statements.push(tasks::insert_with_id(
                db,
                &format!("test-failure:{}", cmd.message_id),
                now,
            )?);
        }
    }
    db.batch(statements).await.map_err(|e| {
        AccountError::Store(format!(
            "inbound batch for {} failed, nothing applied: {e}",
            cmd.message_id
        ))
    })?;

    let mut replied = None;
    if let Some(r) = &built {
        if send_reply(ctx, r, now).await? {
            replied = Some(r.kind.clone());
        } else {
            // The customer is still owed an answer: a person takes over.
            plan.forward = true;
            plan.summary = format!("Automatic reply failed ({}): {}", r.kind, plan.summary);
        }
    }
    if book_changed || plan.out_of_office_until.is_some() {
        settle::changed(ctx, now).await?;
    }
    logging::info(
        "inbound.acted",
        json!({"message_id": cmd.message_id, "account_id": ctx.account_id, "action": plan.action,
               "status": plan.status.as_str(), "reply": replied}),
    );
    Ok(InboundAnswer {
        message_id: cmd.message_id,
        status: plan.status.as_str().to_string(),
        action: plan.action,
        summary: plan.summary,
        forward: plan.forward,
        replied,
        repeated: false,
    })
}

/// The classification's remittance lines as cash application reads them.
fn advice_lines(c: &nudge_inbound::Classification) -> Vec<remittance::AdviceLine> {
    c.remittance
        .iter()
        .map(|l| remittance::AdviceLine {
            invoice: l.invoice.clone(),
            amount: l.amount,
        })
        .collect()
}

/// A remittance advice no waiting payment fits yet: its lines go with the plan's tasks, and
/// when the plan opens none, into a `match_remittance` task, so the operator sees them.
fn remittance_for_person(plan: &mut Plan, c: &nudge_inbound::Classification, message_id: &str) {
    if c.kind != Kind::Human || c.remittance.is_empty() {
        return;
    }
    let lines = json!(c.remittance);
    if plan.tasks.is_empty() {
        plan.tasks.push(acting::TaskDraft {
            kind: "match_remittance",
            summary: format!(
                "Remittance advice for {} invoice(s), no payment matches yet",
                c.remittance.len()
            ),
            context: json!({"inbound_message_id": message_id}),
        });
    }
    for t in &mut plan.tasks {
        if let Some(obj) = t.context.as_object_mut() {
            obj.insert("remittance".into(), lines.clone());
        }
    }
}

fn needs_person(plan: &mut Plan, what: &str) {
    plan.action = format!("{}; {what}", plan.action);
    plan.status = acting::Status::NeedsHuman;
    plan.forward = true;
}

/// Replies sent to the account in the 24 hours before `now` (test clocks: the simulated day).
async fn count_replies_since(
    db: &Db,
    account_id: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<u32, AccountError> {
    Ok(outbound::replies_since(db, account_id, now - chrono::Duration::hours(24)).await?)
}

/// Sends the reply through the mailer and records the outcome on its row.
async fn send_reply(
    ctx: &AccountCtx<'_>,
    r: &BuiltReply,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AccountError> {
    let out = Mailer::new(ctx.env, &r.from)
        .send(&r.to, &r.raw, crate::outbound::mailer::QUICK_ATTEMPTS)
        .await;
    ctx.db
        .run(outbound::delivery(
            &ctx.db,
            ctx.account_id.as_str(),
            &r.step_key,
            out.sent,
            outbound::Attempts::Add(out.attempts),
            out.last_error.as_deref(),
            now,
        )?)
        .await?;
    let event = if out.sent {
        "email.replied"
    } else {
        "email.reply_failed"
    };
    logging::info(
        event,
        json!({"account_id": ctx.account_id, "kind": r.kind, "message_id": r.message_id,
               "attempts": out.attempts, "error": out.last_error}),
    );
    Ok(out.sent)
}

/// Everything but the book diff: events, tasks, approvals, out-of-office, the reply's outbound
/// row and the message's final state.
fn plan_statements(
    ctx: &AccountCtx<'_>,
    message_id: &str,
    plan: &Plan,
    built: Option<&BuiltReply>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<worker::D1PreparedStatement>, AccountError> {
    let db = &ctx.db;
    let account_id = ctx.account_id.as_str();
    let mut out = Vec::new();
    let cause = format!("email:{message_id}");
    for e in &plan.events {
        let event = nudge_core::event_log::LedgerEvent::new(now, e.kind, &cause, e.data.clone())
            .map_err(|err| AccountError::Runtime(err.to_string()))?;
        out.push(store::book::event_statement(db, account_id, &event)?);
    }
    for t in &plan.tasks {
        let context = t.context.to_string();
        out.push(tasks::insert(
            db,
            &NewTask {
                account_id: Some(account_id),
                kind: t.kind,
                assignee: None,
                summary: &t.summary,
                step_key: None,
                context: &context,
            },
            now,
        )?);
    }
    for a in &plan.approvals {
        out.push(approvals::insert(
            db,
            account_id,
            a.kind,
            &format!("inbound:{message_id}"),
            &a.summary,
            &a.payload,
            now,
        )?);
    }
    if let Some(d) = plan.out_of_office_until {
        out.push(store::book::out_of_office(db, account_id, d, now)?);
    }
    if let Some(r) = built {
        out.push(outbound::insert(
            db,
            &NewMessage {
                account_id,
                message_id: &r.message_id,
                step_key: &r.step_key,
                kind: &r.kind,
                to: &r.to,
                subject: &r.subject,
                status: "sending",
            },
            now,
        )?);
    }
    out.push(messages::finished(
        db,
        message_id,
        plan.status.as_str(),
        &plan.action,
        &plan.summary,
        now,
    )?);
    Ok(out)
}
