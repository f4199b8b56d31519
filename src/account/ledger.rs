//! `Command::Ledger`: apply one delivery's webhook events to the account's book, and
//! `Command::ApplyPayment`: a person's allocation of a queued payment.
//!
//! Per delivery: ONE load (the record, with which of the events were already applied), each new
//! event applied in order with `nudge_billing::apply`, then ONE D1 batch with the book's diff,
//! the source stamps, the queue marks, the event-log rows and a `webhook_events` row per event:
//! the delivery lands whole or not at all, and a retry after a failure re-applies it cleanly.
//! Nothing is evaluated here: the settle timer evaluates the whole account a little later.

use nudge_core::sorted_map::SortedMap;

use nudge_billing::apply::{self, Applied};
use serde_json::json;

use super::{
    settle, AccountCtx, AccountError, ApplyPayment, EventOutcome, InvoiceAfter, LedgerAnswer,
    LedgerBatch, PaymentApplied,
};
use crate::clock;
use crate::faults::Fault;
use crate::store::record::{self, Want};
use crate::store::{faults, ledger, webhook_events};

/// Event ids containing this marker make the delivery's first attempt fail on a real D1
/// constraint (a `webhook_events` row written twice, as the batch's last statement) when
/// `TEST_CLOCKS` is on: the e2e proof that a processing failure leaves nothing partial and that
/// the retry applies cleanly. Never active in production (`TEST_CLOCKS` is off there).
const TEST_FAILURE_MARKER: &str = "__fail_batch__";

/// A fresh reply token for a new account (`ar+<token>@…`): 16 random lower-case hex digits.
///
/// Errs when the platform's random source fails rather than falling back to a fixed value: the
/// token is what threads a customer's reply to its account, so a guessable or repeated token
/// could file one customer's mail under another (and the second account would then trip the
/// column's UNIQUE constraint on every retry). The command fails with nothing written.
pub fn new_reply_token() -> Result<String, AccountError> {
    reply_token_from(getrandom::fill)
}

