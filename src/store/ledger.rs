//! Persisting applied ledger changes: the book's diff, the changed source stamps, the
//! unapplied-cash queue marks and the event-log rows — the statements a ledger command, a manual
//! application and the import add to their one batch.

use chrono::{DateTime, Utc};
use nudge_billing::apply::{Applied, Stamps};
use nudge_core::ledger::AccountBook;
use worker::D1PreparedStatement;

use super::{book, json, stmt, Db, Result};

/// The statements that persist an applied change set (`before` is `None` for a new account,
/// which then gets `reply_token`).
#[allow(clippy::too_many_arguments)] // each is a distinct part of the change set
pub fn persist(
    db: &Db,
    before: Option<&AccountBook>,
    after: &AccountBook,
    stamps_before: &Stamps,
    stamps_after: &Stamps,
    applied: &Applied,
    reply_token: &str,
    now: DateTime<Utc>,
) -> Result<Vec<D1PreparedStatement>> {
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
    let mut out = book::save_statements(db, after, &diff, reply_token, now)?;
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
    out.extend(queue_and_events(db, account_id, applied)?);
    // The sweep looks at accounts whose `next_action_at` has come: the ledger changed, so now
    // (the object's settle alarm normally gets there first).
    out.push(super::sweeps::account_due(db, account_id, Some(now))?);
    Ok(out)
}

/// The unapplied-cash queue marks (queued with their suggestions, or taken off the queue) and
/// the event-log rows of an applied change set.
pub fn queue_and_events(
    db: &Db,
    account_id: &str,
    applied: &Applied,
) -> Result<Vec<D1PreparedStatement>> {
    let mut out = Vec::new();
    for (id, review) in &applied.review {
        out.push(stmt(
            db,
            "UPDATE payments SET suggestions = ?2 WHERE id = ?1",
            &[id.into(), json(review).into()],
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
    Ok(out)
}
