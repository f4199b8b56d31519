//! Nudge's domain core: the ledger of what customers owe, the policy that decides how to chase it,
//! and the promises and disputes that pause the chase.
//!
//! Everything here is pure: no I/O, no clock (callers pass `now`), no `worker::*`. It compiles and
//! tests natively in seconds and is wrapped by the Workers adapter in the root crate.

pub mod approval;
pub mod calendar;
pub mod dispute;
pub mod dispute_effects;
pub mod event_log;
pub mod json_path;
pub mod ledger;
pub mod money;
pub mod money_arith;
pub mod order;
pub mod promise;
pub mod promise_assessment;
pub mod sorted_map;
pub mod zone;

/// Builders for tests, here and (feature `test-support`, a dev-dependency only) in the other
/// crates, so that one place knows how a plain EUR invoice or payment is written.
#[cfg(any(test, feature = "test-support"))]
pub mod test_support;
