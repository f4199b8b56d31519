//! `GET /api/outbound?account_id=&status=`: messages Nudge sent or drafted, and counts by status.

use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::{outbound, Db};

/// Messages oldest first, with the counts by status.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let account = params::query(req, "account_id")?;
    let status = params::query(req, "status")?;
    let limit = params::limit(req)?;
    let db = Db::from_env(call.env)?;
    let (rows, counts) = outbound::list(&db, account.as_deref(), status.as_deref(), limit).await?;
    let counts: serde_json::Map<String, Value> =
        counts.into_iter().map(|c| (c.status, json!(c.n))).collect();
    Ok(json!({ "messages": rows, "counts": counts }))
}
