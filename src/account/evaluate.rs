//! `Command::Evaluate`, the settle timer and the alarm: evaluate the policy and act.
//!
//! Two D1 round trips per evaluation, whatever it decides: the account's record is loaded in
//! one (`store::record`), and everything the evaluation writes — promise statuses, event-log
//! rows, the action's row (message, draft, task or approval: unique per step), the outcome of
//! each delivery and the account's `stage / next_action_at / last_decision` — goes in one batch.
//! A message is recorded as a step in the object's storage (atomic check-and-set, see
//! `escalation.rs`) and delivered *before* that batch, so its row is written with its outcome;
//! an item stays in the object's outbox until a batch has recorded it, so a failed write is
//! repaired by the next evaluation and never sends twice.
//!
//! Time: `now` is `as_of` when `TEST_CLOCKS` is on and the command carries one, else the test
//! clock (when set) or the wall clock. With `TEST_CLOCKS` on the policy's next evaluation is
//! recorded but not armed (simulated time is not wall time); the settle timer always is.

use chrono::{DateTime, Duration, Utc};
use nudge_core::event_log::LedgerEvent;
use nudge_core::ledger::AccountBook;
use nudge_outbound::Thread;
use nudge_policy::{AccountSnapshot, Action, Decision, Policy, PolicyOverrides};
use serde_json::json;
use worker::D1PreparedStatement;

use super::escalation::{self, Memory, OutboxItem, Recorded};
use super::{
    act, settle, AccountCtx, AccountError, AccountState, Delivery, EvaluateCommand, Evaluation,
    OutboxView, Outcome, StateQuery,
};
use crate::faults::Fault;
use crate::outbound::compose::{self, Sender};
use crate::outbound::mailer::{Mailer, MAX_ATTEMPTS, QUICK_ATTEMPTS};
use crate::outbound::templates as operator_templates;
use crate::store::record::{self, AccountRecord, Want};
use crate::store::{self, ts};
use crate::{clock, logging};

/// How long a failed delivery waits before the next evaluation retries it.
const RETRY_AFTER_MINUTES: i64 = 15;

/// How long (wall clock) a delivery in progress keeps other evaluations off its outbox item.
const CLAIM_MS: i64 = 120_000;

/// The operator's policy from the settings (the default when unset or invalid).
pub fn policy(record: &AccountRecord) -> Policy {
    match record.settings.policy.as_deref() {
        Some(json) => Policy::from_json(json).unwrap_or_else(|e| {
            logging::error("policy.invalid", json!({"error": e.to_string()}));
            Policy::default()
        }),
        None => Policy::default(),
    }
}

/// The account's overrides, if any and valid.
pub fn overrides(record: &AccountRecord, account_id: &str) -> Option<PolicyOverrides> {
    let text = record.extras.overrides.as_deref()?;
    match PolicyOverrides::from_json(text) {
        Ok(o) => Some(o),
        Err(e) => {
            logging::error(
                "overrides.invalid",
                json!({"account_id": account_id, "error": e.to_string()}),
            );
            None
        }
    }
}

