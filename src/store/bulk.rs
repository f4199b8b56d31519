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
//! Accounts that already exist go through their object (see `crate::import`). A batch is
//! atomic; an import is not (it reports per-row errors and loads the good rows).

use chrono::{DateTime, Utc};
use nudge_core::ledger::AccountBook;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::D1PreparedStatement;

use super::book::enum_text;
use super::{json as to_json, stmt, ts, Db, Result, StoreError, P};

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

    fn statements(mut self, db: &Db) -> Result<Vec<D1PreparedStatement>> {
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
pub async fn existing_accounts(db: &Db, ids: &[&String]) -> Result<Vec<String>> {
    #[derive(Deserialize)]
    struct Row {
        id: String,
    }
    let mut out = Vec::new();
    for chunk in ids.chunks(5_000) {
        let array = serde_json::to_string(chunk).unwrap_or_else(|_| "[]".into());
        let rows: Vec<Row> = db
            .all(stmt(
                db,
                "SELECT id FROM accounts WHERE id IN (SELECT value FROM json_each(?1))",
                &[P::Text(array)],
            )?)
            .await?;
        out.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(out)
}

/// What the bulk write did.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Written {
    pub statements: usize,
    pub batches: usize,
}

/// Writes new accounts' books (accounts first, then what refers to them, then the log), in
/// batches of [`STATEMENTS_PER_BATCH`]. `reply_tokens[i]` is the token of `books[i]`.
pub async fn insert_new(
    db: &Db,
    books: &[AccountBook],
    reply_tokens: &[String],
    cause: &str,
    now: DateTime<Utc>,
) -> Result<Written> {
    let now_s = ts(now);
    let mut accounts = Chunker::new(ACCOUNTS_SQL);
    let mut contacts = Chunker::new(CONTACTS_SQL);
    let mut invoices = Chunker::new(INVOICES_SQL);
    let mut events = Chunker::new(EVENTS_SQL);
    debug_assert_eq!(
        books.len(),
        reply_tokens.len(),
        "one reply token per new account"
    );
    for (book, reply_token) in books.iter().zip(reply_tokens) {
        let a = &book.account;
        accounts.push(json!({
            "id": a.id, "name": a.name, "stripe_id": a.stripe_id, "erp_id": a.erp_id,
            "strategic": i64::from(a.strategic), "owner": a.owner, "timezone": a.timezone.name(),
            "locale": a.locale, "dunning_enabled": i64::from(a.dunning_enabled),
            "reply_token": reply_token, "data": to_json(a), "now": now_s,
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
    let mut statements = accounts.statements(db)?;
    statements.extend(contacts.statements(db)?);
    statements.extend(invoices.statements(db)?);
    statements.extend(events.statements(db)?);
    let mut written = Written {
        statements: statements.len(),
        batches: 0,
    };
    let mut iter = statements.into_iter().peekable();
    while iter.peek().is_some() {
        let chunk: Vec<D1PreparedStatement> = iter.by_ref().take(STATEMENTS_PER_BATCH).collect();
        db.batch(chunk).await.map_err(|e| {
            StoreError::D1(format!(
                "import write failed after {} of the batches: {e}",
                written.batches
            ))
        })?;
        written.batches += 1;
    }
    Ok(written)
}

/// The seed of tests and benchmarks (`TEST_CLOCKS` only): whole books with their switches,
/// in slices D1 accepts.
pub async fn seed(
    db: &Db,
    seeds: &[(AccountBook, String, Option<bool>, Option<String>)],
    now: DateTime<Utc>,
) -> Result<()> {
    let mut statements = Vec::new();
    for (book, token, shadow, overrides) in seeds {
        let empty = AccountBook::new(nudge_core::ledger::Account::new(
            String::new(),
            String::new(),
        ));
        statements.extend(super::book::save_statements(
            db,
            book,
            &book.diff_since(&empty),
            token,
            now,
        )?);
        statements.push(stmt(
            db,
            "UPDATE accounts SET shadow_mode = ?2, overrides = ?3 WHERE id = ?1",
            &[
                book.account.id.as_str().into(),
                (*shadow).into(),
                overrides.clone().into(),
            ],
        )?);
    }
    // D1 caps a batch's size; large seeds go in slices.
    let mut rest = statements;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(400));
        db.batch(rest).await?;
        rest = tail;
    }
    Ok(())
}
