//! `Command::Evaluate` and the alarm: evaluate the policy and act on the decision (issue 6).

use serde_json::{json, Value};

use super::{AccountCtx, EvaluateCommand};
use crate::http::error::ApiError;

/// Evaluates the account as of `cmd.as_of` (or now) and acts.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: EvaluateCommand) -> Result<Value, ApiError> {
    Ok(json!({ "account_id": ctx.account_id, "trigger": cmd.trigger, "action": "none" }))
}

/// The escalation state, last decision and alarm of the account.
pub async fn state(ctx: &AccountCtx<'_>) -> Result<Value, ApiError> {
    let alarm = ctx.state.storage().get_alarm().await?;
    Ok(json!({ "account_id": ctx.account_id, "alarm_at_ms": alarm }))
}
