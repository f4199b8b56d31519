//! From a validated ERP event to ledger changes.

use nudge_core::ledger::InvoiceStatus;

use super::model::{ErpEvent, ErpPayload};
use crate::change::LedgerChange;

/// The changes an ERP event makes. ERP payments and credit notes adjust invoice balances
/// (`adjusts_invoices: true`): unlike Stripe, an ERP is not obliged to resend the invoice. A
/// payment without allocations is flagged for cash application.
pub fn changes(event: &ErpEvent) -> Vec<LedgerChange> {
    let at = event.occurred_at;
    match &event.payload {
        ErpPayload::CustomerUpsert {
            account_ref,
            account,
        } => vec![LedgerChange::UpsertAccount {
            account_ref: account_ref.clone(),
            account: account.clone(),
            source_updated_at: at,
        }],
        ErpPayload::ContactUpsert {
            account_ref,
            contact,
        } => vec![LedgerChange::UpsertContact {
            account_ref: account_ref.clone(),
            contact: contact.clone(),
            source_updated_at: at,
        }],
        ErpPayload::InvoiceUpsert {
            account_ref,
            invoice,
        } => {
            let mut invoice = invoice.clone();
            if invoice.status == InvoiceStatus::Paid && invoice.paid_on.is_none() {
                // The ERP did not say when: the day it reported the invoice paid is the best
                // estimate (payment-behaviour scoring needs a day).
                invoice.paid_on = Some(at.date_naive());
            }
            vec![LedgerChange::UpsertInvoice {
                account_ref: account_ref.clone(),
                invoice,
                source_updated_at: at,
            }]
        }
        ErpPayload::InvoiceVoid {
            account_ref,
            invoice_ref,
        } => vec![LedgerChange::VoidInvoice {
            account_ref: account_ref.clone(),
            invoice_ref: invoice_ref.clone(),
            source_updated_at: at,
        }],
        ErpPayload::PaymentReceived {
            account_ref,
            payment,
        } => vec![LedgerChange::RecordPayment {
            account_ref: account_ref.clone(),
            payment: payment.clone(),
            needs_cash_application: payment.allocations.is_empty(),
            adjusts_invoices: true,
            charge_ref: None,
            payment_intent_ref: None,
            source_updated_at: at,
        }],
        ErpPayload::CreditNoteIssued {
            account_ref,
            credit_note,
        } => vec![LedgerChange::IssueCreditNote {
            account_ref: account_ref.clone(),
            credit_note: credit_note.clone(),
            adjusts_invoices: true,
            source_updated_at: at,
        }],
    }
}
