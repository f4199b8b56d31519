//! An account's whole record, loaded in ONE D1 round trip: the book (account, contacts,
//! invoices, payments, credit notes, promises, disputes) plus what the account's object needs
//! besides — the account row's extras (reply token, overrides, shadow switch, out-of-office
//! date, source stamps), the unapplied-cash queue, the thread so far, the final-escalation
//! approvals, the operator's settings, and, when asked, which webhook events were already
//! applied and how many replies went out today.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_billing::apply::Stamps;
use nudge_core::approval::Approval;
use nudge_core::ledger::{AccountBook, Payment, PaymentRefs};
use serde::de::DeserializeOwned;

use super::approvals::{self, ApprovalRow};
use super::settings::{Settings, SETTINGS_KEYS};
use super::{stmt, ts, Db, Result, P};

/// What to load besides the book.
#[derive(Debug, Default, Clone)]
pub struct Want<'a> {
    /// Check these webhook event ids of this source against `webhook_events`.
    pub events: Option<(&'a str, &'a [String])>,
    /// Count the replies sent to the account since this time (the per-day reply cap).
    pub replies_since: Option<DateTime<Utc>>,
    /// Read what was done with this inbound message so far.
    pub inbound_message: Option<&'a str>,
}

/// The account row's columns that are not part of the domain `Account`.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The `ar+<token>` of the account's reply address (empty for an unknown account).
    pub reply_token: String,
    /// Per-account policy overrides (JSON text, validated by the caller).
    pub overrides: Option<String>,
    /// Per-account shadow switch; `None` follows the global setting.
    pub shadow_mode: Option<bool>,
    /// From an auto-reply: no reminders before this date.
    pub out_of_office_until: Option<NaiveDate>,
    /// The sources' `updated_at` stamps (out-of-order updates are refused by them).
    pub stamps: Stamps,
    /// Payments waiting in the unapplied-cash queue.
    pub queued_payments: Vec<String>,
    /// Message-IDs of the reminders sent so far, oldest first (the thread's `References`).
    pub thread_ids: Vec<String>,
    /// The policy's final-escalation approvals, oldest first.
    pub approvals: Vec<Approval>,
    /// Webhook event ids (of [`Want::events`]) already applied or acknowledged.
    pub seen_events: Vec<String>,
    /// Replies sent since [`Want::replies_since`].
    pub replies_since: u32,
    /// The outcome so far of [`Want::inbound_message`].
    pub inbound: Option<super::inbound::Outcome>,
}

/// The book (`None` for an account D1 does not know yet), its extras and the settings.
#[derive(Debug, Clone)]
pub struct AccountRecord {
    pub book: Option<AccountBook>,
    pub extras: Extras,
    pub settings: Settings,
}

#[derive(serde::Deserialize)]
struct AccountRow {
    data: String,
    deleted: i64,
    reply_token: String,
    overrides: Option<String>,
    shadow_mode: Option<i64>,
    out_of_office_until: Option<String>,
    source_updated_at: Option<String>,
}

#[derive(serde::Deserialize)]
struct DataRow {
    data: String,
}

#[derive(serde::Deserialize)]
struct InvoiceRow {
    id: String,
    data: String,
    source_updated_at: Option<String>,
}

#[derive(serde::Deserialize)]
struct PaymentRow {
    id: String,
    status: String,
    data: String,
    charge_ref: Option<String>,
    payment_intent_ref: Option<String>,
    suggestions: Option<String>,
}

#[derive(serde::Deserialize)]
struct IdRow {
    id: String,
}

#[derive(serde::Deserialize)]
struct CountRow {
    n: i64,
}

fn parse_all<T: DeserializeOwned>(rows: Vec<DataRow>, table: &'static str) -> Result<Vec<T>> {
    rows.iter().map(|r| super::data(&r.data, table)).collect()
}

