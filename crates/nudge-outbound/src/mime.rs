//! Building the RFC 5322 message handed to the `send_email` binding.
//!
//! One thread per account: every message carries the thread's stable subject (`Re: ` once the
//! thread has history), `In-Reply-To` the previous message and `References` the thread (capped),
//! so mail clients group the reminders and a reply quotes the latest one.

use chrono::{DateTime, Utc};
use mail_builder::headers::address::Address;
use mail_builder::headers::content_type::ContentType;
use mail_builder::headers::message_id::MessageId;
use mail_builder::headers::raw::Raw;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::render::{header_safe, Rendered};

/// Why a message could not be built. Nothing is ever sent half-built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BuildError {
    /// An address is missing its `@`, has spaces, controls or brackets, or is not ASCII.
    #[error("{field} address `{address}` is not a plain ASCII e-mail address")]
    InvalidAddress {
        /// `from`, `to`, `cc` or `reply-to`.
        field: &'static str,
        /// The refused address, as given.
        address: String,
    },
    /// Our own Message-ID is not `left@right` of printable atoms.
    #[error("message id `{0}` is not a valid msg-id")]
    InvalidMessageId(String),
    /// `to` is empty.
    #[error("the message has no recipient")]
    NoRecipient,
    /// The MIME writer failed (it writes to memory, so this is not expected).
    #[error("writing the message failed: {0}")]
    Write(String),
}

/// A display name and address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// Display name; line breaks and controls are removed when written.
    pub name: Option<String>,
    /// Plain ASCII `local@domain`.
    pub email: String,
}

impl Mailbox {
    /// A mailbox from an optional display name and an address.
    pub fn new(name: Option<&str>, email: impl Into<String>) -> Self {
        Mailbox {
            name: name.map(str::to_string),
            email: email.into(),
        }
    }
}

/// The account's thread: its stable subject and the Message-IDs already sent in it (oldest
/// first, without angle brackets; a customer's message we answer may be last). When answering a
/// customer's own message, its subject may be used instead; an existing reply prefix is kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thread {
    /// The account thread's stable subject (see [`crate::thread_subject`]).
    pub subject: String,
    /// Message-IDs already in the thread, oldest first.
    pub previous_message_ids: Vec<String>,
}

/// Everything needed to build one outgoing message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outbound {
    /// The sending mailbox (the operator's AR address).
    pub from: Mailbox,
    /// `ar+<token>@domain`, see [`crate::reply_address`].
    pub reply_to: String,
    /// Primary recipients; at least one.
    pub to: Vec<Mailbox>,
    /// Copied recipients (other contacts of the account).
    pub cc: Vec<Mailbox>,
    /// This message's id, without angle brackets (see [`crate::message_id`]).
    pub message_id: String,
    /// The thread this message continues.
    pub thread: Thread,
    /// The words, from [`crate::render`].
    pub rendered: Rendered,
    /// The `Date:` header (the send time the caller decided on).
    pub date: DateTime<Utc>,
}

/// Most Message-IDs kept in `References`: the thread's first and the latest ones, so the header
/// stays short on a long-running account while clients can still find the root.
pub const MAX_REFERENCES: usize = 12;

/// Builds `multipart/alternative` (text, then HTML) with `From`, `To`, `Cc`, `Reply-To`,
/// `Subject`, `Date`, `Message-ID`, `In-Reply-To`, `References` and
/// `Auto-Submitted: auto-generated`. Header values are checked or cleaned so that no input can
/// inject a header; the output is byte-for-byte deterministic for the same input.
pub fn build_mime(msg: &Outbound) -> Result<Vec<u8>, BuildError> {
    if msg.to.is_empty() {
        return Err(BuildError::NoRecipient);
    }
    let own_id = clean_message_id(&msg.message_id)
        .ok_or_else(|| BuildError::InvalidMessageId(msg.message_id.clone()))?;
    // Earlier IDs may come from a customer's mailer: skip what we cannot repeat safely rather
    // than fail to send.
    let previous: Vec<String> = msg
        .thread
        .previous_message_ids
        .iter()
        .filter_map(|id| clean_message_id(id))
        .filter(|id| *id != own_id)
        .collect();

    let mut builder = MessageBuilder::new()
        .from(address("from", &msg.from)?)
        .to(address_list("to", &msg.to)?)
        .reply_to(Address::new_address(
            None::<&str>,
            checked_email("reply-to", &msg.reply_to)?,
        ))
        .subject(subject_line(
            &msg.thread,
            &msg.rendered,
            !previous.is_empty(),
        ))
        .date(msg.date.timestamp())
        .message_id(own_id.clone())
        .header("Auto-Submitted", Raw::new("auto-generated"));
    if !msg.cc.is_empty() {
        builder = builder.cc(address_list("cc", &msg.cc)?);
    }
    if let Some(last) = previous.last() {
        builder = builder
            .in_reply_to(MessageId::new(last.clone()))
            .references(MessageId::from(capped_references(&previous)));
    }

    let boundary = boundary_for(&own_id, &msg.rendered);
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new(
                ContentType::new("text/plain").attribute("charset", "utf-8"),
                msg.rendered.text.clone(),
            ),
            MimePart::new(
                ContentType::new("text/html").attribute("charset", "utf-8"),
                msg.rendered.html.clone(),
            ),
        ],
    );
    builder
        .body(body)
        .write_to_vec()
        .map_err(|e| BuildError::Write(e.to_string()))
}

