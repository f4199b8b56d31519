//! `Command::Ledger`: apply a webhook event's changes to the account's book (issue 4).

use serde_json::{json, Value};

use super::{AccountCtx, LedgerCommand};
use crate::http::error::ApiError;

/// Applies the changes (idempotent by `(source, event_id)`), then re-evaluates the account.
pub async fn handle(_ctx: &AccountCtx<'_>, cmd: LedgerCommand) -> Result<Value, ApiError> {
    Ok(json!({ "event_id": cmd.event_id, "applied": false }))
}
