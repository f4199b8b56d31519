//! Nudge's billing intake: everything that keeps the ledger true, as pure functions.
//!
//! - [`stripe`] verifies `Stripe-Signature`, parses Stripe events into typed objects and maps the
//!   handled event types to [`LedgerChange`]s.
//! - [`erp`] does the same for Nudge's documented ERP contract (see `openapi.json` in this crate),
//!   collecting *every* invalid field of a batch as a [`FieldError`].
//! - [`merge`] reconciles invoice snapshots that arrive out of order.
//! - [`cashapp`] matches a payment without allocations to open invoices (cash application).
//! - [`import`] reads an existing AR ledger from CSV or NDJSON for the initial load.
//!
//! Nothing here does I/O or reads a clock: callers pass `now`. The Workers adapter stores the
//! changes (idempotently, by event id) through each account's Durable Object.

pub mod apply;
pub mod cashapp;
pub mod change;
pub mod erp;
pub mod error;
pub mod import;
mod json_text;
pub mod merge;
pub mod operator;
pub mod remittance;
pub mod signature;
pub mod stripe;

/// The OpenAPI 3.1 document of the webhook contracts (`POST /webhooks/erp`, `POST
/// /webhooks/stripe`), for the worker to serve at `/openapi.json` and extend with its admin API.
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");

pub use change::{erp_ref, stripe_ref, AccountUpsert, LedgerChange, Outcome};
pub use error::{BillingError, FieldError, SignatureError};
pub use merge::{merge_contact, merge_invoice};
