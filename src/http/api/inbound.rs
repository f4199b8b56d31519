//! Inbound mail: `GET /api/inbound?limit=&status=&account_id=` (the most recent messages and
//! what became of them) and `GET /api/inbound/{id}` (one message: classification, threading
//! facts, action, the reply sent and the tasks/approvals it created).

use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::inbound::{self as messages, MessageRow};
use crate::store::Db;

fn parse_json(text: Option<&str>) -> Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// A message as JSON. The list (`detail == false`) leaves out the customer's words
/// (`classification.new_text`) and the threading facts, which the detail view has.
fn to_json(r: &MessageRow, detail: bool) -> Value {
    let mut classification = parse_json(r.classification.as_deref());
    if !detail {
        if let Some(c) = classification.as_object_mut() {
            c.remove("new_text");
        }
    }
    let mut v = json!({
        "id": r.id, "received_at": r.received_at, "envelope_from": r.envelope_from,
        "envelope_to": r.envelope_to, "message_id": r.message_id, "subject": r.subject,
        "raw_size": r.raw_size, "account_id": r.account_id, "matched_by": r.matched_by,
        "kind": r.kind, "classification": classification,
        "action": r.action, "summary": r.summary, "status": r.status, "error": r.error,
        "processed_at": r.processed_at,
    });
    if detail {
        v["parsed"] = parse_json(r.parsed.as_deref());
    }
    v
}

/// The statuses a message can end in (and `received` while it is being processed).
const STATUSES: &[&str] = &["received", "processed", "needs_human", "dead_letter"];

/// Newest first; `?limit=` caps the page, `?status=` and `?account_id=` filter it.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let limit = params::limit(req)?;
    let status = params::one_of(req, "status", STATUSES)?;
    let account_id = params::query(req, "account_id")?;
    let db = Db::from_env(call.env)?;
    let rows = messages::list(&db, limit, status.as_deref(), account_id.as_deref()).await?;
    Ok(json!({ "messages": rows.iter().map(|r| to_json(r, false)).collect::<Vec<_>>() }))
}

/// One message with its reply, tasks and approvals.
pub async fn get(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let step_key = crate::inbound::reply::step_key(id);
    let Some((row, [replies, tasks, approvals])) = messages::detail(&db, id, &step_key).await?
    else {
        return Err(ApiError::Missing(format!("inbound message {id}")));
    };
    let mut v = to_json(&row, true);
    v["replies"] = Value::Array(replies);
    v["tasks"] = Value::Array(tasks);
    v["approvals"] = Value::Array(approvals);
    Ok(v)
}
