//! Nudge's ERP webhook contract (`POST /webhooks/erp`, documented in this crate's
//! `openapi.json`): signature verification, strict validation that reports every bad field, and
//! the mapping to ledger changes.
//!
//! A body is one event object, an array of up to [`MAX_BATCH`] events, or `{"events": [...]}`.
//! Field paths in errors always start with `events[i]` (`i` = 0 for a single-event body), so a
//! client can point at the exact field whatever shape it sent.

pub(crate) mod fields;
mod mapping;
mod model;
mod signature;
pub(crate) mod validate;

pub use mapping::changes;
pub use model::{ErpEvent, ErpPayload};
pub use signature::{signature_header, verify_signature, DEFAULT_TOLERANCE_SECS};
pub use validate::{parse_batch, MAX_BATCH};
