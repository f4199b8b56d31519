//! `Command::Inbound`: act on a customer's message threaded to this account (issue 5).

use serde_json::{json, Value};

use super::{AccountCtx, InboundCommand};
use crate::http::error::ApiError;

/// Acts on the stored, classified message.
pub async fn handle(_ctx: &AccountCtx<'_>, cmd: InboundCommand) -> Result<Value, ApiError> {
    Ok(json!({ "message_id": cmd.message_id, "action": "none" }))
}
