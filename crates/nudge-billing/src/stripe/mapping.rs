//! From a parsed Stripe event to ledger changes.
//!
//! Stripe is the source of truth for its invoices: every invoice event carries the whole invoice,
//! so each becomes one [`LedgerChange::UpsertInvoice`] snapshot (paid amounts included) and the
//! worker merges it with [`crate::merge_invoice`]. Payments, credit notes and refunds are recorded
//! with `adjusts_invoices: false` because the invoice snapshots already include their effect.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::{DisputeCategory, DisputeStatus};
use nudge_core::ledger::{
    Allocation, Contact, ContactRole, ContactStatus, CreditNote as CoreCreditNote,
    Invoice as CoreInvoice, InvoiceStatus, Payment,
};
use nudge_core::money::Currency;
use nudge_core::zone::Zone;
use rust_decimal::Decimal;

use super::event::{StripeEvent, StripeObject};
use super::objects::{Charge, CreditNote, Customer, Dispute, Expandable, Invoice, PaymentIntent};
use crate::change::{stripe_ref, AccountUpsert, LedgerChange, Outcome};
use crate::error::BillingError;

/// The event types that change the ledger (their Stripe names); every other type is
/// [`Outcome::Ignored`].
pub fn handled_types() -> impl Iterator<Item = &'static str> {
    super::event::StripeEventType::HANDLED
        .iter()
        .map(|(_, name)| *name)
}

/// Maps a parsed event to the changes it makes. Unhandled types, and objects that belong to no
/// customer, are `Ignored` with a reason. An `Err` means the event is handled but its object is
/// unusable (an unknown currency, say): the worker answers 400.
pub fn changes(event: &StripeEvent) -> Result<Outcome, BillingError> {
    let at = event.created;
    use super::event::StripeEventType as T;
    let changes = match (&event.object, event.kind) {
        (StripeObject::Customer(c), T::CustomerDeleted) => vec![LedgerChange::DeleteAccount {
            account_ref: stripe_ref(&c.id),
            source_updated_at: at,
        }],
        (StripeObject::Customer(c), _) => customer_changes(c, at),
        (StripeObject::Invoice(inv), _) => match invoice_change(inv, at)? {
            Some(change) => vec![change],
            None => return Ok(ignored("invoice has no customer")),
        },
        (StripeObject::CreditNote(cn), t) => {
            match credit_note_change(cn, t == T::CreditNoteVoided, at)? {
                Some(change) => vec![change],
                None => return Ok(ignored("credit note has no customer")),
            }
        }
        (StripeObject::Dispute(d), t) => vec![dispute_change(d, t == T::ChargeDisputeClosed, at)?],
        (StripeObject::Charge(ch), _) => vec![refund_change(ch, at)?],
        (StripeObject::PaymentIntent(pi), _) => match payment_change(pi, at)? {
            Some(change) => vec![change],
            None => return Ok(ignored("payment intent has no customer")),
        },
        (StripeObject::Other, _) => {
            let t = &event.event_type;
            return Ok(ignored(&format!("event type `{t}` not handled")));
        }
    };
    Ok(Outcome::Apply { changes })
}

fn ignored(reason: &str) -> Outcome {
    Outcome::Ignored {
        reason: reason.to_string(),
    }
}

fn time(secs: Option<i64>, fallback: DateTime<Utc>) -> DateTime<Utc> {
    secs.and_then(|s| DateTime::from_timestamp(s, 0))
        .unwrap_or(fallback)
}

fn date(secs: Option<i64>, fallback: DateTime<Utc>) -> NaiveDate {
    time(secs, fallback).date_naive()
}

fn currency(code: &str) -> Result<Currency, BillingError> {
    Currency::parse(code).map_err(|e| BillingError::field("data.object.currency", e.to_string()))
}

