//! Everything Nudge writes to customers.
//!
//! A caller (the account's Durable Object) describes *what* to say in a [`MessageContext`]; this
//! crate turns it into words with locale-aware templates ([`render`]) and into a threaded
//! RFC 5322 message ([`build_mime`]) ready for Cloudflare's `send_email` binding.
//!
//! Everything here is pure: no I/O, no clock. Message-IDs ([`message_id`]) and reply tokens
//! ([`reply_token`]) are deterministic so that a retried send is recognisable and a reply can be
//! threaded back to its account.
//!
//! [`compose`] goes one step earlier: from a policy decision (`nudge-policy`) and the account's
//! book to a finished reminder; [`reply`] builds the answer to a customer's message.

mod base32;
pub mod compose;
mod filters;
pub mod format;
pub mod ids;
pub mod locale;
pub mod message;
pub mod mime;
pub mod render;
pub mod reply;
pub mod templates;
pub mod token;
mod view;

pub use ids::message_id;
pub use message::{
    BillingUpdate, ChargeLine, InvoiceLine, MessageContext, MessageKind, NewContact, PaymentNote,
    Tone,
};
pub use mime::{build_mime, BuildError, Mailbox, Outbound, Thread};
pub use render::{render, thread_subject, Rendered};
pub use templates::{TemplateError, Templates};
pub use token::{reply_address, reply_token, token_from_address, verify_reply_token};