fn parse_ts(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// Loads the account's record in one round trip.
pub async fn load(db: &Db, account_id: &str, want: &Want<'_>) -> Result<AccountRecord> {
    let id = || -> P { account_id.into() };
    let mut statements = vec![
        stmt(
            db,
            "SELECT data, deleted, reply_token, overrides, shadow_mode, out_of_office_until,
                    source_updated_at
             FROM accounts WHERE id = ?1",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT data FROM contacts WHERE account_id = ?1 ORDER BY email",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT id, data, source_updated_at FROM invoices WHERE account_id = ?1
             ORDER BY due_date, id",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT id, status, data, charge_ref, payment_intent_ref, suggestions FROM payments
             WHERE account_id = ?1 ORDER BY received_on, id",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT data FROM credit_notes WHERE account_id = ?1 ORDER BY id",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT data FROM promises WHERE account_id = ?1 ORDER BY created_at, id",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT data FROM disputes WHERE account_id = ?1 ORDER BY opened_at, id",
            &[id()],
        )?,
        stmt(
            db,
            "SELECT message_id AS id FROM outbound_messages
             WHERE account_id = ?1 AND status = 'sent'
             ORDER BY created_at, id",
            &[id()],
        )?,
        approvals::review_query(db, account_id)?,
        super::settings::query(db, SETTINGS_KEYS)?,
    ];
    if let Some((source, events)) = want.events {
        // One bound parameter whatever the batch's size (D1 caps parameters per statement).
        statements.push(stmt(
            db,
            "SELECT event_id AS id FROM webhook_events
             WHERE source = ?1 AND event_id IN (SELECT value FROM json_each(?2))",
            &[source.into(), super::json(&events).into()],
        )?);
    }
    if let Some(since) = want.replies_since {
        statements.push(stmt(
            db,
            "SELECT COUNT(*) AS n FROM outbound_messages
             WHERE account_id = ?1 AND step_key LIKE 'reply:%' AND status != 'failed'
               AND created_at >= ?2",
            &[id(), ts(since).into()],
        )?);
    }
    if let Some(message) = want.inbound_message {
        statements.push(stmt(
            db,
            "SELECT status, action, summary, processed_at FROM inbound_messages WHERE id = ?1",
            &[message.into()],
        )?);
    }
    let mut results = db.batch(statements).await?;

    let account: Option<AccountRow> = results.rows()?.into_iter().next();
    let contacts: Vec<DataRow> = results.rows()?;
    let invoices: Vec<InvoiceRow> = results.rows()?;
    let payments: Vec<PaymentRow> = results.rows()?;
    let credit_notes: Vec<DataRow> = results.rows()?;
    let promises: Vec<DataRow> = results.rows()?;
    let disputes: Vec<DataRow> = results.rows()?;
    let thread: Vec<IdRow> = results.rows()?;
    let approval_rows: Vec<ApprovalRow> = results.rows()?;
    let settings = Settings::from_rows(results.rows()?);
    let seen_events: Vec<IdRow> = if want.events.is_some() {
        results.rows()?
    } else {
        Vec::new()
    };
    let replies_since = if want.replies_since.is_some() {
        let counts: Vec<CountRow> = results.rows()?;
        counts
            .first()
            .map_or(0, |c| u32::try_from(c.n).unwrap_or(0))
    } else {
        0
    };

    let inbound = if want.inbound_message.is_some() {
        results.rows()?.into_iter().next()
    } else {
        None
    };

    let mut extras = Extras {
        inbound,
        thread_ids: thread.into_iter().map(|r| r.id).collect(),
        approvals: approvals::for_policy(approval_rows),
        seen_events: seen_events.into_iter().map(|r| r.id).collect(),
        replies_since,
        ..Extras::default()
    };
    let Some(row) = account else {
        return Ok(AccountRecord {
            book: None,
            extras,
            settings,
        });
    };
    let mut book = AccountBook::new(super::data(&row.data, "accounts")?);
    book.deleted = row.deleted != 0;
    book.contacts = parse_all(contacts, "contacts")?;
    for r in invoices {
        if let Some(t) = parse_ts(r.source_updated_at.as_deref()) {
            extras.stamps.invoices.insert(r.id.clone(), t);
        }
        book.invoices.push(super::data(&r.data, "invoices")?);
    }
    for r in payments {
        let payment: Payment = super::data(&r.data, "payments")?;
        if r.status != "applied" && r.suggestions.is_some() {
            extras.queued_payments.push(r.id.clone());
        }
        if r.charge_ref.is_some() || r.payment_intent_ref.is_some() {
            book.payment_refs.insert(
                payment.id.clone(),
                PaymentRefs {
                    charge_ref: r.charge_ref,
                    payment_intent_ref: r.payment_intent_ref,
                },
            );
        }
        book.payments.push(payment);
    }
    book.credit_notes = parse_all(credit_notes, "credit_notes")?;
    book.promises = parse_all(promises, "promises")?;
    book.disputes = parse_all(disputes, "disputes")?;
    extras.reply_token = row.reply_token;
    extras.overrides = row
        .overrides
        .filter(|s| !s.trim().is_empty() && s != "null");
    extras.shadow_mode = row.shadow_mode.map(|v| v != 0);
    extras.out_of_office_until = row
        .out_of_office_until
        .as_deref()
        .and_then(|d| d.get(..10))
        .and_then(|d| d.parse().ok());
    extras.stamps.account = parse_ts(row.source_updated_at.as_deref());
    Ok(AccountRecord {
        book: Some(book),
        extras,
        settings,
    })
}