/// A Stripe amount that its API never sends negative (amounts paid, due, remaining, refunded,
/// disputed, credited, received): a negative one is an invalid event (400, nothing stored)
/// rather than a credit note or payment that would raise what the customer owes.
fn non_negative(path: &str, minor: Option<i64>) -> Result<Option<i64>, BillingError> {
    match minor {
        Some(m) if m < 0 => Err(BillingError::field(
            format!("data.object.{path}"),
            format!("{m} is negative"),
        )),
        other => Ok(other),
    }
}

fn id_ref(e: &Option<Expandable>) -> Option<String> {
    e.as_ref().and_then(Expandable::id).map(stripe_ref)
}

/// A plausible email, lower-cased; Stripe does not validate customer emails strictly.
fn clean_email(email: Option<&str>) -> Option<String> {
    let email = email?.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace))
        .then_some(email)
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn customer_changes(c: &Customer, at: DateTime<Utc>) -> Vec<LedgerChange> {
    let account_ref = stripe_ref(&c.id);
    let email = clean_email(c.email.as_deref());
    // A new account needs a name; Stripe customers often have only an email.
    let name = non_empty(&c.name)
        .or_else(|| non_empty(&c.description))
        .or_else(|| email.clone())
        .unwrap_or_else(|| c.id.clone());
    let metadata_str = |key: &str| {
        c.metadata
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    };
    let account = AccountUpsert {
        name: Some(name.clone()),
        currency: c.currency.as_deref().and_then(|s| Currency::parse(s).ok()),
        // Stripe has no timezone field; integrations commonly keep one in metadata.
        timezone: metadata_str("timezone").and_then(|s| s.parse::<Zone>().ok()),
        locale: c
            .preferred_locales
            .as_ref()
            .and_then(|l| l.first())
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        ..AccountUpsert::default()
    };
    let mut changes = vec![LedgerChange::UpsertAccount {
        account_ref: account_ref.clone(),
        account,
        source_updated_at: at,
    }];
    if let Some(email) = email {
        changes.push(LedgerChange::UpsertContact {
            account_ref,
            contact: Contact {
                email,
                name: non_empty(&c.name),
                role: ContactRole::Ap,
                status: ContactStatus::Active,
                preferred: true,
            },
            source_updated_at: at,
        });
    }
    changes
}

fn invoice_status(status: Option<&str>) -> Result<InvoiceStatus, BillingError> {
    Ok(match status.unwrap_or("draft") {
        "draft" => InvoiceStatus::Draft,
        "open" => InvoiceStatus::Open,
        "paid" => InvoiceStatus::Paid,
        "void" => InvoiceStatus::Void,
        "uncollectible" => InvoiceStatus::Uncollectible,
        other => {
            return Err(BillingError::field(
                "data.object.status",
                format!("unknown invoice status `{other}`"),
            ))
        }
    })
}

/// A PO number from the invoice's custom fields (`PO`, `PO number`, `Purchase order`) or metadata.
fn po_number(inv: &Invoice) -> Option<String> {
    let is_po = |name: &str| {
        let key: String = name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        matches!(
            key.as_str(),
            "po" | "pono"
                | "ponumber"
                | "purchaseorder"
                | "purchaseorderno"
                | "purchaseordernumber"
        )
    };
    let from_fields = inv.custom_fields.as_ref().and_then(|fields| {
        fields
            .iter()
            .find(|f| f.name.as_deref().is_some_and(is_po))
            .and_then(|f| non_empty(&f.value))
    });
    from_fields.or_else(|| {
        inv.metadata.as_ref().and_then(|m| {
            m.iter()
                .find(|(k, _)| is_po(k))
                .and_then(|(_, v)| v.as_str())
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        })
    })
}

