//! Promises to pay: the customer says when they will pay. An active promise pauses dunning until
//! its date (plus grace); a broken one resumes it, firmer.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// Where a promise came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseSource {
    Email,
    Operator,
}

/// Where a promise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseStatus {
    /// Not yet due (date plus grace not passed) and not yet covered.
    Active,
    Kept,
    Broken,
    /// Replaced by a newer promise or withdrawn by an operator.
    Cancelled,
}

/// A promise to pay by a date, optionally a given amount, optionally for given invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    pub id: String,
    pub promised_date: NaiveDate,
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    /// Empty means "the overdue balance".
    pub invoice_ids: Vec<String>,
    pub source: PromiseSource,
    pub status: PromiseStatus,
    pub made_at: DateTime<Utc>,
    /// The escalation stage the account was at when the promise paused it.
    pub paused_at_stage: Option<u8>,
}
