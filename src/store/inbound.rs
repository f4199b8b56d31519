//! The `inbound_messages` table (every message received, stored before anything else) and the
//! look-ups that thread a message to its account.

use chrono::{DateTime, Utc};
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};
use crate::address::EmailAddress;

/// A message as received.
pub struct Received<'a> {
    pub id: &'a str,
    pub received_at: DateTime<Utc>,
    pub envelope_from: &'a str,
    pub envelope_to: &'a str,
    pub message_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub size: usize,
    /// The raw bytes, when small enough to keep in the row.
    pub raw: Option<&'a [u8]>,
}

/// Stores a received message. If this fails the handler fails and the sending server retries.
pub async fn insert_received(db: &Db, m: &Received<'_>) -> Result<()> {
    let received_at = ts(m.received_at);
    let statement = db_prepare_blob(db, m, &received_at)?;
    db.run(statement).await?;
    Ok(())
}

/// The insert with the raw bytes bound as a BLOB (the typed binder of `worker` takes slices).
fn db_prepare_blob(db: &Db, m: &Received<'_>, received_at: &str) -> Result<D1PreparedStatement> {
    use worker::D1Type;
    Ok(db
        .raw_prepare(
            "INSERT INTO inbound_messages (id, received_at, envelope_from, envelope_to, message_id,
                 subject, raw_size, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind_refs([
            &D1Type::Text(m.id),
            &D1Type::Text(received_at),
            &D1Type::Text(m.envelope_from),
            &D1Type::Text(m.envelope_to),
            &m.message_id.map_or(D1Type::Null, D1Type::Text),
            &m.subject.map_or(D1Type::Null, D1Type::Text),
            &D1Type::Real(m.size as f64),
            &m.raw.map_or(D1Type::Null, D1Type::Blob),
        ])?)
}

/// The earlier, already handled copy of this message (same Message-ID and envelope sender).
pub async fn duplicate_of(db: &Db, id: &str) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        id: String,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT b.id AS id FROM inbound_messages a JOIN inbound_messages b
                 ON b.message_id = a.message_id AND b.envelope_from = a.envelope_from AND b.id != a.id
             WHERE a.id = ?1 AND a.message_id IS NOT NULL AND b.processed_at IS NOT NULL
               AND b.status != 'dead_letter'
             ORDER BY b.received_at LIMIT 1",
            &[id.into()],
        )?)
        .await?;
    Ok(row.map(|r| r.id))
}

/// How the message was understood (written by the account's object with its actions, or by
/// the handler for a message no account could be found for).
pub struct Understood<'a> {
    pub account_id: Option<&'a str>,
    pub matched_by: Option<&'a str>,
    pub kind: &'a str,
    /// JSON of the classification.
    pub classification: &'a str,
    /// JSON of the threading facts.
    pub parsed: &'a str,
}

/// The statement recording how a message was threaded and classified.
pub fn understood(db: &Db, id: &str, u: &Understood<'_>) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE inbound_messages SET account_id = ?2, matched_by = ?3, kind = ?4,
             classification = ?5, parsed = ?6 WHERE id = ?1",
        &[
            id.into(),
            u.account_id.into(),
            u.matched_by.into(),
            u.kind.into(),
            u.classification.into(),
            u.parsed.into(),
        ],
    )
}

/// The statement recording what was done with a message.
pub fn finished(
    db: &Db,
    id: &str,
    status: &str,
    action: &str,
    summary: &str,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE inbound_messages SET status = ?2, action = ?3, summary = ?4, processed_at = ?5
         WHERE id = ?1",
        &[
            id.into(),
            status.into(),
            action.into(),
            summary.into(),
            P::Text(ts(now)),
        ],
    )
}

/// A message that could not be processed: kept with its error.
pub async fn dead_letter(db: &Db, id: &str, error: &str, now: DateTime<Utc>) -> Result<()> {
    db.run(stmt(
        db,
        "UPDATE inbound_messages SET status = 'dead_letter', action = 'forwarded_dead_letter',
             error = ?2, processed_at = ?3 WHERE id = ?1",
        &[id.into(), error.into(), ts(now).into()],
    )?)
    .await?;
    Ok(())
}

/// What was done with a message already (a retried command answers it again).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Outcome {
    pub status: String,
    pub action: Option<String>,
    pub summary: Option<String>,
    pub processed_at: Option<String>,
}

#[derive(serde::Deserialize)]
struct AccountIdRow {
    account_id: String,
}

