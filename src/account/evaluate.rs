//! `Command::Evaluate` and the alarm: evaluate the policy and act on the decision (issue 6).
//!
//! One evaluation: deliver what the outbox still holds; load the book (one D1 round trip) and the
//! account's settings (one more); `nudge_policy::evaluate` at `now`; write back promise updates,
//! the action's row (message, draft, task or approval: unique per step) and the account's
//! `stage / next_action_at / last_decision` in one D1 batch; record the step in the object's
//! storage (atomic check-and-set, see `escalation.rs`); send; arm the alarm.
//!
//! Time: `now` is `as_of` when `TEST_CLOCKS` is on and the command carries one, else the
//! context's now (the test clock when set, else the wall clock). With `TEST_CLOCKS` on the real
//! alarm is never armed (simulated time is not wall time): `alarm_at` is recorded and the
//! simulated timeline is driven by `POST /api/sweep {"as_of"}`. In production the alarm is armed
//! at `next_evaluation_at` and the cron sweep is the safety net.

use chrono::{DateTime, Duration, Utc};
use nudge_core::approval::{Approval, ApprovalStatus};
use nudge_core::event_log::LedgerEvent;
use nudge_core::ledger::AccountBook;
use nudge_outbound::Thread;
use nudge_policy::{AccountSnapshot, Action, Decision, Policy, PolicyOverrides};
use serde_json::{json, Value};

use super::escalation::{self, OutboxItem, Recorded};
use super::{act, AccountCtx, EvaluateCommand};
use crate::clock;
use crate::http::error::ApiError;
use crate::logging;
use crate::outbound::compose::{self, Sender};
use crate::outbound::send::{send_with_retry, MAX_ATTEMPTS, QUICK_ATTEMPTS};
use crate::outbound::templates::{self as operator_templates, TEMPLATES_KEY};
use crate::store::{self, stmt, ts, P};

/// How long a failed delivery waits before the next evaluation retries it.
const RETRY_AFTER_MINUTES: i64 = 15;

/// How long (wall clock) a delivery in progress keeps other evaluations off its outbox item.
const CLAIM_MS: i64 = 120_000;

/// The settings key of the operator's policy (JSON of `nudge_policy::Policy`).
pub const POLICY_KEY: &str = "policy";
/// The settings key of the global shadow-mode switch (`true` / `false`).
pub const SHADOW_KEY: &str = "shadow_mode";

/// What the evaluation needs besides the book: the account's row extras, the thread so far,
/// and the operator's settings.
struct Meta {
    reply_token: String,
    /// From an auto-reply, written by the inbound handler (`accounts.out_of_office_until`).
    out_of_office_until: Option<chrono::NaiveDate>,
    approvals: Vec<Approval>,
    overrides: Option<PolicyOverrides>,
    shadow: bool,
    thread_ids: Vec<String>,
    policy: Policy,
    /// Built-in templates with the operator's overrides.
    templates: std::rc::Rc<nudge_outbound::Templates>,
}

