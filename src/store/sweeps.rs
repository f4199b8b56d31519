//! The sweep's tables: `sweep_runs` (one row per sweep) and the due-account index of
//! `accounts` (`next_action_at`), walked with a keyset cursor.

use chrono::{DateTime, Utc};
use serde_json::Value;
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};

/// The account's stage, next evaluation and last decision (the evaluation's write).
pub fn account_decided(
    db: &Db,
    account_id: &str,
    stage: &str,
    next: DateTime<Utc>,
    decision: &Value,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE accounts SET stage = ?2, next_action_at = ?3, last_decision = ?4 WHERE id = ?1",
        &[
            account_id.into(),
            stage.into(),
            P::Text(ts(next)),
            decision.to_string().into(),
        ],
    )
}

/// The account is due now (a ledger change, an approval decided): the sweep picks it up if its
/// own timer does not.
pub fn account_due(
    db: &Db,
    account_id: &str,
    at: Option<DateTime<Utc>>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE accounts SET next_action_at = ?2 WHERE id = ?1",
        &[account_id.into(), at.into()],
    )
}

/// Records the start of a sweep.
pub async fn start(
    db: &Db,
    id: &str,
    trigger: &str,
    as_of: DateTime<Utc>,
    started: DateTime<Utc>,
) -> Result<()> {
    db.run(stmt(
        db,
        "INSERT INTO sweep_runs (id, trigger, as_of, started_at) VALUES (?1, ?2, ?3, ?4)",
        &[
            id.into(),
            trigger.into(),
            P::Text(ts(as_of)),
            P::Text(ts(started)),
        ],
    )?)
    .await?;
    Ok(())
}

/// Records a sweep's figures.
pub async fn finish(
    db: &Db,
    id: &str,
    finished: DateTime<Utc>,
    due: usize,
    done: usize,
    errors: usize,
) -> Result<()> {
    let n = |v: usize| P::Int(i64::try_from(v).unwrap_or(i64::MAX));
    db.run(stmt(
        db,
        "UPDATE sweep_runs SET finished_at = ?2, accounts_due = ?3, accounts_done = ?4, errors = ?5
         WHERE id = ?1",
        &[id.into(), P::Text(ts(finished)), n(due), n(done), n(errors)],
    )?)
    .await?;
    Ok(())
}

/// One sweep run.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct RunRow {
    pub id: String,
    pub trigger: String,
    pub as_of: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub accounts_due: i64,
    pub accounts_done: i64,
    pub errors: i64,
}

/// The 50 most recent sweeps, newest first.
pub async fn recent(db: &Db) -> Result<Vec<RunRow>> {
    db.all(stmt(
        db,
        "SELECT id, trigger, as_of, started_at, finished_at, accounts_due, accounts_done, errors
         FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT 50",
        &[],
    )?)
    .await
}

/// A due account and its cursor key.
#[derive(Debug, serde::Deserialize)]
pub struct DueRow {
    pub id: String,
    pub next_action_at: Option<String>,
}

/// One account by id (an operator's sweep of one account).
pub async fn one(db: &Db, id: &str) -> Result<Vec<DueRow>> {
    db.all(stmt(
        db,
        "SELECT id, next_action_at FROM accounts WHERE id = ?1",
        &[id.into()],
    )?)
    .await
}

/// Accounts never evaluated that have an open invoice, by id after `cursor`.
pub async fn never_evaluated(db: &Db, cursor: &str, limit: i64) -> Result<Vec<DueRow>> {
    db.all(stmt(
        db,
        "SELECT id, next_action_at FROM accounts
         WHERE next_action_at IS NULL AND deleted = 0 AND id > ?1
           AND EXISTS (SELECT 1 FROM invoices i WHERE i.account_id = accounts.id AND i.status = 'open')
         ORDER BY id LIMIT ?2",
        &[cursor.into(), limit.into()],
    )?)
    .await
}

/// Accounts due by `cutoff`, in `(next_action_at, id)` order after the cursor.
pub async fn due(db: &Db, cutoff: &str, cursor: (&str, &str), limit: i64) -> Result<Vec<DueRow>> {
    db.all(stmt(
        db,
        "SELECT id, next_action_at FROM accounts
         WHERE next_action_at <= ?1 AND deleted = 0
           AND (next_action_at > ?2 OR (next_action_at = ?2 AND id > ?3))
         ORDER BY next_action_at, id LIMIT ?4",
        &[
            cutoff.into(),
            cursor.0.into(),
            cursor.1.into(),
            limit.into(),
        ],
    )?)
    .await
}

/// Pushes failed accounts' next evaluation back, so a broken account cannot starve the others.
pub async fn push_back(db: &Db, account_ids: &[String], later: DateTime<Utc>) -> Result<()> {
    let statements = account_ids
        .iter()
        .map(|a| account_due(db, a, Some(later)))
        .collect::<Result<Vec<_>>>()?;
    db.batch(statements).await?;
    Ok(())
}
