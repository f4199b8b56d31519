//! Writing back what changed in one account's [`AccountBook`] (reading it is `record.rs`).
//!
//! Rows keep the whole domain struct as JSON in `data`; the other columns are copies for queries.
//! A save is one D1 batch (a transaction): an event's changes land together or not at all.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{AccountBook, BookDiff};
use worker::D1PreparedStatement;

use super::{json, stmt, ts, Db, Result, P};

/// The statements that write `diff` (new and changed rows of `book`). Callers add their own
/// statements (event log, idempotency record) and run everything as one batch.
pub fn save_statements(
    db: &Db,
    book: &AccountBook,
    diff: &BookDiff<'_>,
    reply_token: &str,
    now: DateTime<Utc>,
) -> Result<Vec<D1PreparedStatement>> {
    let now_s = ts(now);
    let account_id = book.account.id.as_str();
    let mut out = Vec::new();

    if diff.account {
        let a = &book.account;
        out.push(stmt(
            db,
            "INSERT INTO accounts (id, name, stripe_id, erp_id, strategic, owner, timezone, locale,
                 dunning_enabled, deleted, reply_token, data, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, stripe_id = excluded.stripe_id,
                 erp_id = excluded.erp_id, strategic = excluded.strategic, owner = excluded.owner,
                 timezone = excluded.timezone, locale = excluded.locale,
                 dunning_enabled = excluded.dunning_enabled, deleted = excluded.deleted,
                 data = excluded.data, updated_at = excluded.updated_at",
            &[
                account_id.into(),
                (&a.name).into(),
                a.stripe_id.as_ref().into(),
                a.erp_id.as_ref().into(),
                a.strategic.into(),
                a.owner.as_ref().into(),
                a.timezone.name().into(),
                (&a.locale).into(),
                a.dunning_enabled.into(),
                book.deleted.into(),
                reply_token.into(),
                json(a).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for c in &diff.contacts {
        out.push(stmt(
            db,
            "INSERT INTO contacts (account_id, email, role, status, preferred, data, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (account_id, email) DO UPDATE SET role = excluded.role,
                 status = excluded.status, preferred = excluded.preferred, data = excluded.data,
                 updated_at = excluded.updated_at",
            &[
                account_id.into(),
                (&c.email).into(),
                enum_text(&c.role).into(),
                enum_text(&c.status).into(),
                c.preferred.into(),
                json(c).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for i in &diff.invoices {
        out.push(stmt(
            db,
            "INSERT INTO invoices (id, account_id, number, currency, total, paid, credited, open_amount,
                 status, issue_date, due_date, paid_on, data, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
             ON CONFLICT (id) DO UPDATE SET account_id = excluded.account_id, number = excluded.number,
                 currency = excluded.currency, total = excluded.total, paid = excluded.paid,
                 credited = excluded.credited, open_amount = excluded.open_amount,
                 status = excluded.status, issue_date = excluded.issue_date,
                 due_date = excluded.due_date, paid_on = excluded.paid_on, data = excluded.data,
                 updated_at = excluded.updated_at",
            &[
                (&i.id).into(),
                account_id.into(),
                (&i.number).into(),
                i.currency.code().into(),
                i.total.to_string().into(),
                i.paid.to_string().into(),
                i.credited.to_string().into(),
                i.open_amount().to_string().into(),
                enum_text(&i.status).into(),
                i.issue_date.into(),
                i.due_date.into(),
                i.paid_on.into(),
                json(i).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for p in &diff.payments {
        let unapplied = p.unapplied();
        let status = if p.allocations.is_empty() {
            "unapplied"
        } else if unapplied.is_zero() {
            "applied"
        } else {
            "partial"
        };
        let refs = book.payment_refs.get(&p.id).cloned().unwrap_or_default();
        out.push(stmt(
            db,
            "INSERT INTO payments (id, account_id, amount, currency, received_on, reference, unapplied,
                 status, charge_ref, payment_intent_ref, data, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
             ON CONFLICT (id) DO UPDATE SET amount = excluded.amount, currency = excluded.currency,
                 received_on = excluded.received_on, reference = excluded.reference,
                 unapplied = excluded.unapplied, status = excluded.status,
                 charge_ref = COALESCE(excluded.charge_ref, payments.charge_ref),
                 payment_intent_ref = COALESCE(excluded.payment_intent_ref, payments.payment_intent_ref),
                 data = excluded.data, updated_at = excluded.updated_at",
            &[
                (&p.id).into(),
                account_id.into(),
                p.amount.to_string().into(),
                p.currency.code().into(),
                p.received_on.into(),
                p.reference.as_ref().into(),
                unapplied.to_string().into(),
                status.into(),
                refs.charge_ref.into(),
                refs.payment_intent_ref.into(),
                json(p).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for c in &diff.credit_notes {
        out.push(stmt(
            db,
            "INSERT INTO credit_notes (id, account_id, invoice_id, amount, currency, voided, data, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET invoice_id = excluded.invoice_id, amount = excluded.amount,
                 currency = excluded.currency, voided = excluded.voided, data = excluded.data,
                 updated_at = excluded.updated_at",
            &[
                (&c.id).into(),
                account_id.into(),
                c.invoice_id.as_ref().into(),
                c.amount.to_string().into(),
                c.currency.code().into(),
                c.voided.into(),
                json(c).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for p in &diff.promises {
        out.push(stmt(
            db,
            "INSERT INTO promises (id, account_id, promised_date, status, data, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET promised_date = excluded.promised_date,
                 status = excluded.status, data = excluded.data, updated_at = excluded.updated_at",
            &[
                (&p.id).into(),
                account_id.into(),
                p.promised_date.into(),
                enum_text(&p.status).into(),
                json(p).into(),
                ts(p.made_at).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    for d in &diff.disputes {
        out.push(stmt(
            db,
            "INSERT INTO disputes (id, account_id, category, status, opened_at, resolved_at, data, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (id) DO UPDATE SET category = excluded.category, status = excluded.status,
                 resolved_at = excluded.resolved_at, data = excluded.data, updated_at = excluded.updated_at",
            &[
                (&d.id).into(),
                account_id.into(),
                enum_text(&d.category).into(),
                enum_text(&d.status).into(),
                d.opened_at.into(),
                d.resolved_at.into(),
                json(d).into(),
                now_s.clone().into(),
            ],
        )?);
    }
    Ok(out)
}

/// An append-only event-log row.
pub fn event_statement(
    db: &Db,
    account_id: &str,
    event: &nudge_core::event_log::LedgerEvent,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO ledger_events (account_id, at, kind, cause, data) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            account_id.into(),
            event.at.into(),
            (&event.kind).into(),
            (&event.cause).into(),
            event.data.to_string().into(),
        ],
    )
}

/// The serde name of a unit enum variant (`"open"`, `"ap"`), for the query columns.
pub fn enum_text<T: serde::Serialize>(value: &T) -> String {
    match crate::json::value(value) {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The date an auto-reply said the contact is back (no reminders before it).
pub fn out_of_office(
    db: &Db,
    account_id: &str,
    until: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE accounts SET out_of_office_until = ?2, updated_at = ?3 WHERE id = ?1",
        &[account_id.into(), until.into(), P::Text(ts(now))],
    )
}
