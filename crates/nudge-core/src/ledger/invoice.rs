//! Invoices and their balances.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// Lifecycle of an invoice as the billing system reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Open,
    Paid,
    Void,
    Uncollectible,
}

/// One invoice. `total = paid + credited + open_amount()` always holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Nudge's id for the invoice (the source's id, namespaced: `stripe:in_…`, `erp:I-1`).
    pub id: String,
    /// The human-facing number printed on the invoice, `INV-2024-01234`.
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: Currency,
    pub total: Decimal,
    pub paid: Decimal,
    pub credited: Decimal,
    pub status: InvoiceStatus,
    /// The day the invoice became fully paid (drives payment-behaviour scoring).
    pub paid_on: Option<NaiveDate>,
    pub po_number: Option<String>,
    /// Where the customer can pay or download the invoice.
    pub payment_url: Option<String>,
    pub pdf_url: Option<String>,
    /// Stripe `charge_automatically`: the billing system retries the card itself.
    pub auto_collection: bool,
    /// Set once automatic collection has given up (final failed attempt); only then does an
    /// automatically collected invoice enter dunning.
    pub auto_collection_exhausted: bool,
}

impl Invoice {
    /// What is still owed: total less paid and credited, never negative.
    pub fn open_amount(&self) -> Decimal {
        if !matches!(self.status, InvoiceStatus::Open) {
            return Decimal::ZERO;
        }
        use crate::money_arith::saturating_sub;
        // Saturating: absurd amounts from a source must never panic a request path.
        saturating_sub(saturating_sub(self.total, self.paid), self.credited).max(Decimal::ZERO)
    }

    /// Days past due on `today` (zero or negative when not yet due).
    pub fn days_past_due(&self, today: NaiveDate) -> i64 {
        (today - self.due_date).num_days()
    }

    /// True when the invoice is open, has a balance and is past its due date on `today`.
    /// Automatically collected invoices count only once Stripe has given up on them.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.open_amount() > Decimal::ZERO
            && self.days_past_due(today) > 0
            && (!self.auto_collection || self.auto_collection_exhausted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_amounts_saturate_instead_of_panicking() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let invoice = Invoice {
            id: "erp:I-1".into(),
            number: "INV-1".into(),
            issue_date: day,
            due_date: day,
            currency: Currency::EUR,
            total: Decimal::MAX,
            paid: Decimal::MIN,
            credited: Decimal::MIN,
            status: InvoiceStatus::Open,
            paid_on: None,
            po_number: None,
            payment_url: None,
            pdf_url: None,
            auto_collection: false,
            auto_collection_exhausted: false,
        };
        assert_eq!(invoice.open_amount(), Decimal::MAX);
        assert!(invoice.is_overdue(day.succ_opt().unwrap()));
    }
}