/// The thread subject, `Re: ` once the thread has history (never `Re: Re: `); the message's own
/// subject when the thread has none yet.
fn subject_line(thread: &Thread, rendered: &Rendered, is_reply: bool) -> String {
    let base = header_safe(&thread.subject);
    let base = if base.is_empty() {
        header_safe(&rendered.subject)
    } else {
        base
    };
    // A customer's own reply prefix (Outlook's German "AW:", Nordic "SV:"/"VS:") counts too.
    let already = base.split_once(':').is_some_and(|(prefix, _)| {
        ["re", "aw", "sv", "vs", "antw", "rif", "res", "odp"]
            .iter()
            .any(|p| prefix.trim().eq_ignore_ascii_case(p))
    });
    if is_reply && !already {
        format!("Re: {base}")
    } else {
        base
    }
}

fn capped_references(ids: &[String]) -> Vec<String> {
    if ids.len() <= MAX_REFERENCES {
        return ids.to_vec();
    }
    let tail_start = ids.len() - (MAX_REFERENCES - 1);
    ids.first()
        .into_iter()
        .chain(ids.get(tail_start..).unwrap_or_default())
        .cloned()
        .collect()
}

/// A boundary no body can contain: it hashes the body itself (and the message id). Deterministic
/// (so tests and retries produce identical bytes) and independent of the clock, which
/// `wasm32-unknown-unknown` does not have.
fn boundary_for(message_id: &str, rendered: &Rendered) -> String {
    let mut h = Sha256::new();
    for part in [message_id, &rendered.text, &rendered.html] {
        h.update((part.len() as u64).to_be_bytes());
        h.update(part.as_bytes());
    }
    let digest = h.finalize();
    format!(
        "=_nudge_{}",
        hex::encode(digest.get(..16).unwrap_or(&digest))
    )
}

/// `<id>` or `id` → `id` when it is a msg-id we can repeat verbatim: printable ASCII atoms,
/// exactly one `@`, no whitespace or brackets.
fn clean_message_id(id: &str) -> Option<String> {
    let id = id.trim();
    let id = id
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))
        .unwrap_or(id);
    let (left, right) = id.split_once('@')?;
    let atom_ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b))
    };
    (id.len() <= 250 && atom_ok(left) && atom_ok(right)).then(|| id.to_string())
}

/// A plain ASCII addr-spec: one `@`, no whitespace, controls, quotes or brackets.
fn checked_email(field: &'static str, email: &str) -> Result<String, BuildError> {
    let e = email.trim();
    let bad = || BuildError::InvalidAddress {
        field,
        address: email.to_string(),
    };
    let (local, domain) = e.rsplit_once('@').ok_or_else(bad)?;
    let ok_char = |b: u8| b.is_ascii_graphic() && !b"<>()[]\\,;:\"@".contains(&b);
    let ok = e.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.is_empty()
        && local.bytes().all(ok_char)
        && domain
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !domain.starts_with('.')
        && !domain.ends_with('.');
    if ok {
        Ok(e.to_string())
    } else {
        Err(bad())
    }
}

fn address(field: &'static str, m: &Mailbox) -> Result<Address<'static>, BuildError> {
    let email = checked_email(field, &m.email)?;
    let name = m.name.as_deref().map(header_safe).filter(|n| !n.is_empty());
    Ok(Address::new_address(name, email))
}

fn address_list(field: &'static str, list: &[Mailbox]) -> Result<Address<'static>, BuildError> {
    let items = list
        .iter()
        .map(|m| address(field, m))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Address::new_list(items))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_are_cleaned_or_refused() {
        assert_eq!(clean_message_id(" <a.b@c.d> ").as_deref(), Some("a.b@c.d"));
        assert_eq!(
            clean_message_id("CAF=x+y@mail.gmail.com").as_deref(),
            Some("CAF=x+y@mail.gmail.com")
        );
        assert_eq!(clean_message_id("a@b\r\nBcc: x@y"), None);
        assert_eq!(clean_message_id("no-at-sign"), None);
        assert_eq!(clean_message_id("a@b@c"), None);
    }

    #[test]
    fn emails_are_checked() {
        assert!(checked_email("to", "anna@globex.example").is_ok());
        assert!(checked_email("to", "ar+abc@x.io").is_ok());
        assert!(checked_email("to", "a@b\r\nBcc: evil@x").is_err());
        assert!(checked_email("to", "Anna <a@b.c>").is_err());
        assert!(checked_email("to", "@b.c").is_err());
        assert!(checked_email("to", "a@").is_err());
    }

    #[test]
    fn references_keep_the_root_and_the_latest() {
        let ids: Vec<String> = (0..30).map(|i| format!("m{i}@x")).collect();
        let r = capped_references(&ids);
        assert_eq!(r.len(), MAX_REFERENCES);
        assert_eq!(r.first().map(String::as_str), Some("m0@x"));
        assert_eq!(r.last().map(String::as_str), Some("m29@x"));
        assert_eq!(r.get(1).map(String::as_str), Some("m19@x"));
    }
}