fn invoice_change(inv: &Invoice, at: DateTime<Utc>) -> Result<Option<LedgerChange>, BillingError> {
    let Some(customer) = inv.customer.as_ref().and_then(Expandable::id) else {
        return Ok(None);
    };
    let currency = currency(&inv.currency)?;
    let status = invoice_status(inv.status.as_deref())?;
    let minor = |v: Option<i64>| currency.from_minor(v.unwrap_or(0));
    let amount_due = non_negative("amount_due", inv.amount_due)?;
    // A total below zero (an invoice of credits only) asks for nothing.
    let total_minor = inv.total.or(amount_due).unwrap_or(0).max(0);
    let paid_minor = non_negative("amount_paid", inv.amount_paid)?.unwrap_or(0);
    let remaining_minor = non_negative("amount_remaining", inv.amount_remaining)?
        .unwrap_or_else(|| amount_due.unwrap_or(0).saturating_sub(paid_minor).max(0));
    let total = currency.from_minor(total_minor);
    let paid = minor(Some(paid_minor));
    // Whatever the invoice total asks beyond what was paid and what remains was forgiven: credit
    // notes, discounts after finalisation, customer balance applied. Kept so that
    // `total = paid + credited + open` holds.
    let credited = (total - paid - currency.from_minor(remaining_minor)).max(Decimal::ZERO);
    let transitions = inv.status_transitions.clone().unwrap_or_default();
    let issue_date = date(
        inv.effective_at
            .or(transitions.finalized_at)
            .or(inv.created),
        at,
    );
    let auto_collection = inv.collection_method.as_deref() == Some("charge_automatically");
    // Stripe retries the card itself; the invoice enters dunning only once Stripe has given up
    // (attempted, and no next attempt scheduled) or when it carries a due date of its own, which
    // then governs like any other invoice's (`Invoice::is_overdue` checks the date).
    let gave_up = inv.attempted == Some(true)
        && inv.next_payment_attempt.is_none()
        && status == InvoiceStatus::Open;
    let auto_collection_exhausted = auto_collection && (gave_up || inv.due_date.is_some());
    let paid_on = (status == InvoiceStatus::Paid).then(|| date(transitions.paid_at, at));
    let invoice = CoreInvoice {
        id: stripe_ref(&inv.id),
        number: non_empty(&inv.number).unwrap_or_else(|| inv.id.clone()),
        issue_date,
        // Automatically charged invoices have no due date: they are due when issued.
        due_date: inv.due_date.map_or(issue_date, |d| date(Some(d), at)),
        currency,
        total,
        paid,
        credited,
        status,
        paid_on,
        po_number: po_number(inv),
        payment_url: non_empty(&inv.hosted_invoice_url),
        pdf_url: non_empty(&inv.invoice_pdf),
        auto_collection,
        auto_collection_exhausted,
    };
    Ok(Some(LedgerChange::UpsertInvoice {
        account_ref: stripe_ref(customer),
        invoice,
        source_updated_at: at,
    }))
}

fn credit_note_change(
    cn: &CreditNote,
    voided: bool,
    at: DateTime<Utc>,
) -> Result<Option<LedgerChange>, BillingError> {
    let Some(customer) = cn.customer.as_ref().and_then(Expandable::id) else {
        return Ok(None);
    };
    let account_ref = stripe_ref(customer);
    if voided {
        return Ok(Some(LedgerChange::VoidCreditNote {
            account_ref,
            credit_note_ref: stripe_ref(&cn.id),
            invoice_ref: id_ref(&cn.invoice),
            adjusts_invoices: false,
            source_updated_at: at,
        }));
    }
    let currency = currency(&cn.currency)?;
    let amount = non_negative("total", cn.total)?
        .or(non_negative("amount", cn.amount)?)
        .ok_or_else(|| BillingError::field("data.object.total", "missing"))?;
    Ok(Some(LedgerChange::IssueCreditNote {
        account_ref,
        credit_note: CoreCreditNote {
            id: stripe_ref(&cn.id),
            invoice_id: id_ref(&cn.invoice),
            amount: currency.from_minor(amount),
            currency,
            issued_on: date(cn.effective_at.or(cn.created), at),
            voided: cn.status.as_deref() == Some("void"),
        },
        adjusts_invoices: false,
        source_updated_at: at,
    }))
}

