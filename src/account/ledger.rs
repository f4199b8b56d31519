//! `Command::Ledger`: apply a webhook event's changes to the account's book (issue 4), and
//! `Command::ApplyPayment`: a person's allocation of a queued payment.
//!
//! Per event: dedupe on `webhook_events (source, event_id)`, load the book (or start a new one),
//! apply each change with `nudge_billing::apply`, then write the diff, the source stamps, the
//! unapplied-cash queue marks, the event-log rows and the `webhook_events` row in ONE D1 batch:
//! the event lands whole or not at all, and a retry after a failure re-applies it cleanly.
//! The account is re-evaluated afterwards.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use nudge_billing::apply::{self, Applied, Stamps};
use nudge_core::ledger::AccountBook;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement};

use super::{AccountCtx, ApplyPaymentCommand, EvaluateCommand, LedgerCommand};
use crate::http::error::ApiError;
use crate::store::{self, book, stmt, ts, P};

/// Event ids containing this marker make the event's first delivery fail on a real D1
/// constraint (the `webhook_events` row written twice, as the batch's last statement) when
/// `TEST_CLOCKS` is on: the e2e proof that a processing failure leaves nothing partial and that
/// the retry applies cleanly. Never active in production (`TEST_CLOCKS` is off there).
const TEST_FAILURE_MARKER: &str = "__fail_batch__";

#[derive(Deserialize)]
struct SeenRow {
    #[allow(dead_code)]
    outcome: String,
}

