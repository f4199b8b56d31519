//! Disputes: the customer says an invoice is wrong. Open disputes take their invoices out of
//! dunning (and only those invoices).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What the customer disputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeCategory {
    Pricing,
    Quantity,
    NotReceived,
    Quality,
    DuplicateBilling,
    CreditNoteRequested,
    MissingPo,
    Other,
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    /// Resolved in the customer's favour with a credit note.
    ResolvedCredited,
    /// Resolved against the customer: the invoice stands and returns to dunning after a grace period.
    ResolvedRejected,
    Withdrawn,
}

/// A dispute case on one or more invoices of an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dispute {
    pub id: String,
    pub category: DisputeCategory,
    pub invoice_ids: Vec<String>,
    pub status: DisputeStatus,
    pub opened_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    /// Short description (first line of the customer's words, or the operator's note).
    pub summary: Option<String>,
}

impl Dispute {
    pub fn is_open(&self) -> bool {
        self.status == DisputeStatus::Open
    }
}
