//! Bulk writes for `POST /api/import`: an initial load of thousands of invoices in one request.
//!
//! Accounts that do not exist yet are written directly, bypassing their Durable Objects: there is
//! no state to serialise against (nothing has happened to them), and sending 10,000 invoices one
//! object call at a time would not fit a request's budget. Rows go in as JSON arrays expanded by
//! SQLite's `json_each` — one bound parameter per statement carries up to ~800 kB of rows — so a
//! 10,000-invoice import is a few dozen statements in batches of [`STATEMENTS_PER_BATCH`], well
//! inside D1's per-request query limits. Every new account gets `next_action_at = now`, so the
//! next sweep evaluates it, and one `account_imported` event-log row.
//!
//! Accounts that already exist go through their object as an ordinary ledger command (source
//! `import`), so imported snapshots are merged with what webhooks recorded, never overwrite it.
//! A batch is atomic; an import is not (it reports per-row errors and loads the good rows). Re-
//! running the same import is safe: the accounts then exist and are merged through the objects.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use nudge_billing::apply::{self, Applied, Stamps};
use nudge_billing::LedgerChange;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, D1PreparedStatement, Env};

use super::book::enum_text;
use super::{json as to_json, stmt, ts, P};
use crate::account::{client, Command, LedgerCommand};
use crate::http::error::ApiError;

/// Bytes of row JSON per statement (D1 caps a bound string well above this).
const CHUNK_BYTES: usize = 800_000;
/// Statements per D1 batch.
const STATEMENTS_PER_BATCH: usize = 4;

struct Chunker {
    sql: &'static str,
    rows: Vec<String>,
    bytes: usize,
    done: Vec<String>,
}

impl Chunker {
    fn new(sql: &'static str) -> Self {
        Chunker {
            sql,
            rows: Vec::new(),
            bytes: 0,
            done: Vec::new(),
        }
    }

    fn push(&mut self, row: Value) {
        let text = row.to_string();
        if self.bytes + text.len() > CHUNK_BYTES && !self.rows.is_empty() {
            self.flush();
        }
        self.bytes += text.len() + 1;
        self.rows.push(text);
    }

    fn flush(&mut self) {
        if self.rows.is_empty() {
            return;
        }
        let array = format!("[{}]", self.rows.join(","));
        self.rows.clear();
        self.bytes = 0;
        self.done.push(array);
    }

    fn statements(mut self, db: &D1Database) -> worker::Result<Vec<D1PreparedStatement>> {
        self.flush();
        self.done
            .into_iter()
            .map(|array| stmt(db, self.sql, &[P::Text(array)]))
            .collect()
    }
}

const ACCOUNTS_SQL: &str = "INSERT INTO accounts (id, name, stripe_id, erp_id, strategic, owner, timezone, locale,
        dunning_enabled, deleted, reply_token, data, next_action_at, created_at, updated_at)
    SELECT json_extract(value, '$.id'), json_extract(value, '$.name'), json_extract(value, '$.stripe_id'),
        json_extract(value, '$.erp_id'), json_extract(value, '$.strategic'), json_extract(value, '$.owner'),
        json_extract(value, '$.timezone'), json_extract(value, '$.locale'),
        json_extract(value, '$.dunning_enabled'), 0, json_extract(value, '$.reply_token'),
        json_extract(value, '$.data'), json_extract(value, '$.now'), json_extract(value, '$.now'),
        json_extract(value, '$.now')
    FROM json_each(?1) WHERE true
    ON CONFLICT (id) DO NOTHING";

const CONTACTS_SQL: &str = "INSERT INTO contacts (account_id, email, role, status, preferred, data, updated_at)
    SELECT json_extract(value, '$.account_id'), json_extract(value, '$.email'), json_extract(value, '$.role'),
        json_extract(value, '$.status'), json_extract(value, '$.preferred'), json_extract(value, '$.data'),
        json_extract(value, '$.now')
    FROM json_each(?1) WHERE true
    ON CONFLICT (account_id, email) DO NOTHING";

const INVOICES_SQL: &str = "INSERT INTO invoices (id, account_id, number, currency, total, paid, credited,
        open_amount, status, issue_date, due_date, paid_on, data, updated_at)
    SELECT json_extract(value, '$.id'), json_extract(value, '$.account_id'), json_extract(value, '$.number'),
        json_extract(value, '$.currency'), json_extract(value, '$.total'), json_extract(value, '$.paid'),
        json_extract(value, '$.credited'), json_extract(value, '$.open_amount'), json_extract(value, '$.status'),
        json_extract(value, '$.issue_date'), json_extract(value, '$.due_date'), json_extract(value, '$.paid_on'),
        json_extract(value, '$.data'), json_extract(value, '$.now')
    FROM json_each(?1) WHERE true
    ON CONFLICT (id) DO NOTHING";

