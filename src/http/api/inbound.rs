//! Inbound mail API (issue 5): `GET /api/inbound` (the most recent inbound messages and what
//! became of them) and `POST /api/classify`.

use serde_json::{json, Value};
use worker::{D1Type, Env, Method, Request};

use crate::config::Config;
use crate::http::error::ApiError;

/// Dispatches the inbound routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    _config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["inbound"]) => list(&req, env).await.map(|v| (200, v)),
        (m, _) => Err(crate::http::not_found(&m, &req.path())),
    }
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Row {
    id: String,
    received_at: String,
    envelope_from: String,
    envelope_to: String,
    message_id: Option<String>,
    subject: Option<String>,
    raw_size: i64,
    account_id: Option<String>,
    kind: Option<String>,
    action: Option<String>,
    status: String,
}

/// Newest first; `?limit=` caps the page.
async fn list(req: &Request, env: &Env) -> Result<Value, ApiError> {
    let limit = super::limit(req)?;
    let rows: Vec<Row> = env
        .d1("DB")?
        .prepare(
            "SELECT id, received_at, envelope_from, envelope_to, message_id, subject, raw_size,
                    account_id, kind, action, status
             FROM inbound_messages ORDER BY received_at DESC, id DESC LIMIT ?1",
        )
        .bind_refs([&D1Type::Integer(limit as i32)])?
        .all()
        .await?
        .results()?;
    Ok(json!({ "messages": rows }))
}
