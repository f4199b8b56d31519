//! The numbers a finance team runs collections by, as pure functions of account books.
//!
//! Like the rest of the domain this crate has no I/O and no clock: `now` and the period are
//! arguments, and the Workers shell fills the inputs.

#![warn(missing_docs)]

mod cash;
mod disputes;
mod exposure;
mod facts;
mod messages;
mod period;
mod promises;
mod ratio;
mod receivables;
mod restate;

#[cfg(test)]
mod test_support;

pub use cash::UnappliedCash;
pub use disputes::{dispute_metrics, CategoryLine, DisputeLine, DisputeMetrics};
pub use exposure::{AgingBuckets, Escalation, StageExposure, StageShare};
pub use facts::{AccountFacts, MessageCounts, NO_STAGE};
pub use messages::{message_metrics, MessageMetrics};
pub use period::{Period, PeriodError};
pub use promises::{promise_metrics, BrokenPromise, PromiseMetrics, PromiseRules};
pub use receivables::{
    best_possible_dso, cei, count_back_dso, simple_dso, Dso, Receivables, SalesSlice,
};