const EVENTS_SQL: &str = "INSERT INTO ledger_events (account_id, at, kind, cause, data)
    SELECT json_extract(value, '$.account_id'), json_extract(value, '$.now'), 'account_imported',
        json_extract(value, '$.cause'), json_extract(value, '$.data')
    FROM json_each(?1)";

/// Which of `ids` already have an account row.
async fn existing_accounts(db: &D1Database, ids: &[&String]) -> worker::Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        let array = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
        let rows: Vec<Row> = stmt(
            db,
            "SELECT id FROM accounts WHERE id IN (SELECT value FROM json_each(?1))",
            &[P::Text(array)],
        )?
        .all()
        .await?
        .results()?;
        out.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(out)
}

/// Writes an import's changes; returns counts of what was written and how.
pub async fn write_import(
    db: &D1Database,
    env: &Env,
    changes: Vec<LedgerChange>,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    let import_id = crate::ids::new_id("import", now);
    let cause = format!("import:{import_id}");
    let now_s = ts(now);
    let mut by_account: BTreeMap<String, Vec<LedgerChange>> = BTreeMap::new();
    for change in changes {
        if let Some(account) = change.account_ref() {
            by_account
                .entry(account.to_string())
                .or_default()
                .push(change);
        }
    }
    let ids: Vec<&String> = by_account.keys().collect();
    let existing = existing_accounts(db, &ids).await?;

    let mut accounts = Chunker::new(ACCOUNTS_SQL);
    let mut contacts = Chunker::new(CONTACTS_SQL);
    let mut invoices = Chunker::new(INVOICES_SQL);
    let mut events = Chunker::new(EVENTS_SQL);
    let mut new_accounts = 0usize;
    let mut merged = Vec::new();
    for (account_id, changes) in &by_account {
        if existing.contains(account_id) {
            merged.push(account_id.clone());
            continue;
        }
        new_accounts += 1;
        let mut book = apply::new_book(account_id, changes);
        let mut stamps = Stamps::default();
        let mut applied = Applied::default();
        for change in changes {
            apply::apply(&mut book, &mut stamps, change, &cause, now, &mut applied);
        }
        let a = &book.account;
        accounts.push(json!({
            "id": a.id, "name": a.name, "stripe_id": a.stripe_id, "erp_id": a.erp_id,
            "strategic": i64::from(a.strategic), "owner": a.owner, "timezone": a.timezone.name(),
            "locale": a.locale, "dunning_enabled": i64::from(a.dunning_enabled),
            "reply_token": crate::account::new_reply_token(), "data": to_json(a), "now": now_s,
        }));
        for c in &book.contacts {
            contacts.push(json!({
                "account_id": a.id, "email": c.email, "role": enum_text(&c.role),
                "status": enum_text(&c.status), "preferred": i64::from(c.preferred),
                "data": to_json(c), "now": now_s,
            }));
        }
        for i in &book.invoices {
            invoices.push(json!({
                "id": i.id, "account_id": a.id, "number": i.number, "currency": i.currency.code(),
                "total": i.total.to_string(), "paid": i.paid.to_string(),
                "credited": i.credited.to_string(), "open_amount": i.open_amount().to_string(),
                "status": enum_text(&i.status), "issue_date": i.issue_date.to_string(),
                "due_date": i.due_date.to_string(), "paid_on": i.paid_on.map(|d| d.to_string()),
                "data": to_json(i), "now": now_s,
            }));
        }
        events.push(json!({
            "account_id": a.id, "now": now_s, "cause": cause,
            "data": json!({"contacts": book.contacts.len(), "invoices": book.invoices.len()}).to_string(),
        }));
    }
    // Accounts first, then what refers to them, then the log.
    let mut statements = accounts.statements(db)?;
    statements.extend(contacts.statements(db)?);
    statements.extend(invoices.statements(db)?);
    statements.extend(events.statements(db)?);
    let statement_count = statements.len();
    let mut batches = 0usize;
    let mut iter = statements.into_iter().peekable();
    while iter.peek().is_some() {
        let chunk: Vec<D1PreparedStatement> = iter.by_ref().take(STATEMENTS_PER_BATCH).collect();
        db.batch(chunk).await.map_err(|e| {
            ApiError::Internal(format!(
                "import write failed after {batches} of the batches: {e}"
            ))
        })?;
        batches += 1;
    }

    // Existing accounts: merged by their objects like any ledger event.
    for account_id in &merged {
        let changes = by_account.remove(account_id).unwrap_or_default();
        client::send(
            env,
            account_id,
            Command::Ledger(LedgerCommand {
                source: "import".into(),
                event_id: format!("{import_id}:{account_id}"),
                event_type: "import".into(),
                changes,
            }),
        )
        .await?;
    }
    Ok(json!({
        "import_id": import_id,
        "new_accounts": new_accounts,
        "existing_accounts": merged.len(),
        "statements": statement_count,
        "batches": batches,
    }))
}