async fn load_meta(ctx: &AccountCtx<'_>) -> Result<Meta, ApiError> {
    #[derive(serde::Deserialize)]
    struct AccountRow {
        reply_token: String,
        overrides: Option<String>,
        shadow_mode: Option<i64>,
        out_of_office_until: Option<String>,
    }
    #[derive(serde::Deserialize)]
    struct IdRow {
        message_id: String,
    }
    #[derive(serde::Deserialize)]
    struct SettingRow {
        key: String,
        value: String,
    }
    let db = &ctx.db;
    let id = || -> P { ctx.account_id.as_str().into() };
    let mut results = crate::store::batch(
        db,
        vec![
            stmt(
                db,
                "SELECT reply_token, overrides, shadow_mode, out_of_office_until FROM accounts
                 WHERE id = ?1",
                &[id()],
            )?,
            stmt(
                db,
                "SELECT message_id FROM outbound_messages WHERE account_id = ?1 AND status = 'sent'
                 ORDER BY created_at, id",
                &[id()],
            )?,
            stmt(
                db,
                "SELECT key, value FROM settings WHERE key IN (?1, ?2, ?3)",
                &[POLICY_KEY.into(), SHADOW_KEY.into(), TEMPLATES_KEY.into()],
            )?,
            approvals_query(db, &ctx.account_id)?,
        ],
    )
    .await?;
    let account: Option<AccountRow> = results.next()?.results::<AccountRow>()?.into_iter().next();
    let thread_ids = results
        .next()?
        .results::<IdRow>()?
        .into_iter()
        .map(|r| r.message_id)
        .collect();
    let settings: Vec<SettingRow> = results.next()?.results()?;
    let approvals = approvals_from(results.next()?.results()?);
    let setting = |k: &str| {
        settings
            .iter()
            .find(|s| s.key == k)
            .map(|s| s.value.clone())
    };
    let policy = match setting(POLICY_KEY) {
        Some(json) => Policy::from_json(&json).unwrap_or_else(|e| {
            logging::error("policy.invalid", json!({"error": e.to_string()}));
            Policy::default()
        }),
        None => Policy::default(),
    };
    let global_shadow = ctx.config.shadow_mode
        || setting(SHADOW_KEY).is_some_and(|v| v.trim_matches('"').eq_ignore_ascii_case("true"));
    let out_of_office_until = account
        .as_ref()
        .and_then(|a| a.out_of_office_until.as_deref())
        .and_then(|d| d.get(..10))
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok());
    let (reply_token, overrides, shadow) = match account {
        Some(a) => {
            let overrides = a
                .overrides
                .as_deref()
                .filter(|s| !s.trim().is_empty() && *s != "null")
                .and_then(|s| match PolicyOverrides::from_json(s) {
                    Ok(o) => Some(o),
                    Err(e) => {
                        logging::error(
                            "overrides.invalid",
                            json!({"account_id": ctx.account_id, "error": e.to_string()}),
                        );
                        None
                    }
                });
            let shadow = a.shadow_mode.map_or(global_shadow, |v| v != 0);
            (a.reply_token, overrides, shadow)
        }
        None => (String::new(), None, global_shadow),
    };
    Ok(Meta {
        reply_token,
        out_of_office_until,
        approvals,
        overrides,
        shadow,
        thread_ids,
        policy,
        templates: operator_templates::effective(setting(TEMPLATES_KEY).as_deref()),
    })
}

/// The account's final-escalation approvals proposed by the policy (step keys `review:…`; not
/// shadow drafts nor a customer's requests), oldest first.
fn approvals_query(
    db: &worker::D1Database,
    account_id: &str,
) -> worker::Result<worker::D1PreparedStatement> {
    stmt(
        db,
        "SELECT id, account_id, kind, step_key, payload, status, created_at, decided_at,
                decided_by, note
         FROM approvals WHERE account_id = ?1 AND kind != 'draft_email' AND step_key LIKE 'review:%'
         ORDER BY created_at, id",
        &[account_id.into()],
    )
}

#[derive(serde::Deserialize)]
struct ApprovalRow {
    id: String,
    account_id: String,
    kind: String,
    step_key: String,
    payload: String,
    status: String,
    created_at: String,
    decided_at: Option<String>,
    decided_by: Option<String>,
    note: Option<String>,
}

