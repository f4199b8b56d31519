//! The `approvals` table: shadow-mode drafts and final escalations waiting for a person, and the
//! customer's own requests (a payment plan). Rows are unique per `(account_id, step_key)`.

use chrono::{DateTime, Utc};
use nudge_core::approval::{Approval, ApprovalStatus};
use serde_json::Value;
use worker::D1PreparedStatement;

use super::{stmt, ts, Db, Result, P};
use crate::ids;

const COLUMNS: &str = "id, account_id, kind, status, step_key, summary, payload, created_at, \
     decided_at, decided_by, note";

/// One stored approval.
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
pub struct ApprovalRow {
    pub id: String,
    pub account_id: String,
    pub kind: String,
    pub status: String,
    pub step_key: String,
    pub summary: String,
    /// JSON: the draft message (`raw`, `to`, …) or the escalation's invoices and reasons.
    pub payload: String,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub decided_by: Option<String>,
    pub note: Option<String>,
}

impl ApprovalRow {
    /// The payload, parsed (`Null` if it is not JSON).
    pub fn payload(&self) -> Value {
        serde_json::from_str(&self.payload).unwrap_or(Value::Null)
    }
}

/// The account's final-escalation approvals proposed by the policy (step keys `review:…`; not
/// shadow drafts nor a customer's requests), oldest first: their outcome steers the policy.
pub(super) fn review_query(db: &Db, account_id: &str) -> Result<D1PreparedStatement> {
    stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM approvals
             WHERE account_id = ?1 AND kind != 'draft_email' AND step_key LIKE 'review:%'
             ORDER BY created_at, id"
        ),
        &[account_id.into()],
    )
}

/// Approval rows as the policy sees them.
pub(super) fn for_policy(rows: Vec<ApprovalRow>) -> Vec<Approval> {
    let time = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    };
    rows.into_iter()
        .filter_map(|r| {
            let status = match r.status.as_str() {
                "pending" => ApprovalStatus::Pending,
                "approved" => ApprovalStatus::Approved,
                "rejected" => ApprovalStatus::Rejected,
                "withdrawn" => ApprovalStatus::Withdrawn,
                _ => return None,
            };
            let invoice_ids = r.payload()["invoice_ids"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            Some(Approval {
                requested_at: time(&r.created_at)?,
                decided_at: r.decided_at.as_deref().and_then(time),
                id: r.id,
                account_id: r.account_id,
                kind: r.kind,
                step_key: r.step_key,
                invoice_ids,
                status,
                decided_by: r.decided_by,
                note: r.note,
            })
        })
        .collect()
}

/// The account's final-escalation approvals as the policy sees them (one query).
pub async fn for_account(db: &Db, account_id: &str) -> Result<Vec<Approval>> {
    Ok(for_policy(db.all(review_query(db, account_id)?).await?))
}

/// Approvals filtered by status and account, oldest first.
pub async fn list(
    db: &Db,
    status: Option<&str>,
    account_id: Option<&str>,
    limit: u32,
) -> Result<Vec<ApprovalRow>> {
    db.all(stmt(
        db,
        &format!(
            "SELECT {COLUMNS} FROM approvals
             WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR account_id = ?2)
             ORDER BY created_at, id LIMIT ?3"
        ),
        &[status.into(), account_id.into(), i64::from(limit).into()],
    )?)
    .await
}

/// One approval by id.
pub async fn get(db: &Db, id: &str) -> Result<Option<ApprovalRow>> {
    db.first(stmt(
        db,
        &format!("SELECT {COLUMNS} FROM approvals WHERE id = ?1"),
        &[id.into()],
    )?)
    .await
}

/// Moves a pending approval to `status` (only if still pending: a decision is made once).
pub fn decide(
    db: &Db,
    id: &str,
    status: &str,
    by: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "UPDATE approvals SET status = ?2, decided_at = ?3, decided_by = ?4, note = ?5
         WHERE id = ?1 AND status = 'pending'",
        &[
            id.into(),
            status.into(),
            P::Text(ts(now)),
            by.into(),
            note.into(),
        ],
    )
}

/// A new pending approval, unique per `(account_id, step_key)`: writing the same step twice
/// (a retry, a race) changes nothing.
pub fn insert(
    db: &Db,
    account_id: &str,
    kind: &str,
    step_key: &str,
    summary: &str,
    payload: &Value,
    now: DateTime<Utc>,
) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "INSERT INTO approvals (id, account_id, kind, status, step_key, summary, payload, created_at)
         VALUES (?1, ?2, ?3, 'pending', ?4, ?5, ?6, ?7)
         ON CONFLICT (account_id, step_key) DO NOTHING",
        &[
            ids::new_id("apr", now).into(),
            account_id.into(),
            kind.into(),
            step_key.into(),
            summary.into(),
            payload.to_string().into(),
            P::Text(ts(now)),
        ],
    )
}
