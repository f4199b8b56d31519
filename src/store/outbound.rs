//! The `outbound_messages` table: every reminder, reply and draft, unique per
//! `(account_id, step_key)`, with its delivery status and attempts.

use chrono::{DateTime, Utc};
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};
use crate::ids;

/// A message row to insert.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub account_id: &'a str,
    pub message_id: &'a str,
    pub step_key: &'a str,
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    /// `pending`, `draft`, `sending`, `sent`, `failed`.
    pub status: &'a str,
}

/// The insert of a message row (ignored if its step already has one).
pub fn insert(db: &Db, m: &NewMessage<'_>, now: DateTime<Utc>) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT OR IGNORE INTO outbound_messages
             (id, account_id, message_id, step_key, kind, to_addr, subject, status, attempts, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0, ?9)",
        &[
            ids::new_id("out", now).into(),
            m.account_id.into(),
            m.message_id.into(),
            m.step_key.into(),
            m.kind.into(),
            m.to.into(),
            m.subject.into(),
            m.status.into(),
            P::Text(ts(now)),
        ],
    )
}

/// How a delivery's attempts are recorded on its row.
#[derive(Debug, Clone, Copy)]
pub enum Attempts {
    /// This delivery made these attempts: add them to the row's count.
    Add(u32),
    /// The total so far (the object's outbox keeps the count across evaluations).
    Total(u32),
}

/// Records a delivery's outcome on the message's row: `sent` (with the time) or `failed`.
pub fn delivery(
    db: &Db,
    account_id: &str,
    step_key: &str,
    sent: bool,
    attempts: Attempts,
    last_error: Option<&str>,
    at: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let (add, n) = match attempts {
        Attempts::Add(n) => (true, n),
        Attempts::Total(n) => (false, n),
    };
    stmt(
        db,
        "UPDATE outbound_messages SET status = ?3,
             attempts = CASE WHEN ?7 = 1 THEN attempts + ?4 ELSE ?4 END, last_error = ?5,
             sent_at = CASE WHEN ?3 = 'sent' THEN ?6 ELSE sent_at END
         WHERE account_id = ?1 AND step_key = ?2",
        &[
            account_id.into(),
            step_key.into(),
            if sent { "sent" } else { "failed" }.into(),
            i64::from(n).into(),
            last_error.into(),
            P::Text(ts(at)),
            add.into(),
        ],
    )
}

/// A rejected draft: its row leaves `draft`.
pub fn reject_draft(db: &Db, account_id: &str, step_key: &str) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE outbound_messages SET status = 'rejected'
         WHERE account_id = ?1 AND step_key = ?2 AND status = 'draft'",
        &[account_id.into(), step_key.into()],
    )
}

/// One stored message.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct MessageRow {
    pub id: String,
    pub account_id: String,
    pub message_id: String,
    pub step_key: String,
    pub kind: String,
    pub to_addr: String,
    pub subject: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// How many messages are in each status.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct StatusCount {
    pub status: String,
    pub n: i64,
}

/// Messages (oldest first) and the counts by status, for one account or all, in one round trip.
pub async fn list(
    db: &Db,
    account_id: Option<&str>,
    status: Option<&str>,
    limit: u32,
) -> Result<(Vec<MessageRow>, Vec<StatusCount>)> {
    let mut results = db
        .batch(vec![
            stmt(
                db,
                "SELECT id, account_id, message_id, step_key, kind, to_addr, subject, status,
                        attempts, last_error, created_at, sent_at
                 FROM outbound_messages
                 WHERE (?1 IS NULL OR account_id = ?1) AND (?2 IS NULL OR status = ?2)
                 ORDER BY created_at, id LIMIT ?3",
                &[account_id.into(), status.into(), i64::from(limit).into()],
            )?,
            stmt(
                db,
                "SELECT status, COUNT(*) AS n FROM outbound_messages
                 WHERE (?1 IS NULL OR account_id = ?1) GROUP BY status ORDER BY status",
                &[account_id.into()],
            )?,
        ])
        .await?;
    Ok((results.rows()?, results.rows()?))
}

/// The accounts our Message-IDs belong to (threading a reply by `In-Reply-To`/`References`).
pub async fn accounts_of_message_ids(
    db: &Db,
    message_ids: &[String],
) -> Result<Vec<(String, String)>> {
    #[derive(serde::Deserialize)]
    struct Row {
        account_id: String,
        message_id: String,
    }
    let rows: Vec<Row> = db
        .all(stmt(
            db,
            "SELECT account_id, message_id FROM outbound_messages
             WHERE message_id IN (SELECT value FROM json_each(?1))",
            &[super::json(&message_ids).into()],
        )?)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.account_id, r.message_id))
        .collect())
}

/// Replies to the account (not failed) created since `since`: the per-day reply cap.
pub async fn replies_since(db: &Db, account_id: &str, since: DateTime<Utc>) -> Result<u32> {
    #[derive(serde::Deserialize)]
    struct Count {
        n: i64,
    }
    let row: Option<Count> = db
        .first(stmt(
            db,
            "SELECT COUNT(*) AS n FROM outbound_messages
             WHERE account_id = ?1 AND step_key LIKE 'reply:%' AND status != 'failed'
               AND created_at >= ?2",
            &[account_id.into(), ts(since).into()],
        )?)
        .await?;
    Ok(row.map_or(0, |c| u32::try_from(c.n).unwrap_or(0)))
}
