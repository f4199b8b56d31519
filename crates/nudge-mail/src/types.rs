//! The public shapes of a parsed inbound email, as the rest of Nudge sees them.
//!
//! These are plain owned data (no borrows into the raw message) so the worker can store them,
//! serialise them to JSON and hand them to `nudge-inbound` without caring about MIME.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Limits applied before parsing, so one hostile or huge message cannot exhaust a Worker's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Limits {
    /// Largest raw message (in bytes) that [`crate::parse`] will read. Bigger messages are rejected
    /// with [`MailError::TooLarge`] so the caller can keep them and hand them to a person.
    pub max_bytes: usize,
}

impl Default for Limits {
    /// 2 MiB: far above a typical reply (a few KB) yet small enough to parse in a Worker.
    fn default() -> Self {
        Limits {
            max_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Why a raw message could not be turned into an [`Email`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum MailError {
    /// The raw message is larger than [`Limits::max_bytes`]; it was not parsed.
    #[error("message is {size} bytes, larger than the limit of {limit} bytes")]
    TooLarge {
        /// Size of the raw message in bytes.
        size: usize,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The bytes are not an email at all (no header block could be found).
    #[error("message could not be parsed: {0}")]
    Unparseable(String),
}

/// One address from a header such as `From` or `To`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Mailbox {
    /// Display name, decoded from RFC 2047 if needed, trimmed; `None` when absent or empty.
    pub name: Option<String>,
    /// The address itself, trimmed and lower-cased (so it can be compared with stored contacts).
    pub email: String,
}

/// Metadata of one attachment; the content itself is not kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Attachment {
    /// File name from `Content-Disposition` or `Content-Type`, decoded; `None` when not given.
    pub filename: Option<String>,
    /// Lower-cased MIME type, e.g. `application/pdf`.
    pub content_type: String,
    /// Decoded size in bytes.
    pub size: usize,
    /// True when name or type suggest a remittance advice / payment confirmation (PDF, CSV or
    /// spreadsheet named like "remittance", "payment advice", "Zahlungsavis", …).
    pub looks_like_remittance: bool,
}

/// A parsed inbound email: headers Nudge threads on, readable text, attachments and whether a
/// machine (bounce, auto-reply) rather than a person wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Email {
    /// `Message-ID` without angle brackets.
    pub message_id: Option<String>,
    /// `In-Reply-To` ids without angle brackets.
    pub in_reply_to: Vec<String>,
    /// `References` ids without angle brackets, oldest first as in the header.
    pub references: Vec<String>,
    /// First `From` mailbox.
    pub from: Option<Mailbox>,
    /// All `To` mailboxes (groups flattened).
    pub to: Vec<Mailbox>,
    /// All `Cc` mailboxes (groups flattened).
    pub cc: Vec<Mailbox>,
    /// First `Reply-To` mailbox.
    pub reply_to: Option<Mailbox>,
    /// Decoded subject.
    pub subject: Option<String>,
    /// `Date` header in UTC, when present and valid.
    pub date: Option<DateTime<Utc>>,
    /// The whole readable body: the text/plain part(s), else HTML converted to text.
    pub text: String,
    /// Only what the sender wrote in this message: quoted history and signature stripped.
    pub new_text: String,
    /// Attachments (metadata only).
    pub attachments: Vec<Attachment>,
    /// Invoices and amounts a remittance advice in this message names (attachments that look
    /// like remittance, and a remittance table in the body); empty for machine mail.
    pub remittance: Vec<crate::remittance::RemittanceLine>,
    /// `Some` when a machine wrote this message (bounce or auto-reply); never answer those.
    pub machine: Option<Machine>,
}

/// Kinds of machine-written mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Machine {
    /// A delivery failure or delay notification.
    Bounce(Bounce),
    /// An automatic reply (out of office, ticket acknowledgement, …).
    AutoReply(AutoReply),
}

/// What a delivery-status notification says about one failed recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct Bounce {
    /// The recipient that failed, lower-cased, when the report names one.
    pub recipient: Option<String>,
    /// Enhanced status code such as `5.1.1`, when given or inferable.
    pub status: Option<String>,
    /// True for a permanent failure: a 5.x.x status, or `Action: failed` / an SMTP 5xx reply when
    /// there is no status. False for temporary conditions (4.x.x), including messages the sending
    /// server gave up on after retrying them: the address may work next time, so retry later.
    pub permanent: bool,
    /// True only when the address itself is dead (unknown user or host, mailbox disabled or moved):
    /// then the contact should be marked bounced. Policy blocks, spam filters, full mailboxes and
    /// authentication failures are permanent but leave the address alive.
    pub address_dead: bool,
    /// Why delivery failed.
    pub reason: BounceReason,
    /// The remote server's diagnostic text, when given.
    pub diagnostic: Option<String>,
}

/// Why a delivery failed, coarse enough to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BounceReason {
    /// The mailbox does not exist (or was disabled / removed).
    UserUnknown,
    /// The domain does not exist or has no mail server.
    HostUnknown,
    /// The mailbox is over quota.
    MailboxFull,
    /// The recipient's filter refused the message (content, spam, size, …).
    Filtered,
    /// The receiving server refused the sender (blocklist, reputation, policy, authentication).
    Blocked,
    /// Delivery was retried until it gave up.
    Expired,
    /// The mailbox has moved (the address has changed).
    HasMoved,
    /// The message was too large for the receiver.
    MessageTooBig,
    /// The mailbox exists but is disabled or suspended (possibly only for a while).
    Suspended,
    /// Not a failure: a delivery *success* report (DSN action `delivered`, `relayed`, `expanded`).
    /// Still machine mail, never answered; nothing to retry.
    Delivered,
    /// Anything else.
    Other,
}

/// An automatic reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub struct AutoReply {
    /// What kind of automatic reply this is.
    pub kind: AutoReplyKind,
    /// Which header or phrase told us (for the audit trail), e.g. `auto-submitted: auto-replied`.
    pub signal: String,
}

/// Kinds of automatic replies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AutoReplyKind {
    /// Out of office / vacation notice; may carry a return date in its text.
    OutOfOffice,
    /// A helpdesk acknowledging receipt (`[Ticket #123] received`).
    TicketAcknowledgement,
    /// Any other automatic message (RFC 3834 `Auto-Submitted`, bulk precedence, …).
    Other,
}
