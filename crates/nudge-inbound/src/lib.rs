//! Understanding customer replies to dunning emails, deterministically and locally (no LLM).
//!
//! - [`classify`] takes a raw RFC 5322 message and returns the [`Classification`] JSON of
//!   issue 5: human reply, auto-reply or bounce; intents with confidences; the promised date and
//!   amount; the dispute category; invoice references, PO number, new contacts; the
//!   out-of-office return date; the bounce details.
//! - [`understand`] does the human-reply part on text alone.
//! - [`dates`] resolves date phrases ("next Thursday", "EOM", "12/03", "3.12.") against the day
//!   a message arrived, in the account's timezone and locale.
//! - [`acting`] decides what to do about a classified reply to an account: the ledger changes,
//!   events, tasks, approvals and the answer to write.
//!
//! Everything language-specific is data in [`lang`]. Nothing here does I/O or reads a clock:
//! the receipt time comes in through [`Context`], the time of acting through [`acting::Inbound`].

pub mod acting;
mod classify;
pub mod dates;
pub mod entities;
pub mod intent;
pub mod lang;
pub mod language;
pub mod ooo;
pub mod text;
pub mod understand;

pub use classify::{
    classify, classify_email, understand, BounceInfo, Classification, ClassifyError, Context,
    DisputeInfo, Kind,
};
pub use intent::{Intent, ScoredIntent};
pub use understand::{PromiseDetails, Understanding};