/// Stripe's dispute reasons in Nudge's categories.
fn dispute_category(reason: Option<&str>) -> DisputeCategory {
    match reason.unwrap_or("") {
        "duplicate" => DisputeCategory::DuplicateBilling,
        "product_not_received" => DisputeCategory::NotReceived,
        "product_unacceptable" => DisputeCategory::Quality,
        "credit_not_processed" => DisputeCategory::CreditNoteRequested,
        _ => DisputeCategory::Other,
    }
}

fn dispute_change(
    d: &Dispute,
    closed: bool,
    at: DateTime<Utc>,
) -> Result<LedgerChange, BillingError> {
    let account_ref = d
        .charge
        .as_ref()
        .and_then(Expandable::customer_id)
        .map(stripe_ref);
    let charge_ref = id_ref(&d.charge);
    if closed {
        let source_status = d.status.clone().unwrap_or_default();
        let status = match source_status.as_str() {
            "won" => DisputeStatus::ResolvedRejected,
            "lost" => DisputeStatus::ResolvedCredited,
            _ => DisputeStatus::Withdrawn,
        };
        return Ok(LedgerChange::CloseDispute {
            dispute_ref: stripe_ref(&d.id),
            account_ref,
            charge_ref,
            status,
            source_status,
            source_updated_at: at,
        });
    }
    let currency = currency(&d.currency)?;
    Ok(LedgerChange::OpenDispute {
        dispute_ref: stripe_ref(&d.id),
        account_ref,
        charge_ref,
        payment_intent_ref: id_ref(&d.payment_intent),
        amount: currency.from_minor(non_negative("amount", d.amount)?.unwrap_or(0)),
        currency,
        category: dispute_category(d.reason.as_deref()),
        source_reason: d.reason.clone().unwrap_or_default(),
        opened_at: time(d.created, at),
        source_updated_at: at,
    })
}

fn refund_change(ch: &Charge, at: DateTime<Utc>) -> Result<LedgerChange, BillingError> {
    let currency = currency(&ch.currency)?;
    Ok(LedgerChange::Refund {
        account_ref: id_ref(&ch.customer),
        charge_ref: stripe_ref(&ch.id),
        payment_intent_ref: id_ref(&ch.payment_intent),
        invoice_ref: id_ref(&ch.invoice),
        amount_refunded: currency
            .from_minor(non_negative("amount_refunded", ch.amount_refunded)?.unwrap_or(0)),
        currency,
        source_updated_at: at,
    })
}

fn payment_change(
    pi: &PaymentIntent,
    at: DateTime<Utc>,
) -> Result<Option<LedgerChange>, BillingError> {
    let Some(customer) = pi.customer.as_ref().and_then(Expandable::id) else {
        return Ok(None);
    };
    let account_ref = stripe_ref(customer);
    let currency = currency(&pi.currency)?;
    let amount = currency.from_minor(
        non_negative("amount_received", pi.amount_received)?
            .filter(|a| *a > 0)
            .or(non_negative("amount", pi.amount)?)
            .unwrap_or(0),
    );
    let allocations = id_ref(&pi.invoice)
        .map(|invoice_id| vec![Allocation { invoice_id, amount }])
        .unwrap_or_default();
    Ok(Some(LedgerChange::RecordPayment {
        account_ref: account_ref.clone(),
        payment: Payment {
            id: stripe_ref(&pi.id),
            account_id: account_ref,
            amount,
            currency,
            received_on: date(pi.created, at),
            reference: non_empty(&pi.description),
            allocations,
        },
        // Stripe payments for invoices are already reflected in the invoice snapshots; a
        // standalone payment intent was not for an invoice, so it is not cash-applied either.
        needs_cash_application: false,
        adjusts_invoices: false,
        charge_ref: id_ref(&pi.latest_charge),
        payment_intent_ref: Some(stripe_ref(&pi.id)),
        source_updated_at: at,
    }))
}
