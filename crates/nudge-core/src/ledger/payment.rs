//! Money received and money forgiven.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;

/// A share of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub invoice_id: String,
    pub amount: Decimal,
}

/// Money received from a customer. The part not allocated is unapplied cash (or a credit balance).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: String,
    pub account_id: String,
    pub amount: Decimal,
    pub currency: Currency,
    pub received_on: NaiveDate,
    /// The remittance text as the bank or customer wrote it.
    pub reference: Option<String>,
    pub allocations: Vec<Allocation>,
}

impl Payment {
    /// The part of the payment not yet applied to any invoice.
    pub fn unapplied(&self) -> Decimal {
        use crate::money_arith::{saturating_add, saturating_sub};
        // Saturating: absurd amounts from a source must never panic a request path.
        let allocated = self
            .allocations
            .iter()
            .fold(Decimal::ZERO, |acc, a| saturating_add(acc, a.amount));
        saturating_sub(self.amount, allocated)
    }
}

/// A credit note reducing what an invoice asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNote {
    pub id: String,
    pub invoice_id: Option<String>,
    pub amount: Decimal,
    pub currency: Currency,
    pub issued_on: NaiveDate,
    pub voided: bool,
}