/// The policy's view of an account: its book, the object's escalation state and approvals, and
/// the account's overrides (a deleted customer is never dunned). Also used by the read API.
pub(crate) fn snapshot(
    book: &AccountBook,
    approvals: Vec<nudge_core::approval::Approval>,
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
pub async fn handle(
    ctx: &AccountCtx<'_>,
    cmd: EvaluateCommand,
) -> Result<Evaluation, AccountError> {
    let db = &ctx.db;
    let storage = ctx.state.storage();
    let record = record::load(db, ctx.account_id.as_str(), &Want::default()).await?;
    let now = match cmd.as_of {
        Some(t) if ctx.config.test_clocks => t,
        _ => clock::now_from(&record.settings, &ctx.config),
    };
    let memory = escalation::load(&storage).await?;
    let answer =
        |outcome, stage: Option<String>, step: Option<String>, next, deliveries| Evaluation {
            account_id: ctx.account_id.clone(),
            trigger: cmd.trigger,
            as_of: now,
            stage,
            outcome,
            step_key: step,
            next_evaluation_at: next,
            deliveries,
        };
    let Some(book) = record.book.as_ref() else {
        return Ok(answer(Outcome::Unknown, None, None, None, Vec::new()));
    };
    // The settle alarm, and a person who asks to chase now, act on the account as it is.
    let settled = matches!(
        cmd.trigger,
        super::Trigger::Settled | super::Trigger::Operator
    );
    if !settled && settle::is_settling(&memory, now, ctx.config.settle_seconds) {
        // Half a delivery may be applied: the settle alarm evaluates the whole account.
        return Ok(answer(
            Outcome::Settling,
            None,
            None,
            memory.settle_at,
            Vec::new(),
        ));
    }
    let policy = policy(&record);
    let shadow = record
        .extras
        .shadow_mode
        .unwrap_or(ctx.config.shadow_mode || record.settings.shadow_on());
    let templates = operator_templates::effective(record.settings.templates.as_deref());

    let mut state = memory.state.clone();
    // The later of what the object knows and what the inbound handler stored.
    state.out_of_office_until = state
        .out_of_office_until
        .max(record.extras.out_of_office_until);
    let snap = snapshot(
        book,
        record.extras.approvals.clone(),
        state,
        overrides(&record, ctx.account_id.as_str()),
    );
    let decision = nudge_policy::evaluate(&snap, &policy, now);

    let mut statements = promise_statements(ctx, book, &decision, &record, cmd.trigger, now)?;

    // The action: a message (recorded, then delivered), a draft, a task or an approval. Rows
    // are unique per step, so a repeated or raced evaluation writes nothing new.
    let thread_subject = memory
        .thread_subject
        .clone()
        .unwrap_or_else(|| compose::stable_subject(book, &ctx.config.company_name, &templates));
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
                reply_token: &record.extras.reply_token,
            };
            let thread = Thread {
                subject: thread_subject.clone(),
                previous_message_ids: record.extras.thread_ids.clone(),
            };
            match compose::compose(book, send, &policy, &sender, &thread, &templates, now) {
                Ok(c) if shadow => {
                    statements.push(act::message_row(
                        db,
                        ctx.account_id.as_str(),
                        &c,
                        "draft",
                        now,
                    )?);
                    statements.push(act::draft_approval(db, ctx.account_id.as_str(), &c, now)?);
                    drafted = true;
                }
                Ok(c) => {
                    outbox_item = Some(OutboxItem {
                        step_key: c.step_key,
                        message_id: c.message_id,
                        to: c.to,
                        raw: c.raw,
                        attempts: 0,
                        last_error: None,
                        claimed_until_ms: None,
                        kind: c.kind,
                        subject: c.subject,
                        sent_at: None,
                    });
                }
                Err(e) => {
                    // A reminder that cannot be built (e.g. an address the MIME builder refuses)
                    // must not vanish into a log line: a person gets a task, once per step.
                    statements.push(act::compose_failed_task(
                        db,
                        ctx.account_id.as_str(),
                        book,
                        send,
                        &e.to_string(),
                        now,
                    )?);
                    compose_error = Some(e.to_string());
                }
            }
        }
        Action::Task(task) => statements.push(act::task_row(
            db,
            ctx.account_id.as_str(),
            task,
            &decision,
            now,
        )?),
        Action::Approval(p) => statements.push(act::approval_row(
            db,
            ctx.account_id.as_str(),
            p,
            &decision,
            now,
        )?),
    }

    // Record the step (atomic in the object) and only then deliver.
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
        // The timeline shows every decision that acted, with its reasons (same batch).
        if let Ok(event) = LedgerEvent::new(
            now,
            "decided",
            format!("policy:{}", cmd.trigger.as_str()),
            json!({"stage": decision.stage, "step_key": escalation::step_key(&decision),
                   "action": decision_action(&decision), "reasons": decision.reasons}),
        ) {
            statements.push(store::book::event_statement(
                db,
                ctx.account_id.as_str(),
                &event,
            )?);
        }
    }
    let delivered = deliver_outbox(ctx, now).await?;
    let alarm = matches!(cmd.trigger, super::Trigger::Settled | super::Trigger::Alarm);
    if alarm
        && ctx
            .config
            .faults
            .strike(&storage, Fault::AlarmThrow)
            .await?
    {
        // Test only (`FAULTS=alarm_throw_once`): the alarm fails after delivering and before
        // the batch records it; its retry must record the delivery without sending again.
        return Err(AccountError::Runtime(
            "injected fault (alarm_throw_once)".into(),
        ));
    }
    let mut next = decision.next_evaluation_at;
    let mut deliveries = Vec::new();
    for item in &delivered {
        statements.extend(act::delivery_rows(db, ctx.account_id.as_str(), item, now)?);
        deliveries.push(Delivery {
            step_key: item.step_key.clone(),
            sent: item.sent_at.is_some(),
            attempts: item.attempts,
        });
        if item.sent_at.is_none() && item.attempts < MAX_ATTEMPTS {
            next = next.min(now + Duration::minutes(RETRY_AFTER_MINUTES));
        }
    }
    let decision_json = crate::json::value(&decision);
    statements.push(act::account_update(
        db,
        ctx.account_id.as_str(),
        decision.stage.as_str(),
        next,
        &decision_json,
    )?);
    db.batch(statements).await?;

    // The batch recorded every delivery: those items leave the outbox (sent, or given up).
    let mut memory = escalation::load(&storage).await?;
    memory.outbox.retain(|item| {
        !delivered.iter().any(|d| {
            d.step_key == item.step_key && (d.sent_at.is_some() || d.attempts >= MAX_ATTEMPTS)
        })
    });
    if memory.thread_subject.is_none() && matches!(decision.action, Action::Send(_)) {
        memory.thread_subject = Some(thread_subject);
    }
    memory.last_decision = Some(decision_json);
    memory.last_evaluated_at = Some(now);
    memory.last_trigger = Some(cmd.trigger.as_str().to_string());
    memory.alarm_at = Some(next);
    if settled || !settle::is_settling(&memory, now, ctx.config.settle_seconds) {
        settle::settled(&mut memory);
    }
    escalation::save(&storage, &memory).await?;
    settle::arm_alarm(ctx, &memory).await?;

    let step = escalation::step_key(&decision).map(str::to_string);
    let sent_now = delivered
        .iter()
        .any(|d| Some(d.step_key.as_str()) == step.as_deref() && d.sent_at.is_some());
    let outcome = match (&decision.action, recorded) {
        (_, Recorded::AlreadyDone) => Outcome::AlreadyDone,
        (Action::None, _) => Outcome::None,
        (_, Recorded::NoAction) => Outcome::ComposeFailed,
        (Action::Send(_), _) if drafted => Outcome::Drafted,
        (Action::Send(_), _) if sent_now => Outcome::Sent,
        (Action::Send(_), _) => Outcome::Queued,
        (Action::Task(_), _) => Outcome::Task,
        (Action::Approval(_), _) => Outcome::Approval,
    };
    logging::info(
        "account.evaluated",
        json!({
            "account_id": ctx.account_id,
            "trigger": cmd.trigger,
            "as_of": ts(now),
            "stage": decision.stage,
            "outcome": outcome,
            "step_key": step,
            "next_evaluation_at": ts(next),
            "d1_round_trips": db.round_trips(),
            "d1_statements": db.statements(),
        }),
    );
    Ok(answer(
        outcome,
        Some(decision.stage.as_str().to_string()),
        step,
        Some(next),
        deliveries,
    ))
}

