//! The `tasks` table: work for people (find a contact, the owner steps in, unmatched mail, a
//! dispute to review, an approved escalation to carry out). Unique per `(account_id, step_key)`
//! when a policy step made them.

use chrono::{DateTime, Utc};
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};
use crate::ids;

/// A task to insert.
#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub account_id: Option<&'a str>,
    pub kind: &'a str,
    pub assignee: Option<&'a str>,
    pub summary: &'a str,
    /// Set when a step made it: the same step never makes a second task.
    pub step_key: Option<&'a str>,
    /// JSON text: what the person needs to act.
    pub context: &'a str,
}

/// The insert statement of one task (ignored if its step already made one).
pub fn insert(db: &Db, task: &NewTask<'_>, now: DateTime<Utc>) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT OR IGNORE INTO tasks (id, account_id, kind, status, assignee, summary, step_key, context, created_at)
         VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8)",
        &[
            ids::new_id("task", now).into(),
            task.account_id.into(),
            task.kind.into(),
            task.assignee.into(),
            task.summary.into(),
            task.step_key.into(),
            task.context.into(),
            P::Text(ts(now)),
        ],
    )
}

/// One stored task.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
pub struct TaskRow {
    pub id: String,
    pub account_id: Option<String>,
    pub kind: String,
    pub status: String,
    pub assignee: Option<String>,
    pub summary: String,
    pub step_key: Option<String>,
    pub context: Option<String>,
    pub created_at: String,
    pub resolved_at: Option<String>,
}

/// Tasks filtered by status and account, oldest first.
pub async fn list(
    db: &Db,
    status: Option<&str>,
    account_id: Option<&str>,
    limit: u32,
) -> Result<Vec<TaskRow>> {
    db.all(stmt(
        db,
        "SELECT id, account_id, kind, status, assignee, summary, step_key, context, created_at, resolved_at
         FROM tasks WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR account_id = ?2)
         ORDER BY created_at, id LIMIT ?3",
        &[status.into(), account_id.into(), i64::from(limit).into()],
    )?)
    .await
}

/// Marks an open task done; `false` if it was not open.
pub async fn done(db: &Db, id: &str, now: DateTime<Utc>) -> Result<bool> {
    let changed = db
        .run(stmt(
            db,
            "UPDATE tasks SET status = 'done', resolved_at = ?2 WHERE id = ?1 AND status = 'open'",
            &[id.into(), P::Text(ts(now))],
        )?)
        .await?;
    Ok(changed == 1)
}

/// The status of a task, `None` if there is no such task.
pub async fn status(db: &Db, id: &str) -> Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct S {
        status: String,
    }
    let row: Option<S> = db
        .first(stmt(
            db,
            "SELECT status FROM tasks WHERE id = ?1",
            &[id.into()],
        )?)
        .await?;
    Ok(row.map(|s| s.status))
}

/// A bare task with a fixed id. Only the `TEST_CLOCKS` failure hook uses it: written twice in
/// one batch, it makes D1 roll the batch back on a real constraint.
pub fn insert_with_id(db: &Db, id: &str, now: DateTime<Utc>) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO tasks (id, kind, summary, created_at) VALUES (?1, 'test', 'test', ?2)",
        &[id.into(), P::Text(ts(now))],
    )
}
