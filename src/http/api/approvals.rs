//! Approvals: `GET /api/approvals?status=&account_id=`, `GET /api/approvals/{id}` (drafts of
//! shadow mode and final escalations waiting for a person), and
//! `POST /api/approvals/{id}/approve|reject` `{"note"?, "by"?}`, decided once by the account's
//! object (an approved draft is sent then; a rejection needs a note).

use serde::Deserialize;
use serde_json::{json, Value};

use super::{params, Call};
use crate::account::{AccountClient, DecideApproval};
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::approvals::{self, ApprovalRow};
use crate::store::Db;

/// The row as JSON, payload parsed; the raw message only when `with_raw`.
fn to_json(row: &ApprovalRow, with_raw: bool) -> Value {
    let mut payload = row.payload();
    if !with_raw {
        if let Some(map) = payload.as_object_mut() {
            map.remove("raw");
        }
    }
    json!({
        "id": row.id, "account_id": row.account_id, "kind": row.kind,
        "status": row.status, "step_key": row.step_key, "summary": row.summary,
        "payload": payload, "created_at": row.created_at, "decided_at": row.decided_at,
        "decided_by": row.decided_by, "note": row.note,
    })
}

/// Approvals, oldest first.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let status = params::query(req, "status")?;
    if let Some(s) = status.as_deref() {
        if !matches!(s, "pending" | "approved" | "rejected") {
            return Err(ApiError::BadRequest(
                "status: must be pending, approved or rejected".into(),
            ));
        }
    }
    let account = params::query(req, "account_id")?;
    let limit = params::limit(req)?;
    let db = Db::from_env(call.env)?;
    let rows = approvals::list(&db, status.as_deref(), account.as_deref(), limit).await?;
    let list: Vec<Value> = rows.iter().map(|r| to_json(r, false)).collect();
    Ok(json!({ "approvals": list }))
}

async fn load(call: &Call<'_>, id: &str) -> Result<ApprovalRow, ApiError> {
    let db = Db::from_env(call.env)?;
    approvals::get(&db, id)
        .await?
        .ok_or_else(|| ApiError::Missing(format!("approval {id}")))
}

/// One approval with its whole payload (a draft as the customer would see it).
pub async fn get(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    Ok(to_json(&load(&call, id).await?, true))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DecideBody {
    note: Option<String>,
    by: Option<String>,
}

/// Approves or rejects, through the account's object (409 if already decided).
pub async fn decide(mut call: Call<'_>, id: &str, approve: bool) -> Result<Value, ApiError> {
    let b: DecideBody = params::body(&mut call.req).await?;
    let note = b
        .note
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    if !approve && note.is_none() {
        return Err(ApiError::BadRequest(
            "note: a rejection needs a note saying why".into(),
        ));
    }
    let row = load(&call, id).await?;
    if row.status != "pending" {
        return Err(ApiError::Conflict(format!(
            "approval {id} is already {}",
            row.status
        )));
    }
    AccountClient::new(call.env)
        .ask_json(
            &AccountId::from(row.account_id.as_str()),
            DecideApproval {
                approval_id: id.to_string(),
                approve,
                by: b.by.unwrap_or_else(|| "operator".into()),
                note,
            },
        )
        .await
        .map_err(Into::into)
}
