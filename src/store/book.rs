//! Loading one account's [`AccountBook`] from D1 and writing back what changed.
//!
//! Rows keep the whole domain struct as JSON in `data`; the other columns are copies for queries.
//! A save is one D1 batch (a transaction): an event's changes land together or not at all.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{AccountBook, BookDiff, PaymentRefs};
use serde::de::DeserializeOwned;
use worker::{D1Database, D1PreparedStatement};

use super::{json, stmt, ts, P};

#[derive(serde::Deserialize)]
struct DataRow {
    data: String,
}

#[derive(serde::Deserialize)]
struct AccountRow {
    data: String,
    deleted: i64,
}

#[derive(serde::Deserialize)]
struct PaymentRow {
    data: String,
    charge_ref: Option<String>,
    payment_intent_ref: Option<String>,
}

fn parse_rows<T: DeserializeOwned>(rows: Vec<DataRow>, table: &str) -> worker::Result<Vec<T>> {
    rows.into_iter()
        .map(|r| {
            serde_json::from_str(&r.data)
                .map_err(|e| worker::Error::RustError(format!("corrupt {table} row: {e}")))
        })
        .collect()
}

/// Loads the book of `account_id`, or `None` if the account is unknown. One round trip.
pub async fn load(db: &D1Database, account_id: &str) -> worker::Result<Option<AccountBook>> {
    let id = || -> P { account_id.into() };
    let mut results = super::batch(
        db,
        vec![
            stmt(db, "SELECT data, deleted FROM accounts WHERE id = ?1", &[id()])?,
            stmt(db, "SELECT data FROM contacts WHERE account_id = ?1 ORDER BY email", &[id()])?,
            stmt(db, "SELECT data FROM invoices WHERE account_id = ?1 ORDER BY due_date, id", &[id()])?,
            stmt(
                db,
                "SELECT data, charge_ref, payment_intent_ref FROM payments WHERE account_id = ?1 ORDER BY received_on, id",
                &[id()],
            )?,
            stmt(db, "SELECT data FROM credit_notes WHERE account_id = ?1 ORDER BY id", &[id()])?,
            stmt(db, "SELECT data FROM promises WHERE account_id = ?1 ORDER BY created_at, id", &[id()])?,
            stmt(db, "SELECT data FROM disputes WHERE account_id = ?1 ORDER BY opened_at, id", &[id()])?,
        ],
    )
    .await?;

    let accounts: Vec<AccountRow> = results.next()?.results()?;
    let Some(account_row) = accounts.into_iter().next() else {
        return Ok(None);
    };
    let account = serde_json::from_str(&account_row.data)
        .map_err(|e| worker::Error::RustError(format!("corrupt account row: {e}")))?;
    let mut book = AccountBook::new(account);
    book.deleted = account_row.deleted != 0;
    book.contacts = parse_rows(results.next()?.results()?, "contacts")?;
    book.invoices = parse_rows(results.next()?.results()?, "invoices")?;
    let payment_rows: Vec<PaymentRow> = results.next()?.results()?;
    for row in payment_rows {
        let payment: nudge_core::ledger::Payment = serde_json::from_str(&row.data)
            .map_err(|e| worker::Error::RustError(format!("corrupt payments row: {e}")))?;
        if row.charge_ref.is_some() || row.payment_intent_ref.is_some() {
            book.payment_refs.insert(
                payment.id.clone(),
                PaymentRefs {
                    charge_ref: row.charge_ref,
                    payment_intent_ref: row.payment_intent_ref,
                },
            );
        }
        book.payments.push(payment);
    }
    book.credit_notes = parse_rows(results.next()?.results()?, "credit_notes")?;
    book.promises = parse_rows(results.next()?.results()?, "promises")?;
    book.disputes = parse_rows(results.next()?.results()?, "disputes")?;
    Ok(Some(book))
}

/// The statements that write `diff` (new and changed rows of `book`). Callers add their own
/// statements (event log, idempotency record) and run everything as one batch.
pub fn save_statements(
    db: &D1Database,
    book: &AccountBook,
    diff: &BookDiff<'_>,
    reply_token: &str,
    now: DateTime<Utc>,
) -> worker::Result<Vec<D1PreparedStatement>> {
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
    db: &D1Database,
    account_id: &str,
    event: &nudge_core::event_log::LedgerEvent,
) -> worker::Result<D1PreparedStatement> {
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
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}
