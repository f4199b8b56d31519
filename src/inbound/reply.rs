//! Building the answer to a customer's message. The pure builder is
//! [`nudge_outbound::reply`]; this adapter renders with the isolate's cached built-in templates
//! (replies do not use the operator's overrides) and reports a failure as text for the log.

use chrono::{DateTime, Utc};
use nudge_outbound::MessageContext;

pub use nudge_outbound::reply::{step_key, BuiltReply, Parsed, Sender};

/// Renders and builds the reply to `parsed` (sent to `to`) with the built-in templates.
pub fn build(
    ctx: &MessageContext,
    parsed: &Parsed,
    to: &str,
    account_id: &str,
    inbound_id: &str,
    sender: &Sender<'_>,
    now: DateTime<Utc>,
) -> Result<BuiltReply, String> {
    nudge_outbound::reply::build(
        ctx,
        crate::outbound::templates::builtin(),
        parsed,
        to,
        account_id,
        inbound_id,
        sender,
        now,
    )
    .map_err(|e| e.to_string())
}
