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

/// Records the start of a sweep; `mode` is `inline` or `queue`.
pub async fn start(
    db: &Db,
    id: &str,
    trigger: &str,
    mode: &str,
    as_of: DateTime<Utc>,
    started: DateTime<Utc>,
) -> Result<()> {
    db.run(stmt(
        db,
        "INSERT INTO sweep_runs (id, trigger, mode, as_of, started_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            id.into(),
            trigger.into(),
            mode.into(),
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
    /// `inline` or `queue`.
    pub mode: String,
    pub as_of: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub accounts_due: i64,
    pub accounts_done: i64,
    pub errors: i64,
    /// Queue messages the producer sent (0 inline).
    pub messages: i64,
    /// Message deliveries a consumer handed back for redelivery.
    pub retries: i64,
}

/// The 50 most recent sweeps, newest first.
pub async fn recent(db: &Db) -> Result<Vec<RunRow>> {
    db.all(stmt(
        db,
        "SELECT id, trigger, mode, as_of, started_at, finished_at, accounts_due, accounts_done,
                errors, messages, retries
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

/// A claimed account (the producer's `RETURNING` row).
#[derive(Debug, serde::Deserialize)]
pub struct Claimed {
    pub id: String,
}

/// Claims up to `limit` never-evaluated accounts with an open invoice for the queue: their
/// `next_action_at` becomes `lease` (so they leave the due set and the next page, or an
/// overlapping sweep, does not pick them again) and their ids come back. One round trip. The
/// evaluation overwrites the lease with the policy's next time; an account whose message is lost
/// or dead-lettered is due again when the lease runs out.
pub async fn claim_never_evaluated(db: &Db, lease: &str, limit: i64) -> Result<Vec<Claimed>> {
    db.all(stmt(
        db,
        "UPDATE accounts SET next_action_at = ?1
         WHERE id IN (SELECT a.id FROM accounts a
                      WHERE a.next_action_at IS NULL AND a.deleted = 0
                        AND EXISTS (SELECT 1 FROM invoices i
                                    WHERE i.account_id = a.id AND i.status = 'open')
                      ORDER BY a.id LIMIT ?2)
         RETURNING id",
        &[lease.into(), limit.into()],
    )?)
    .await
}

/// Claims up to `limit` accounts due by `cutoff` (oldest first) for the queue, as
/// [`claim_never_evaluated`] does: one round trip, no cursor needed (claimed accounts are no
/// longer due).
pub async fn claim_due(db: &Db, cutoff: &str, lease: &str, limit: i64) -> Result<Vec<Claimed>> {
    db.all(stmt(
        db,
        "UPDATE accounts SET next_action_at = ?1
         WHERE id IN (SELECT a.id FROM accounts a
                      WHERE a.next_action_at <= ?2 AND a.deleted = 0
                      ORDER BY a.next_action_at, a.id LIMIT ?3)
         RETURNING id",
        &[lease.into(), cutoff.into(), limit.into()],
    )?)
    .await
}

/// The producer is done: what it enqueued (`due`), what it could not (`errors`) and how many
/// messages it sent. The run is finished now if the consumers have already done the rest.
pub async fn enqueued(
    db: &Db,
    id: &str,
    due: usize,
    errors: usize,
    messages: usize,
    now: DateTime<Utc>,
) -> Result<()> {
    let n = |v: usize| P::Int(i64::try_from(v).unwrap_or(i64::MAX));
    db.run(stmt(
        db,
        "UPDATE sweep_runs SET accounts_due = ?2, errors = errors + ?3, messages = ?4,
           finished_at = CASE WHEN accounts_done + errors + ?3 >= ?2 THEN ?5 END
         WHERE id = ?1",
        &[id.into(), n(due), n(errors), n(messages), P::Text(ts(now))],
    )?)
    .await?;
    Ok(())
}

/// A consumer's progress on one run: accounts evaluated (their message acknowledged), accounts
/// given up (their message dead-lettered), deliveries handed back. The run is finished when
/// `accounts_done + errors` reaches `accounts_due` (which the producer writes last, so a run
/// whose producer is still enqueueing, `accounts_due = 0`, is not finished early).
pub fn progress(
    db: &Db,
    id: &str,
    done: usize,
    errors: usize,
    retries: usize,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    let n = |v: usize| P::Int(i64::try_from(v).unwrap_or(i64::MAX));
    stmt(
        db,
        "UPDATE sweep_runs SET accounts_done = accounts_done + ?2, errors = errors + ?3,
           retries = retries + ?4,
           finished_at = CASE
             WHEN finished_at IS NULL AND accounts_due > 0
                  AND accounts_done + ?2 + errors + ?3 >= accounts_due THEN ?5
             ELSE finished_at END
         WHERE id = ?1",
        &[id.into(), n(done), n(errors), n(retries), P::Text(ts(now))],
    )
}
