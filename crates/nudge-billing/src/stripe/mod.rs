//! Stripe webhooks: `Stripe-Signature` verification, typed event parsing and the mapping of the
//! handled event types to ledger changes.
//!
//! Usage in the worker: [`verify_signature`] on the raw body (400 on error), [`parse_event`]
//! (400 on error), dedupe on `event.id`, then [`changes`] and apply the [`crate::Outcome`].

mod event;
mod mapping;
pub mod objects;
mod signature;

pub use event::{parse_event, StripeEvent, StripeEventType, StripeObject};
pub use mapping::{changes, handled_types};
pub use signature::{signature_header, verify_signature, DEFAULT_TOLERANCE_SECS};
