//! Nudge's inbound mail reader.
//!
//! [`parse`] turns any raw email (as Cloudflare Email Routing delivers it) into an [`Email`]:
//! threading headers, addresses, the readable text, the *new* text of a reply
//! ([`extract_new_text`]: quoted history and signature stripped, so our own reminder is never read
//! as the customer's words), attachment metadata, and whether a machine wrote it
//! ([`Machine::Bounce`] with the failed recipient, status and whether the address is dead, or
//! [`Machine::AutoReply`]). [`plus_token`] reads the `ar+<token>@` threading token.
//!
//! Pure Rust, no I/O, no clock; builds for `wasm32-unknown-unknown`. MIME, charsets and encoded
//! words come from `mail-parser`; HTML→text is this crate's own (`html`). Phrase tables (quote
//! markers, signatures, bounce and auto-reply wording) are data in [`phrases`], one file per
//! concern.

#![warn(missing_docs)]

mod address;
mod attachment;
mod autoreply;
mod bounce;
mod headers;
mod html;
mod parse;
pub mod phrases;
mod remittance;
mod reply;
mod types;

pub use address::plus_token;
pub use attachment::looks_like_remittance;
pub use parse::parse;
pub use remittance::{RemittanceLine, MAX_ATTACHMENT_BYTES, MAX_LINES};
pub use reply::extract_new_text;
pub use types::{
    Attachment, AutoReply, AutoReplyKind, Bounce, BounceReason, Email, Limits, Machine, MailError,
    Mailbox,
};