/// Approval rows as the policy sees them (their outcome steers the review stage).
fn approvals_from(rows: Vec<ApprovalRow>) -> Vec<Approval> {
    let time = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    rows.into_iter()
        .filter_map(|r| {
            let status = match r.status.as_str() {
                "pending" => ApprovalStatus::Pending,
                "approved" => ApprovalStatus::Approved,
                "rejected" => ApprovalStatus::Rejected,
                "withdrawn" => ApprovalStatus::Withdrawn,
                _ => return None,
            };
            let payload: Value = serde_json::from_str(&r.payload).unwrap_or(Value::Null);
            let invoice_ids = payload["invoice_ids"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            Some(Approval {
                id: r.id,
                account_id: r.account_id,
                kind: r.kind,
                step_key: r.step_key,
                invoice_ids,
                requested_at: time(&r.created_at)?,
                status,
                decided_at: r.decided_at.as_deref().and_then(time),
                decided_by: r.decided_by,
                note: r.note,
            })
        })
        .collect()
}

/// The time an evaluation runs at.
fn eval_now(ctx: &AccountCtx<'_>, as_of: Option<DateTime<Utc>>) -> DateTime<Utc> {
    match as_of {
        Some(t) if ctx.config.test_clocks => t,
        _ => ctx.now,
    }
}

/// The policy's view of an account: its book, the object's escalation state and approvals, and
/// the account's overrides (a deleted customer is never dunned). Also used by the read API.
pub(crate) fn snapshot(
    book: &AccountBook,
    approvals: Vec<Approval>,
    state: nudge_policy::EscalationState,
    mut overrides: Option<PolicyOverrides>,
) -> AccountSnapshot {
    if book.deleted {
        // A customer deleted at the source is kept for history and never dunned.
        overrides.get_or_insert_with(Default::default).dunning_off = true;
    }
    AccountSnapshot {
        account: book.account.clone(),
        contacts: book.contacts.clone(),
        invoices: book.invoices.clone(),
        payments: book.payments.clone(),
        promises: book.promises.clone(),
        disputes: book.disputes.clone(),
        approvals,
        state,
        overrides,
    }
}

/// Evaluates the account as of `cmd.as_of` (or now) and acts.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: EvaluateCommand) -> Result<Value, ApiError> {
    let now = eval_now(ctx, cmd.as_of);
    let storage = ctx.state.storage();
    let db = &ctx.db;
    let Some(book) = store::book::load(db, &ctx.account_id).await? else {
        return Ok(json!({"account_id": ctx.account_id, "skipped": "unknown account"}));
    };
    let meta = load_meta(ctx).await?;

    // Messages recorded earlier but not delivered yet go first (once per step, retried).
    let mut deliveries = flush_outbox(ctx, now).await?;

    let memory = escalation::load(&storage).await?;
    let mut state = memory.state.clone();
    // The later of what the object knows and what the inbound handler stored.
    state.out_of_office_until = state.out_of_office_until.max(meta.out_of_office_until);
    let snap = snapshot(&book, meta.approvals.clone(), state, meta.overrides.clone());
    let decision = nudge_policy::evaluate(&snap, &meta.policy, now);

    // Promise statuses the evaluation settled are written back to the ledger.
    let mut after = book.clone();
    for (id, status) in &decision.promise_updates {
        if let Some(p) = after.promises.iter_mut().find(|p| &p.id == id) {
            p.status = *status;
        }
    }
    let mut statements = Vec::new();
    if !meta.reply_token.is_empty() {
        statements = store::book::save_statements(
            db,
            &after,
            &after.diff_since(&book),
            &meta.reply_token,
            now,
        )?;
    }
    for (id, status) in &decision.promise_updates {
        if let Ok(event) = LedgerEvent::new(
            now,
            "promise_status_changed",
            format!("policy:{}", cmd.trigger),
            json!({"promise_id": id, "status": status}),
        ) {
            statements.push(store::book::event_statement(db, &ctx.account_id, &event)?);
        }
    }

    // The action's row: unique per step, so a repeated or raced evaluation writes nothing new.
    let thread_subject = memory.thread_subject.clone().unwrap_or_else(|| {
        compose::stable_subject(&book, &ctx.config.company_name, &meta.templates)
    });
    let mut outbox_item = None;
    let mut compose_error = None;
    let mut drafted = false;
    match &decision.action {
        Action::None => {}
        Action::Send(send) => {
            let sender = Sender {
                company_name: &ctx.config.company_name,
                from_address: &ctx.config.from_address,
                inbound_address: &ctx.config.inbound_address,
                reply_token: &meta.reply_token,
            };
            let thread = Thread {
                subject: thread_subject.clone(),
                previous_message_ids: meta.thread_ids.clone(),
            };
            match compose::compose(
                &book,
                send,
                &meta.policy,
                &sender,
                &thread,
                &meta.templates,
                now,
            ) {
                Ok(c) if meta.shadow => {
                    statements.push(act::outbound_row(db, &ctx.account_id, &c, "draft", now)?);
                    statements.push(act::draft_approval(db, &ctx.account_id, &c, now)?);
                    drafted = true;
                }
                Ok(c) => {
                    statements.push(act::outbound_row(db, &ctx.account_id, &c, "pending", now)?);
                    outbox_item = Some(OutboxItem {
                        step_key: c.step_key,
                        message_id: c.message_id,
                        to: c.to,
                        raw: c.raw,
                        attempts: 0,
                        last_error: None,
                        claimed_until_ms: None,
                    });
                }
                Err(e) => {
                    // A reminder that cannot be built (e.g. an address the MIME builder refuses)
                    // must not vanish into a log line: a person gets a task, once per step.
                    let summary = format!(
                        "The {} reminder to {} could not be built: {e}",
                        serde_json::to_value(send.stage)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_string))
                            .unwrap_or_default(),
                        send.to
                    );
                    statements.push(act::insert_task(
                        db,
                        &ctx.account_id,
                        "reminder_failed",
                        book.account.owner.as_deref(),
                        &summary,
                        &format!("compose_failed:{}", send.step_key),
                        &json!({"error": e.to_string(), "to": send.to}).to_string(),
                        now,
                    )?);
                    compose_error = Some(e.to_string());
                }
            }
        }
        Action::Task(task) => {
            statements.push(act::task_row(db, &ctx.account_id, task, &decision, now)?)
        }
        Action::Approval(p) => {
            statements.push(act::approval_row(db, &ctx.account_id, p, &decision, now)?)
        }
    }
    let decision_json = serde_json::to_value(&decision).unwrap_or(Value::Null);
    statements.push(account_update(
        ctx,
        &decision,
        decision.next_evaluation_at,
        &decision_json,
    )?);
    db.batch(statements).await?;

    // Record the step (atomic in the object) and only then act.
    let recorded = if let Some(e) = &compose_error {
        logging::error(
            "outbound.compose_failed",
            json!({"account_id": ctx.account_id, "step_key": escalation::step_key(&decision), "error": e}),
        );
        Recorded::NoAction
    } else {
        escalation::record_step(&storage, &decision, now, outbox_item)
            .await?
            .0
    };
    if recorded == Recorded::New {
        deliveries.extend(flush_outbox(ctx, now).await?);
    }

    // Bookkeeping: the thread subject, the decision, the next evaluation and its alarm.
    let mut memory = escalation::load(&storage).await?;
    let mut next = decision.next_evaluation_at;
    if !memory.outbox.is_empty() {
        next = next.min(now + Duration::minutes(RETRY_AFTER_MINUTES));
        db.batch(vec![account_update(ctx, &decision, next, &decision_json)?])
            .await?;
    }
    if memory.thread_subject.is_none() && matches!(decision.action, Action::Send(_)) {
        memory.thread_subject = Some(thread_subject);
    }
    memory.last_decision = Some(decision_json);
    memory.last_evaluated_at = Some(now);
    memory.last_trigger = Some(cmd.trigger.clone());
    memory.alarm_at = Some(next);
    escalation::save(&storage, &memory).await?;
    if !ctx.config.test_clocks {
        storage.set_alarm(next.timestamp_millis()).await?;
    }

    let outcome = match (&decision.action, recorded) {
        (_, Recorded::AlreadyDone) => "already_done",
        (Action::None, _) => "none",
        (_, Recorded::NoAction) => "compose_failed",
        (Action::Send(_), _) if drafted => "drafted",
        (Action::Send(_), _) => "sent",
        (Action::Task(_), _) => "task",
        (Action::Approval(_), _) => "approval",
    };
    logging::info(
        "account.evaluated",
        json!({
            "account_id": ctx.account_id,
            "trigger": cmd.trigger,
            "as_of": ts(now),
            "stage": decision.stage,
            "outcome": outcome,
            "step_key": escalation::step_key(&decision),
            "next_evaluation_at": ts(next),
        }),
    );
    Ok(json!({
        "account_id": ctx.account_id,
        "trigger": cmd.trigger,
        "as_of": ts(now),
        "stage": decision.stage,
        "action": decision_action_kind(&decision),
        "outcome": outcome,
        "step_key": escalation::step_key(&decision),
        "next_evaluation_at": ts(next),
        "deliveries": deliveries,
    }))
}