/// The account whose reply token this is.
pub async fn account_of_token(db: &Db, token: &str) -> Result<Option<String>> {
    let row: Option<AccountIdRow> = db
        .first(stmt(
            db,
            "SELECT id AS account_id FROM accounts WHERE reply_token = ?1",
            &[token.into()],
        )?)
        .await?;
    Ok(row.map(|r| r.account_id))
}

/// Up to two live accounts with a contact at this address.
pub async fn accounts_of_contact(db: &Db, address: &EmailAddress) -> Result<Vec<String>> {
    let rows: Vec<AccountIdRow> = db
        .all(stmt(
            db,
            "SELECT DISTINCT c.account_id AS account_id FROM contacts c
             JOIN accounts a ON a.id = c.account_id
             WHERE c.email = ?1 AND a.deleted = 0 LIMIT 2",
            &[address.into()],
        )?)
        .await?;
    Ok(rows.into_iter().map(|r| r.account_id).collect())
}

/// Up to two live accounts with contacts at this domain.
pub async fn accounts_of_domain(db: &Db, domain: &str) -> Result<Vec<String>> {
    let rows: Vec<AccountIdRow> = db
        .all(stmt(
            db,
            "SELECT DISTINCT c.account_id AS account_id FROM contacts c
             JOIN accounts a ON a.id = c.account_id
             WHERE substr(c.email, instr(c.email, '@') + 1) = ?1 AND a.deleted = 0 LIMIT 2",
            &[domain.into()],
        )?)
        .await?;
    Ok(rows.into_iter().map(|r| r.account_id).collect())
}

/// The account's timezone and locale (to read dates in the customer's terms).
pub async fn account_locale(db: &Db, account_id: &str) -> Result<Option<(String, String)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        timezone: String,
        locale: String,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT timezone, locale FROM accounts WHERE id = ?1",
            &[account_id.into()],
        )?)
        .await?;
    Ok(row.map(|r| (r.timezone, r.locale)))
}

/// One stored message, as the API shows it.
#[derive(Debug, serde::Deserialize)]
pub struct MessageRow {
    pub id: String,
    pub received_at: String,
    pub envelope_from: String,
    pub envelope_to: String,
    pub message_id: Option<String>,
    pub subject: Option<String>,
    pub raw_size: i64,
    pub account_id: Option<String>,
    pub kind: Option<String>,
    pub classification: Option<String>,
    pub matched_by: Option<String>,
    pub action: Option<String>,
    pub summary: Option<String>,
    pub status: String,
    pub error: Option<String>,
    pub processed_at: Option<String>,
    pub parsed: Option<String>,
}

const COLUMNS: &str = "id, received_at, envelope_from, envelope_to, message_id, subject, raw_size,
    account_id, kind, classification, matched_by, action, summary, status, error, processed_at, parsed";

/// The newest messages, filtered by status and account.
pub async fn list(
    db: &Db,
    limit: u32,
    status: Option<&str>,
    account_id: Option<&str>,
) -> Result<Vec<MessageRow>> {
    db.all(stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM inbound_messages
             WHERE (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR account_id = ?3)
             ORDER BY received_at DESC, id DESC LIMIT ?1"
        ),
        &[i64::from(limit).into(), status.into(), account_id.into()],
    )?)
    .await
}

/// One message with what it led to: its replies, tasks and approvals (one round trip).
pub async fn detail(
    db: &Db,
    id: &str,
    reply_step_key: &str,
) -> Result<Option<(MessageRow, [Vec<serde_json::Value>; 3])>> {
    let mut results = db
        .batch(vec![
            stmt(
                db,
                &format!("SELECT {COLUMNS} FROM inbound_messages WHERE id = ?1"),
                &[id.into()],
            )?,
            stmt(
                db,
                "SELECT id, account_id, message_id, kind, to_addr, subject, status, attempts,
                        last_error, created_at, sent_at
                 FROM outbound_messages WHERE step_key = ?1",
                &[reply_step_key.into()],
            )?,
            stmt(
                db,
                "SELECT id, account_id, kind, status, summary, created_at FROM tasks
                 WHERE json_extract(context, '$.inbound_message_id') = ?1 ORDER BY created_at, id",
                &[id.into()],
            )?,
            stmt(
                db,
                "SELECT id, account_id, kind, status, summary, created_at FROM approvals
                 WHERE step_key = ?1",
                &[format!("inbound:{id}").into()],
            )?,
        ])
        .await?;
    let row: Option<MessageRow> = results.rows()?.into_iter().next();
    let related = [results.rows()?, results.rows()?, results.rows()?];
    Ok(row.map(|r| (r, related)))
}
