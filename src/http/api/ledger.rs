//! The ledger API (issue 4): `GET /api/accounts?q=`, `GET /api/accounts/{id}`,
//! `GET /api/unapplied`, `POST /api/unapplied/{id}/apply`, `POST /api/import`.

use serde_json::Value;
use worker::{Env, Method, Request};

use crate::config::Config;
use crate::http::error::ApiError;

/// Dispatches the ledger routes.
pub async fn route(
    method: Method,
    _segments: &[&str],
    req: Request,
    _env: &Env,
    _config: &Config,
) -> Result<(u16, Value), ApiError> {
    Err(crate::http::not_found(&method, &req.path()))
}