fn decision_action_kind(d: &Decision<'_>) -> &'static str {
    match d.action {
        Action::None => "none",
        Action::Send(_) => "send",
        Action::Task(_) => "task",
        Action::Approval(_) => "approval",
    }
}

fn account_update(
    ctx: &AccountCtx<'_>,
    decision: &Decision<'_>,
    next: DateTime<Utc>,
    decision_json: &Value,
) -> worker::Result<worker::D1PreparedStatement> {
    stmt(
        &ctx.db,
        "UPDATE accounts SET stage = ?2, next_action_at = ?3, last_decision = ?4 WHERE id = ?1",
        &[
            ctx.account_id.as_str().into(),
            decision.stage.as_str().into(),
            P::Text(ts(next)),
            decision_json.to_string().into(),
        ],
    )
}

/// Delivers the outbox: claims its items (atomic in the object), sends each with quick retries,
/// records the outcome on the message's row and in the object. A message that failed
/// `MAX_ATTEMPTS` times leaves the outbox and stays `failed` for a person.
async fn flush_outbox(ctx: &AccountCtx<'_>, now: DateTime<Utc>) -> Result<Vec<Value>, ApiError> {
    let storage = ctx.state.storage();
    let wall = clock::wall().timestamp_millis();
    let mut memory = escalation::load(&storage).await?;
    let mut claimed = Vec::new();
    for item in memory.outbox.iter_mut() {
        if item.claimed_until_ms.is_some_and(|t| t > wall) {
            continue;
        }
        item.claimed_until_ms = Some(wall + CLAIM_MS);
        claimed.push(item.clone());
    }
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    escalation::save(&storage, &memory).await?;

    let mut report = Vec::new();
    let mut results = Vec::new();
    for item in &claimed {
        let out = send_with_retry(
            ctx.env,
            &ctx.config.from_address,
            &item.to,
            &item.raw,
            QUICK_ATTEMPTS,
        )
        .await;
        let update = act::delivery_update(
            &ctx.db,
            &ctx.account_id,
            &item.step_key,
            out.sent,
            out.attempts,
            out.last_error.as_deref(),
            now,
        )?;
        if let Err(e) = update.run().await {
            logging::error(
                "outbound.status_write_failed",
                json!({"account_id": ctx.account_id, "step_key": item.step_key, "error": e.to_string()}),
            );
        }
        let event = if out.sent {
            "outbound.sent"
        } else {
            "outbound.failed"
        };
        logging::info(
            event,
            json!({"account_id": ctx.account_id, "step_key": item.step_key,
                   "message_id": item.message_id, "attempts": item.attempts + out.attempts,
                   "error": out.last_error}),
        );
        report.push(json!({"step_key": item.step_key, "sent": out.sent,
                           "attempts": item.attempts + out.attempts}));
        results.push((item.step_key.clone(), out));
    }

    let mut memory = escalation::load(&storage).await?;
    memory.outbox.retain_mut(|item| {
        let Some((_, out)) = results.iter().find(|(k, _)| *k == item.step_key) else {
            return true;
        };
        if out.sent {
            return false;
        }
        item.attempts += out.attempts;
        item.last_error = out.last_error.clone();
        item.claimed_until_ms = None;
        item.attempts < MAX_ATTEMPTS
    });
    escalation::save(&storage, &memory).await?;
    Ok(report)
}

/// The escalation state, last decision and alarm of the account.
pub async fn state(ctx: &AccountCtx<'_>) -> Result<Value, ApiError> {
    let storage = ctx.state.storage();
    let alarm = storage.get_alarm().await?;
    let memory = escalation::load(&storage).await?;
    let approvals = approvals_from(
        approvals_query(&ctx.db, &ctx.account_id)?
            .all()
            .await?
            .results()?,
    );
    let outbox: Vec<Value> = memory
        .outbox
        .iter()
        .map(|i| {
            json!({"step_key": i.step_key, "message_id": i.message_id, "to": i.to,
                   "attempts": i.attempts, "last_error": i.last_error})
        })
        .collect();
    Ok(json!({
        "account_id": ctx.account_id,
        "state": memory.state,
        "approvals": approvals,
        "last_decision": memory.last_decision,
        "last_evaluated_at": memory.last_evaluated_at.map(ts),
        "last_trigger": memory.last_trigger,
        "alarm_at": memory.alarm_at.map(ts),
        "alarm_armed_ms": alarm,
        "thread_subject": memory.thread_subject,
        "outbox": outbox,
    }))
}
