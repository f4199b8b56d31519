//! `GET /api/accounts/{id}/timeline?limit=`: every event of the account in time order, newest
//! first — ledger changes (with their cause: the webhook event, the email, the person), messages
//! out and in (with the classification), each decision that acted (with its reasons), approvals,
//! tasks, promises and disputes as the ledger events record them.

use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::{accounts, Db};

fn parsed(v: &mut Value, key: &str) {
    if let Some(text) = v[key].as_str() {
        v[key] = serde_json::from_str(text).unwrap_or(Value::Null);
    }
}

/// The merged timeline.
pub async fn get(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let limit = params::limit(&call.req)?;
    let db = Db::from_env(call.env)?;
    let [events, out, inbound, approvals, tasks] = accounts::timeline(&db, id, limit).await?;
    let mut items: Vec<Value> = Vec::new();
    for mut e in events {
        parsed(&mut e, "data");
        let kind = e["kind"].clone();
        items.push(
            json!({"at": e["at"], "type": if kind == "decided" { "decision" } else { "ledger" },
                          "kind": kind, "cause": e["cause"], "data": e["data"]}),
        );
    }
    for m in out {
        items.push(json!({"at": m["at"], "type": "message_out", "kind": m["kind"], "data": m}));
    }
    for mut m in inbound {
        parsed(&mut m, "classification");
        if let Some(c) = m["classification"].as_object_mut() {
            // The customer's words stay in the message's own view.
            c.remove("new_text");
        }
        items.push(json!({"at": m["at"], "type": "message_in", "kind": m["kind"], "data": m}));
    }
    for a in approvals {
        items.push(json!({"at": a["at"], "type": "approval", "kind": a["kind"], "data": a}));
    }
    for t in tasks {
        items.push(json!({"at": t["at"], "type": "task", "kind": t["kind"], "data": t}));
    }
    // Times are RFC 3339 UTC with milliseconds everywhere, so text order is time order.
    nudge_core::order::sort_by(&mut items, |a, b| b["at"].as_str().cmp(&a["at"].as_str()));
    items.truncate(limit as usize);
    if items.is_empty() {
        // An unknown account has no timeline: tell it apart from a quiet one.
        let known = crate::store::record::load(&db, id, &Default::default())
            .await?
            .book
            .is_some();
        if !known {
            return Err(ApiError::Missing(format!("account {id}")));
        }
    }
    Ok(json!({"account_id": id, "events": items}))
}