/// The kind of a decision's action, as the timeline names it.
fn decision_action(d: &Decision<'_>) -> &'static str {
    match d.action {
        Action::None => "none",
        Action::Send(_) => "send",
        Action::Task(_) => "task",
        Action::Approval(_) => "approval",
    }
}

/// Promise statuses the evaluation settled, written back to the ledger with their events.
fn promise_statements(
    ctx: &AccountCtx<'_>,
    book: &AccountBook,
    decision: &Decision<'_>,
    record: &AccountRecord,
    trigger: super::Trigger,
    now: DateTime<Utc>,
) -> Result<Vec<D1PreparedStatement>, AccountError> {
    if decision.promise_updates.is_empty() {
        return Ok(Vec::new());
    }
    let db = &ctx.db;
    let mut after = book.clone();
    for (id, status) in &decision.promise_updates {
        if let Some(p) = after.promises.iter_mut().find(|p| &p.id == id) {
            p.status = *status;
        }
    }
    let mut statements = store::book::save_statements(
        db,
        &after,
        &after.diff_since(book),
        &record.extras.reply_token,
        now,
    )?;
    for (id, status) in &decision.promise_updates {
        if let Ok(event) = LedgerEvent::new(
            now,
            "promise_status_changed",
            format!("policy:{}", trigger.as_str()),
            json!({"promise_id": id, "status": status}),
        ) {
            statements.push(store::book::event_statement(
                db,
                ctx.account_id.as_str(),
                &event,
            )?);
        }
    }
    Ok(statements)
}

/// Delivers what the outbox holds and has not sent: claims the items (atomic in the object),
/// sends each with quick retries through the mailer, and stores the outcomes in the object.
/// Returns every item whose row the caller must write (delivered now, or delivered earlier by
/// an evaluation whose batch failed).
pub(super) async fn deliver_outbox(
    ctx: &AccountCtx<'_>,
    now: DateTime<Utc>,
) -> Result<Vec<OutboxItem>, AccountError> {
    let storage = ctx.state.storage();
    let wall = clock::wall().timestamp_millis();
    let mut memory = escalation::load(&storage).await?;
    let mut claimed = Vec::new();
    let mut unrecorded = Vec::new();
    for item in memory.outbox.iter_mut() {
        if item.sent_at.is_some() {
            unrecorded.push(item.clone());
            continue;
        }
        if item.claimed_until_ms.is_some_and(|t| t > wall) {
            continue;
        }
        item.claimed_until_ms = Some(wall + CLAIM_MS);
        claimed.push(item.clone());
    }
    if claimed.is_empty() {
        return Ok(unrecorded);
    }
    escalation::save(&storage, &memory).await?;

    // Test only (`FAULTS=send_fail_once`): this delivery fails all its quick attempts.
    let failing = if ctx.config.faults.strike(&storage, Fault::Send).await? {
        QUICK_ATTEMPTS
    } else {
        0
    };
    let mailer = Mailer::new(ctx.env, &ctx.config.from_address).failing_first(failing);
    let mut done = Vec::new();
    for mut item in claimed {
        let out = mailer.send(&item.to, &item.raw, QUICK_ATTEMPTS).await;
        item.attempts += out.attempts;
        item.last_error = out.last_error.clone();
        item.claimed_until_ms = None;
        if out.sent {
            // Application time: rows and reports stay on the (test) clock the account runs on.
            item.sent_at = Some(now);
        }
        logging::info(
            if out.sent {
                "outbound.sent"
            } else {
                "outbound.failed"
            },
            json!({"account_id": ctx.account_id, "step_key": item.step_key,
                   "message_id": item.message_id, "attempts": item.attempts,
                   "error": out.last_error}),
        );
        done.push(item);
    }
    let mut memory = escalation::load(&storage).await?;
    for item in memory.outbox.iter_mut() {
        if let Some(d) = done.iter().find(|d| d.step_key == item.step_key) {
            *item = d.clone();
        }
    }
    escalation::save(&storage, &memory).await?;
    done.extend(unrecorded);
    Ok(done)
}

/// The escalation state, last decision, timers and outbox of the account.
pub async fn state(ctx: &AccountCtx<'_>) -> Result<AccountState, AccountError> {
    let storage = ctx.state.storage();
    let alarm = storage.get_alarm().await?;
    let memory: Memory = escalation::load(&storage).await?;
    // Only the approvals: the whole record is not needed to report the object's state.
    let approvals = crate::store::approvals::for_account(&ctx.db, ctx.account_id.as_str()).await?;
    let _ = StateQuery::default();
    Ok(AccountState {
        account_id: ctx.account_id.clone(),
        state: memory.state,
        approvals,
        last_decision: memory.last_decision,
        last_evaluated_at: memory.last_evaluated_at,
        last_trigger: memory.last_trigger,
        alarm_at: memory.alarm_at,
        settle_at: memory.settle_at,
        alarm_armed_ms: alarm,
        thread_subject: memory.thread_subject,
        outbox: memory
            .outbox
            .iter()
            .map(|i| OutboxView {
                step_key: i.step_key.clone(),
                message_id: i.message_id.clone(),
                to: i.to.clone(),
                attempts: i.attempts,
                last_error: i.last_error.clone(),
            })
            .collect(),
    })
}