#[derive(Deserialize)]
struct StampRow {
    id: String,
    source_updated_at: Option<String>,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

fn parse_ts(s: &Option<String>) -> Option<DateTime<Utc>> {
    s.as_deref()
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// What the object knows before applying: the stored stamps and the queued payments.
async fn load_context(
    db: &D1Database,
    account_id: &str,
    source: &str,
    event_id: &str,
) -> worker::Result<(bool, Stamps, Vec<String>)> {
    let mut results = crate::store::batch(
        db,
        vec![
            stmt(
                db,
                "SELECT outcome FROM webhook_events WHERE source = ?1 AND event_id = ?2",
                &[source.into(), event_id.into()],
            )?,
            stmt(
                db,
                "SELECT id, source_updated_at FROM accounts WHERE id = ?1",
                &[account_id.into()],
            )?,
            stmt(
                db,
                "SELECT id, source_updated_at FROM invoices WHERE account_id = ?1 AND source_updated_at IS NOT NULL",
                &[account_id.into()],
            )?,
            stmt(
                db,
                "SELECT id FROM payments WHERE account_id = ?1 AND status != 'applied' AND suggestions IS NOT NULL",
                &[account_id.into()],
            )?,
        ],
    )
    .await?;
    let seen: Vec<SeenRow> = results.next()?.results()?;
    let account: Vec<StampRow> = results.next()?.results()?;
    let invoices: Vec<StampRow> = results.next()?.results()?;
    let queued: Vec<IdRow> = results.next()?.results()?;
    let stamps = Stamps {
        account: account.first().and_then(|r| parse_ts(&r.source_updated_at)),
        invoices: invoices
            .iter()
            .filter_map(|r| parse_ts(&r.source_updated_at).map(|t| (r.id.clone(), t)))
            .collect(),
    };
    Ok((
        !seen.is_empty(),
        stamps,
        queued.into_iter().map(|r| r.id).collect(),
    ))
}

/// A fresh reply token for a new account (`ar+<token>@…`): 16 random lower-case hex digits.
pub fn new_reply_token() -> String {
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The statements that persist an applied change set: the book's diff, changed stamps, queue
/// marks and event-log rows. Shared by webhooks, manual application and the import.
pub fn persist_statements(
    db: &D1Database,
    before: Option<&AccountBook>,
    after: &AccountBook,
    stamps_before: &Stamps,
    stamps_after: &Stamps,
    applied: &Applied,
    now: DateTime<Utc>,
) -> worker::Result<Vec<D1PreparedStatement>> {
    let account_id = after.account.id.as_str();
    let is_new = before.is_none();
    let empty;
    let before = match before {
        Some(b) => b,
        None => {
            empty = AccountBook::new(after.account.clone());
            &empty
        }
    };
    let mut diff = after.diff_since(before);
    // A new account: its row must be inserted even though it equals the empty book's.
    diff.account |= is_new;
    let mut out = book::save_statements(db, after, &diff, &new_reply_token(), now)?;
    if stamps_after.account != stamps_before.account {
        if let Some(t) = stamps_after.account {
            out.push(stmt(
                db,
                "UPDATE accounts SET source_updated_at = ?2 WHERE id = ?1",
                &[account_id.into(), t.into()],
            )?);
        }
    }
    for (id, t) in &stamps_after.invoices {
        if stamps_before.invoices.get(id) != Some(t) {
            out.push(stmt(
                db,
                "UPDATE invoices SET source_updated_at = ?2 WHERE id = ?1",
                &[id.into(), (*t).into()],
            )?);
        }
    }
    for (id, review) in &applied.review {
        out.push(stmt(
            db,
            "UPDATE payments SET suggestions = ?2 WHERE id = ?1",
            &[id.into(), store::json(review).into()],
        )?);
    }
    for id in &applied.reviewed {
        out.push(stmt(
            db,
            "UPDATE payments SET suggestions = NULL WHERE id = ?1",
            &[id.into()],
        )?);
    }
    for event in &applied.events {
        out.push(book::event_statement(db, account_id, event)?);
    }
    // The sweep looks at accounts whose `next_action_at` has come: the ledger changed, so now.
    out.push(stmt(
        db,
        "UPDATE accounts SET next_action_at = ?2 WHERE id = ?1",
        &[account_id.into(), now.into()],
    )?);
    Ok(out)
}

/// Applies the changes (idempotent by `(source, event_id)`), then re-evaluates the account.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: LedgerCommand) -> Result<Value, ApiError> {
    let db = &ctx.db;
    let (seen, stamps_before, queued) =
        load_context(db, &ctx.account_id, &cmd.source, &cmd.event_id).await?;
    if seen {
        return Ok(
            json!({"event_id": cmd.event_id, "account_id": ctx.account_id, "duplicate": true, "applied": false}),
        );
    }
    let before = book::load(db, &ctx.account_id).await?;
    let mut after = before
        .clone()
        .unwrap_or_else(|| apply::new_book(&ctx.account_id, &cmd.changes));
    let mut stamps = stamps_before.clone();
    let cause = format!("{}:{}", cmd.source, cmd.event_id);
    let mut applied = Applied {
        queued,
        ..Applied::default()
    };
    for change in &cmd.changes {
        apply::apply(
            &mut after,
            &mut stamps,
            change,
            &cause,
            ctx.now,
            &mut applied,
        );
    }
    let mut statements = persist_statements(
        db,
        before.as_ref(),
        &after,
        &stamps_before,
        &stamps,
        &applied,
        ctx.now,
    )?;
    let idempotency = || {
        stmt(
            db,
            "INSERT INTO webhook_events (source, event_id, type, account_id, received_at, outcome)
             VALUES (?1, ?2, ?3, ?4, ?5, 'applied')",
            &[
                (&cmd.source).into(),
                (&cmd.event_id).into(),
                (&cmd.event_type).into(),
                (&ctx.account_id).into(),
                P::Text(ts(ctx.now)),
            ],
        )
    };
    statements.push(idempotency()?);
    if ctx.config.test_clocks && cmd.event_id.contains(TEST_FAILURE_MARKER) {
        // First delivery only (remembered in the object's storage, not D1): the same primary
        // key twice, so D1 rolls the whole batch back; the sender's retry then succeeds.
        let key = format!("test_failed:{}:{}", cmd.source, cmd.event_id);
        let storage = ctx.state.storage();
        if storage.get::<bool>(&key).await?.is_none() {
            storage.put(&key, true).await?;
            statements.push(idempotency()?);
        }
    }
    let count = statements.len();
    db.batch(statements).await.map_err(|e| {
        ApiError::Internal(format!(
            "ledger batch for {} failed, nothing applied: {e}",
            cmd.event_id
        ))
    })?;
    crate::logging::info(
        "ledger.applied",
        json!({"account_id": ctx.account_id, "source": cmd.source, "event_id": cmd.event_id,
               "type": cmd.event_type, "changes": cmd.changes.len(), "statements": count,
               "queued": applied.review.keys().collect::<Vec<_>>()}),
    );
    let evaluation = evaluate(ctx).await;
    Ok(json!({
        "event_id": cmd.event_id,
        "account_id": ctx.account_id,
        "duplicate": false,
        "applied": true,
        "events": applied.events.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(),
        "queued": applied.review.keys().collect::<Vec<_>>(),
        "evaluation": evaluation,
    }))
}

/// Re-evaluates after a ledger change. A failure here does not undo the ledger (it is
/// committed); the sweep will evaluate the account later (`next_action_at` is now).
async fn evaluate(ctx: &AccountCtx<'_>) -> Value {
    match super::evaluate::handle(
        ctx,
        EvaluateCommand {
            as_of: None,
            trigger: "ledger".into(),
        },
    )
    .await
    {
        Ok(v) => v,
        Err(e) => {
            crate::logging::error(
                "ledger.evaluate_failed",
                json!({"account_id": ctx.account_id, "error": e.to_string()}),
            );
            json!({"error": e.to_string()})
        }
    }
}

/// A person's allocation of a queued payment: validated against the book, all or nothing.
/// Answers 200 with `{"ok": false, "errors": [...]}` on invalid allocations so the API can turn
/// them into a 422 (the object protocol maps non-2xx to 5xx).
pub async fn apply_payment(
    ctx: &AccountCtx<'_>,
    cmd: ApplyPaymentCommand,
) -> Result<Value, ApiError> {
    let db = &ctx.db;
    let Some(before) = book::load(db, &ctx.account_id).await? else {
        return Ok(
            json!({"ok": false, "errors": [{"path": "payment_id", "message": "unknown account"}]}),
        );
    };
    let mut after = before.clone();
    let today = ctx.now.with_timezone(&after.account.timezone).date_naive();
    let touched =
        match apply::apply_allocations(&mut after, &cmd.payment_id, &cmd.allocations, today) {
            Ok(t) => t,
            Err(errors) => return Ok(json!({"ok": false, "errors": errors})),
        };
    let cause = format!("operator:{}", cmd.operator);
    let mut applied = Applied {
        reviewed: vec![cmd.payment_id.clone()],
        ..Applied::default()
    };
    applied.events.push(nudge_core::event_log::LedgerEvent {
        at: ctx.now,
        kind: "payment_applied_by_hand".into(),
        cause,
        data: json!({"payment_id": cmd.payment_id, "allocations": cmd.allocations}),
    });
    let stamps = Stamps::default();
    let statements = persist_statements(
        db,
        Some(&before),
        &after,
        &stamps,
        &stamps,
        &applied,
        ctx.now,
    )?;
    db.batch(statements).await?;
    let evaluation = evaluate(ctx).await;
    let payment = after.payments.iter().find(|p| p.id == cmd.payment_id);
    let invoices: BTreeMap<&str, Value> = touched
        .iter()
        .filter_map(|id| after.invoice(id))
        .map(|i| {
            (
                i.id.as_str(),
                json!({"status": i.status, "open_amount": i.open_amount().to_string()}),
            )
        })
        .collect();
    Ok(json!({
        "ok": true,
        "payment": payment,
        "unapplied": payment.map(|p| p.unapplied().to_string()),
        "invoices": invoices,
        "evaluation": evaluation,
    }))
}
