//! Tasks: `GET /api/tasks?status=&account_id=`, `POST /api/tasks/{id}/done` — work for people.

use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::{tasks, ts, Db};

/// Tasks, oldest first, with their context parsed.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let status = params::query(req, "status")?;
    if let Some(s) = status.as_deref() {
        if !matches!(s, "open" | "done") {
            return Err(ApiError::BadRequest("status: must be open or done".into()));
        }
    }
    let account = params::query(req, "account_id")?;
    let limit = params::limit(req)?;
    let db = Db::from_env(call.env)?;
    let rows = tasks::list(&db, status.as_deref(), account.as_deref(), limit).await?;
    let list: Vec<Value> = rows
        .into_iter()
        .map(|r| {
            let context: Value = r
                .context
                .as_deref()
                .and_then(|c| serde_json::from_str(c).ok())
                .unwrap_or(Value::Null);
            json!({"id": r.id, "account_id": r.account_id, "kind": r.kind, "status": r.status,
                   "assignee": r.assignee, "summary": r.summary, "step_key": r.step_key,
                   "context": context, "created_at": r.created_at, "resolved_at": r.resolved_at})
        })
        .collect();
    Ok(json!({ "tasks": list }))
}

/// Marks a task done (409 if it is not open, 404 if there is none).
pub async fn done(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    if tasks::done(&db, id, now).await? {
        return Ok(json!({"id": id, "status": "done", "resolved_at": ts(now)}));
    }
    match tasks::status(&db, id).await? {
        None => Err(ApiError::Missing(format!("task {id}"))),
        Some(s) => Err(ApiError::Conflict(format!("task {id} is already {s}"))),
    }
}
