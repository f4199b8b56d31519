//! `Command::Act`: a collector's actions on the account. Book changes (a promise from a call, a
//! dispute resolved, owner and strategic flag, contacts, a note) are planned by the pure
//! `nudge_billing::operator` and written in one D1 batch with their event; pausing or resuming
//! one invoice changes the account's overrides; each change settles the account, so its alarm
//! re-evaluates it. "Chase now" evaluates at once (the policy still keeps to the send window).

use nudge_billing::FieldError;
use serde_json::json;

use super::{
    evaluate, settle, AccountCtx, AccountError, Act, Acted, CollectorAction, EvaluateCommand,
    Trigger,
};
use crate::clock;
use crate::store::record::{self, Want};
use crate::store::{self, accounts};

/// Carries out the action.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: Act) -> Result<Acted, AccountError> {
    let db = &ctx.db;
    let account_id = ctx.account_id.as_str();
    if matches!(cmd.action, CollectorAction::ChaseNow) {
        return chase(ctx).await;
    }
    let record = record::load(db, account_id, &Want::default()).await?;
    let Some(before) = record.book.as_ref() else {
        return Err(AccountError::NotFound(format!("account {account_id}")));
    };
    let now = clock::now_from(&record.settings, &ctx.config);
    let mut overrides = evaluate::overrides(&record, account_id).unwrap_or_default();
    let mut statements = Vec::new();
    let event = match &cmd.action {
        CollectorAction::Book(action) => {
            let mut after = before.clone();
            let today = now.with_timezone(&after.account.timezone).date_naive();
            let event = nudge_billing::operator::apply(&mut after, action, &cmd.by, today, now)
                .map_err(AccountError::Invalid)?;
            statements.extend(store::book::save_statements(
                db,
                &after,
                &after.diff_since(before),
                &record.extras.reply_token,
                now,
            )?);
            statements.push(store::book::event_statement(db, account_id, &event)?);
            event.kind
        }
        CollectorAction::PauseInvoice { invoice_id }
        | CollectorAction::ResumeInvoice { invoice_id } => {
            if !before.invoices.iter().any(|i| &i.id == invoice_id) {
                return Err(AccountError::Invalid(vec![FieldError::new(
                    "invoice_id",
                    format!("no invoice {invoice_id} on this account"),
                )]));
            }
            let pause = matches!(cmd.action, CollectorAction::PauseInvoice { .. });
            overrides.paused_invoices.retain(|id| id != invoice_id);
            if pause {
                overrides.paused_invoices.push(invoice_id.clone());
            }
            let text = serde_json::to_string(&overrides)
                .map_err(|e| AccountError::Runtime(format!("overrides: {e}")))?;
            statements.push(accounts::set_policy(
                db,
                account_id,
                Some(&text),
                record.extras.shadow_mode,
            )?);
            let kind = if pause {
                "invoice_paused"
            } else {
                "invoice_resumed"
            };
            let event = nudge_core::event_log::LedgerEvent::new(
                now,
                kind,
                format!("operator:{}", cmd.by),
                json!({"invoice_id": invoice_id}),
            )
            .map_err(|e| AccountError::Invalid(vec![FieldError::new("by", e.to_string())]))?;
            statements.push(store::book::event_statement(db, account_id, &event)?);
            kind.to_string()
        }
        CollectorAction::ChaseNow => return chase(ctx).await,
    };
    db.batch(statements).await?;
    // A note changes nothing Nudge acts on; everything else is evaluated once settled.
    let settle_at = if event == "note_added" {
        None
    } else {
        Some(settle::changed(ctx, now).await?)
    };
    Ok(Acted {
        account_id: ctx.account_id.clone(),
        event: Some(event),
        settle_at,
        evaluation: None,
        paused_invoices: overrides.paused_invoices,
    })
}

/// Evaluates now and acts as the policy decides.
async fn chase(ctx: &AccountCtx<'_>) -> Result<Acted, AccountError> {
    let evaluation = evaluate::handle(
        ctx,
        EvaluateCommand {
            as_of: None,
            trigger: Trigger::Operator,
        },
    )
    .await?;
    Ok(Acted {
        account_id: ctx.account_id.clone(),
        event: None,
        settle_at: None,
        evaluation: Some(evaluation),
        paused_invoices: Vec::new(),
    })
}
