//! Validated ERP events. Every value is already in Nudge's types (amounts normalised to the
//! currency's exponent, ids namespaced `erp:`), so mapping cannot fail.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{Contact, CreditNote, Invoice, Payment};

use crate::change::AccountUpsert;

/// One accepted ERP event.
#[derive(Debug, Clone, PartialEq)]
pub struct ErpEvent {
    /// The sender's event id: the idempotency key (unique per ERP).
    pub id: String,
    /// When the fact happened at the ERP: orders snapshots.
    pub occurred_at: DateTime<Utc>,
    pub payload: ErpPayload,
}

impl ErpEvent {
    /// The wire name of the event type (`invoice.upsert`).
    pub fn event_type(&self) -> &'static str {
        match self.payload {
            ErpPayload::CustomerUpsert { .. } => "customer.upsert",
            ErpPayload::ContactUpsert { .. } => "contact.upsert",
            ErpPayload::InvoiceUpsert { .. } => "invoice.upsert",
            ErpPayload::InvoiceVoid { .. } => "invoice.void",
            ErpPayload::PaymentReceived { .. } => "payment.received",
            ErpPayload::CreditNoteIssued { .. } => "credit_note.issued",
        }
    }

    /// The account this event belongs to (`erp:C-100`).
    pub fn account_ref(&self) -> &str {
        match &self.payload {
            ErpPayload::CustomerUpsert { account_ref, .. }
            | ErpPayload::ContactUpsert { account_ref, .. }
            | ErpPayload::InvoiceUpsert { account_ref, .. }
            | ErpPayload::InvoiceVoid { account_ref, .. }
            | ErpPayload::PaymentReceived { account_ref, .. }
            | ErpPayload::CreditNoteIssued { account_ref, .. } => account_ref,
        }
    }
}

/// What an ERP event says, by type. `account_ref` is `erp:<customer id>`.
#[derive(Debug, Clone, PartialEq)]
pub enum ErpPayload {
    CustomerUpsert {
        account_ref: String,
        account: AccountUpsert,
    },
    ContactUpsert {
        account_ref: String,
        contact: Contact,
    },
    InvoiceUpsert {
        account_ref: String,
        invoice: Invoice,
    },
    InvoiceVoid {
        account_ref: String,
        invoice_ref: String,
    },
    PaymentReceived {
        account_ref: String,
        payment: Payment,
    },
    CreditNoteIssued {
        account_ref: String,
        credit_note: CreditNote,
    },
}
