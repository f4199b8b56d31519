//! The operator API under `/api/` (bearer token checked by the router before we get here).

mod inbound;
mod sweeps;

use serde_json::Value;
use worker::{Env, Method, Request};

use super::error::ApiError;
use crate::config::Config;

/// Dispatches `/api/<segments>`.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["inbound"]) => inbound::list(&req, env).await.map(ok),
        (Method::Get, ["sweeps"]) => sweeps::list(env).await.map(ok),
        (Method::Post, ["sweep"]) => sweeps::run(req, env, config).await.map(ok),
        (m, _) => Err(super::not_found(&m, &req.path())),
    }
}

fn ok(body: Value) -> (u16, Value) {
    (200, body)
}

/// Reads `?limit=` (1..=500, default 50).
fn limit(req: &Request) -> Result<u32, ApiError> {
    let url = req.url()?;
    match url.query_pairs().find(|(k, _)| k == "limit") {
        None => Ok(50),
        Some((_, v)) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::BadRequest("limit: must be an integer from 1 to 500".into())),
    }
}