/// [`new_reply_token`] over a given random source (tests pass one that fails).
fn reply_token_from(
    fill: impl FnOnce(&mut [u8]) -> Result<(), getrandom::Error>,
) -> Result<String, AccountError> {
    let mut bytes = [0u8; 8];
    fill(&mut bytes)
        .map_err(|e| AccountError::Runtime(format!("no random source for a reply token: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Applies the delivery's new events (idempotent by `(source, event_id)`) and settles.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: LedgerBatch) -> Result<LedgerAnswer, AccountError> {
    let db = &ctx.db;
    let source = cmd.source.as_str();
    let ids: Vec<String> = cmd.events.iter().map(|e| e.event_id.clone()).collect();
    let record = record::load(
        db,
        ctx.account_id.as_str(),
        &Want {
            events: Some((source, &ids)),
            ..Want::default()
        },
    )
    .await?;
    let now = clock::now_from(&record.settings, &ctx.config);
    let stamps_before = record.extras.stamps.clone();
    let mut stamps = stamps_before.clone();
    let mut seen = record.extras.seen_events.clone();
    let mut after = record.book.clone();
    let mut applied = Applied {
        queued: record.extras.queued_payments.clone(),
        ..Applied::default()
    };
    let mut outcomes = Vec::new();
    let mut new_events = Vec::new();
    for event in &cmd.events {
        // A repeat inside one delivery counts as a duplicate too.
        if seen.contains(&event.event_id) {
            outcomes.push(EventOutcome {
                event_id: event.event_id.clone(),
                duplicate: true,
                events: Vec::new(),
            });
            continue;
        }
        seen.push(event.event_id.clone());
        let book =
            after.get_or_insert_with(|| apply::new_book(ctx.account_id.as_str(), &event.changes));
        let cause = format!("{source}:{}", event.event_id);
        let first = applied.events.len();
        for change in &event.changes {
            apply::apply(book, &mut stamps, change, &cause, now, &mut applied);
        }
        outcomes.push(EventOutcome {
            event_id: event.event_id.clone(),
            duplicate: false,
            events: applied.events[first..]
                .iter()
                .map(|e| e.kind.clone())
                .collect(),
        });
        new_events.push(event);
    }
    let (Some(after), false) = (after, new_events.is_empty()) else {
        return Ok(LedgerAnswer {
            account_id: ctx.account_id.clone(),
            events: outcomes,
            queued: Vec::new(),
            settle_at: None,
        });
    };

    let token = if record.extras.reply_token.is_empty() {
        new_reply_token()?
    } else {
        record.extras.reply_token.clone()
    };
    let mut statements = ledger::persist(
        db,
        record.book.as_ref(),
        &after,
        &stamps_before,
        &stamps,
        &applied,
        &token,
        now,
    )?;
    for event in &new_events {
        statements.push(webhook_events::applied(
            db,
            source,
            &event.event_id,
            &event.event_type,
            ctx.account_id.as_str(),
            now,
        )?);
    }
    let fail_once = new_events
        .iter()
        .find(|e| ctx.config.test_clocks && e.event_id.contains(TEST_FAILURE_MARKER));
    if let Some(event) = fail_once {
        // First delivery only (remembered in the object's storage, not D1): the same primary
        // key twice, so D1 rolls the whole batch back; the sender's retry then succeeds.
        let key = format!("test_failed:{source}:{}", event.event_id);
        let storage = ctx.state.storage();
        if !crate::storage::has(&storage, &key).await? {
            crate::storage::put_text(&storage, &key, "1").await?;
            statements.push(webhook_events::applied(
                db,
                source,
                &event.event_id,
                &event.event_type,
                ctx.account_id.as_str(),
                now,
            )?);
        }
    }
    if ctx
        .config
        .faults
        .strike(&ctx.state.storage(), Fault::WebhookD1)
        .await?
    {
        // Test only (`FAULTS`): D1 fails at the end of the batch, after all its writes ran.
        statements.push(faults::failing_statement(db)?);
    }
    let count = statements.len();
    db.batch(statements).await.map_err(|e| {
        AccountError::Store(format!(
            "ledger batch of {} event(s) failed, nothing applied: {e}",
            new_events.len()
        ))
    })?;
    let settle_at = settle::changed(ctx, now).await?;
    let queued: Vec<String> = applied.review.keys().cloned().collect();
    crate::logging::info(
        "ledger.applied",
        json!({"account_id": ctx.account_id, "source": source, "events": new_events.len(),
               "duplicates": cmd.events.len() - new_events.len(), "statements": count,
               "queued": queued, "settle_at": settle_at}),
    );
    Ok(LedgerAnswer {
        account_id: ctx.account_id.clone(),
        events: outcomes,
        queued,
        settle_at: Some(settle_at),
    })
}

/// A person's allocation of a queued payment: validated against the book, all or nothing
/// (422 naming each bad field), then settled like any ledger change.
pub async fn apply_payment(
    ctx: &AccountCtx<'_>,
    cmd: ApplyPayment,
) -> Result<PaymentApplied, AccountError> {
    let db = &ctx.db;
    let record = record::load(db, ctx.account_id.as_str(), &Want::default()).await?;
    let now = clock::now_from(&record.settings, &ctx.config);
    let Some(before) = record.book else {
        return Err(AccountError::NotFound(format!(
            "account {}",
            ctx.account_id
        )));
    };
    let mut after = before.clone();
    let today = now.with_timezone(&after.account.timezone).date_naive();
    let touched = apply::apply_allocations(&mut after, &cmd.payment_id, &cmd.allocations, today)
        .map_err(AccountError::Invalid)?;
    let mut applied = Applied {
        reviewed: vec![cmd.payment_id.clone()],
        ..Applied::default()
    };
    applied.events.push(nudge_core::event_log::LedgerEvent {
        at: now,
        kind: "payment_applied_by_hand".into(),
        cause: format!("operator:{}", cmd.operator),
        data: json!({"payment_id": cmd.payment_id, "allocations": cmd.allocations}),
    });
    let stamps = record.extras.stamps.clone();
    let statements = ledger::persist(
        db,
        Some(&before),
        &after,
        &stamps,
        &stamps,
        &applied,
        &record.extras.reply_token,
        now,
    )?;
    db.batch(statements).await?;
    settle::changed(ctx, now).await?;
    let payment = after.payments.iter().find(|p| p.id == cmd.payment_id);
    let invoices: SortedMap<String, InvoiceAfter> = touched
        .iter()
        .filter_map(|id| after.invoice(id))
        .map(|i| {
            (
                i.id.clone(),
                InvoiceAfter {
                    status: i.status,
                    open_amount: i.open_amount().to_string(),
                },
            )
        })
        .collect();
    Ok(PaymentApplied {
        unapplied: payment.map(|p| p.unapplied().to_string()),
        payment: payment.cloned(),
        invoices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_token_is_sixteen_hex_digits_from_the_random_source() {
        let token = reply_token_from(|b| {
            b.copy_from_slice(&[0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02, 0xff]);
            Ok(())
        })
        .unwrap();
        assert_eq!(token, "deadbeef000102ff");
        assert_ne!(new_reply_token().unwrap(), new_reply_token().unwrap());
    }

    #[test]
    fn a_failing_random_source_fails_the_command_instead_of_a_fixed_token() {
        let err = reply_token_from(|_| Err(getrandom::Error::UNSUPPORTED)).unwrap_err();
        assert!(matches!(err, AccountError::Runtime(m) if m.contains("reply token")));
    }
}
