//! The operator API under `/api/` (bearer token checked by the router before we get here).
//! Routes are grouped by domain, one module each; this file only picks the module.

// `PUT /api/accounts/{id}/policy`: per-account overrides and switches (issue 6).
mod account_policy;
mod inbound;
mod ledger;
mod sweeps;
mod templates;

use serde_json::Value;
use worker::{Env, Method, Request};

use super::error::ApiError;
use crate::config::Config;

/// Dispatches `/api/<segments>` to the module that owns the first segment.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match segments.first().copied() {
        // The ledger: accounts, unapplied cash, bulk import (issue 4).
        Some("accounts" | "unapplied" | "import") => {
            ledger::route(method, segments, req, env, config).await
        }
        // Inbound mail: the message log and the side-effect-free classifier (issue 5).
        // `test/book/{id}` is a test-only view (TEST_CLOCKS on), see inbound.rs.
        Some("inbound" | "classify" | "test") => {
            inbound::route(method, segments, req, env, config).await
        }
        // Sweeps, the test clock, approvals, tasks, outbound mail (issue 6).
        Some("sweep" | "sweeps" | "clock" | "approvals" | "tasks" | "outbound") => {
            sweeps::route(method, segments, req, env, config).await
        }
        // The operator's template overrides (issue 6).
        Some("templates") => templates::route(method, segments, req, env, config).await,
        _ => Err(super::not_found(&method, &req.path())),
    }
}

/// Reads `?limit=` (1..=500, default 50).
pub(crate) fn limit(req: &Request) -> Result<u32, ApiError> {
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
