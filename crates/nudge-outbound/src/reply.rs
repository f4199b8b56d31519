//! Building the answer to a customer's message: rendered with the given templates, threaded on
//! the customer's message (In-Reply-To its Message-ID, References its thread plus it), Reply-To
//! the account's `ar+<token>@…` address, `Auto-Submitted: auto-generated`.
//!
//! Pure (no I/O, the caller passes the time), so it lives here with the rest of what we write to
//! customers and tests natively; the worker only hands the bytes to `message.reply()`.

#![warn(missing_docs)]

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    build_mime, render, BuildError, Mailbox, MessageContext, Outbound, TemplateError, Templates,
    Thread,
};

/// The threading facts of the customer's message that a reply needs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed {
    /// The sender, lower-cased.
    pub from: Option<String>,
    /// The sender's display name.
    pub from_name: Option<String>,
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// The `In-Reply-To:` ids, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// The `References:` ids, oldest first, without angle brackets.
    pub references: Vec<String>,
    /// The `Subject:`, decoded.
    pub subject: Option<String>,
    /// Attachment names and types (metadata only).
    #[serde(default)]
    pub attachments: Vec<serde_json::Value>,
}

/// Where our mail comes from and where replies go: the same identity reminders use.
pub use crate::compose::Sender;

/// A built reply, ready for `message.reply()` / `send_email`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuiltReply {
    /// Our Message-ID, without angle brackets (deterministic per account and step).
    pub message_id: String,
    /// [`step_key`] of the inbound message: one reply per message.
    pub step_key: String,
    /// The message kind (`MessageKind::as_str`, e.g. `promise_confirmation`).
    pub kind: String,
    /// The `From:` address.
    pub from: String,
    /// The recipient (envelope and `To:`).
    pub to: String,
    /// The `Subject:` header as written (RFC 2047-encoded when not ASCII).
    pub subject: String,
    /// The RFC 5322 message (ASCII: `mail-builder` encodes everything else).
    pub raw: String,
}

/// Why a reply could not be built (nothing is sent then; a person is asked instead).
#[derive(Debug, thiserror::Error)]
pub enum ReplyError {
    /// The template set failed to render the message.
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// The rendered message could not be built into MIME.
    #[error(transparent)]
    Mime(#[from] BuildError),
    /// The built message is not UTF-8 (it should be ASCII).
    #[error("reply is not UTF-8: {0}")]
    NotUtf8(#[from] std::string::FromUtf8Error),
}

/// The step key of the reply to inbound message `inbound_id` (one reply per message).
pub fn step_key(inbound_id: &str) -> String {
    format!("reply:{inbound_id}")
}

fn domain(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map_or("nudge.invalid", |(_, d)| d.trim_end_matches('>'))
}

/// Renders `ctx` with `templates` and builds the reply to `parsed` (sent to `to`).
#[allow(clippy::too_many_arguments)]
pub fn build(
    ctx: &MessageContext,
    templates: &Templates,
    parsed: &Parsed,
    to: &str,
    account_id: &str,
    inbound_id: &str,
    sender: &Sender<'_>,
    now: DateTime<Utc>,
) -> Result<BuiltReply, ReplyError> {
    let rendered = render(ctx, templates)?;
    let step_key = step_key(inbound_id);
    let message_id = crate::message_id(&step_key, account_id, domain(sender.from_address));
    // References = the customer's References, then their Message-ID (RFC 5322 §3.6.4); the
    // last one becomes In-Reply-To.
    let mut previous: Vec<String> = parsed.references.clone();
    if previous.is_empty() {
        previous.extend(parsed.in_reply_to.iter().cloned());
    }
    if let Some(id) = &parsed.message_id {
        previous.retain(|p| p != id);
        previous.push(id.clone());
    }
    let thread = Thread {
        subject: parsed
            .subject
            .clone()
            .unwrap_or_else(|| rendered.subject.clone()),
        previous_message_ids: previous,
    };
    let outbound = Outbound {
        from: Mailbox::new(Some(sender.company_name), sender.from_address),
        reply_to: crate::reply_address(sender.reply_token, domain(sender.inbound_address)),
        to: vec![Mailbox::new(None, to)],
        cc: Vec::new(),
        message_id: message_id.clone(),
        thread,
        rendered: rendered.clone(),
        date: now,
    };
    let raw = String::from_utf8(build_mime(&outbound)?)?;
    let subject = raw
        .lines()
        .find_map(|l| l.strip_prefix("Subject: "))
        .unwrap_or(&rendered.subject)
        .to_string();
    Ok(BuiltReply {
        message_id,
        step_key,
        kind: ctx.kind.as_str().to_string(),
        from: sender.from_address.to_string(),
        to: to.to_string(),
        subject,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MessageKind, Tone};

    #[test]
    fn a_reply_is_threaded_on_the_customers_message() {
        let ctx = MessageContext::new(
            MessageKind::PromiseConfirmation,
            Tone::Standard,
            "en-GB",
            "Example Supplies Ltd",
            "Globex",
            chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            "AR",
        );
        let parsed = Parsed {
            from: Some("jane@globex.example".into()),
            message_id: Some("cust-1@globex.example".into()),
            references: vec!["nudge.abc@nudge.example.com".into()],
            in_reply_to: vec!["nudge.abc@nudge.example.com".into()],
            subject: Some("Re: Your account".into()),
            ..Parsed::default()
        };
        let sender = Sender {
            company_name: "Example Supplies Ltd",
            from_address: "ar@nudge.example.com",
            inbound_address: "ar@nudge.example.com",
            reply_token: "tok123",
        };
        let r = build(
            &ctx,
            &Templates::builtin(),
            &parsed,
            "jane@globex.example",
            "erp:C-1",
            "msg_1",
            &sender,
            chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        )
        .unwrap();
        assert!(
            r.raw.contains("In-Reply-To: <cust-1@globex.example>"),
            "{}",
            r.raw
        );
        assert!(r
            .raw
            .contains("References: <nudge.abc@nudge.example.com> <cust-1@globex.example>"));
        assert!(r.raw.contains("Reply-To: <ar+tok123@nudge.example.com>"));
        assert!(r.raw.contains("Auto-Submitted: auto-generated"));
        assert_eq!(r.subject, "Re: Your account");
        assert_eq!(r.step_key, "reply:msg_1");
    }
}
