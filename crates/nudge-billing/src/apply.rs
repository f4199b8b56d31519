//! Applying [`LedgerChange`]s to one account's [`AccountBook`]: the worker loads the book, calls
//! [`apply`] once per change (in order), and writes back the diff with the returned event-log
//! entries and review marks in one D1 batch.
//!
//! Rules (see [`crate::change`] for where each change comes from):
//! - Snapshots (account, invoice) carry the source's time; [`Stamps`] holds the stored stamps so a
//!   late, older snapshot never overwrites a newer one ([`crate::merge_invoice`]).
//! - An invoice's `paid`/`credited` is never below what Nudge itself allocated to it (payments'
//!   allocations, non-void credit notes): ERP snapshots and ERP payments then agree whichever
//!   arrives first, and a Stripe snapshot (which already includes its payments) is not counted
//!   twice. An open invoice with nothing left open becomes paid.
//! - A payment that needs cash application is matched with [`crate::cashapp::match_payment`]:
//!   applied when `auto_apply`, otherwise queued for a person with the suggestions
//!   ([`Applied::review`]). What an applied payment leaves over is a credit balance.
//! - Replays of a payment, credit note or dispute already in the book change nothing.
//! - Nothing here panics or reads a clock; `now` stamps the event-log entries.

use nudge_core::sorted_map::SortedMap;

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::event_log::LedgerEvent;
use nudge_core::ledger::{Account, AccountBook, Allocation, InvoiceStatus, PaymentRefs};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::cashapp::{match_payment, MatchOptions, Suggestion};
use crate::change::{AccountUpsert, LedgerChange};
use crate::error::FieldError;
use crate::merge::{merge_contact, merge_invoice};

/// The stored source stamps of an account's snapshots (`source_updated_at` columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamps {
    pub account: Option<DateTime<Utc>>,
    pub invoices: SortedMap<String, DateTime<Utc>>,
}

/// A payment waiting for a person: why, and what the matcher suggests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub reason: String,
    pub suggestions: Vec<Suggestion>,
}

/// What applying changes produced besides the book itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Event-log entries, in order.
    pub events: Vec<LedgerEvent>,
    /// Payments that now wait in the unapplied-cash queue (by payment id).
    pub review: SortedMap<String, Review>,
    /// Payments that left the queue (applied by a later match or by hand).
    pub reviewed: Vec<String>,
    /// Payments already waiting in the queue before these changes (the caller seeds it from
    /// storage): a new invoice may now match them.
    pub queued: Vec<String>,
}

impl Applied {
    fn event(&mut self, now: DateTime<Utc>, kind: &str, cause: &str, data: serde_json::Value) {
        let cause = if cause.trim().is_empty() {
            "unknown"
        } else {
            cause
        };
        self.events.push(LedgerEvent {
            at: now,
            kind: kind.to_string(),
            cause: cause.to_string(),
            data,
        });
    }
}

/// A new, empty book for `account_ref`, named by the first `UpsertAccount` among `changes` (else
/// by the ref itself), with `stripe_id`/`erp_id` set from the ref.
pub fn new_book(account_ref: &str, changes: &[LedgerChange]) -> AccountBook {
    let name = changes
        .iter()
        .find_map(|c| match c {
            LedgerChange::UpsertAccount {
                account_ref: r,
                account,
                ..
            } if r == account_ref => account.name.clone(),
            _ => None,
        })
        .unwrap_or_else(|| account_ref.to_string());
    let mut account = Account::new(account_ref, name);
    AccountUpsert::default().apply_to(account_ref, &mut account);
    AccountBook::new(account)
}

/// Applies one change. `cause` names the event (`stripe:evt_…`), `now` stamps the log entries.
/// Never fails: a change that cannot apply (a void of an unknown invoice) is logged and skipped.
pub fn apply(
    book: &mut AccountBook,
    stamps: &mut Stamps,
    change: &LedgerChange,
    cause: &str,
    now: DateTime<Utc>,
    out: &mut Applied,
) {
    match change {
        LedgerChange::UpsertAccount {
            account_ref,
            account,
            source_updated_at,
        } => {
            if stamps.account.is_some_and(|s| s > *source_updated_at) {
                out.event(now, "stale_account_ignored", cause, json!({}));
                return;
            }
            account.apply_to(account_ref, &mut book.account);
            stamps.account = Some(
                stamps
                    .account
                    .map_or(*source_updated_at, |s| s.max(*source_updated_at)),
            );
            out.event(
                now,
                "account_upserted",
                cause,
                json!({"name": book.account.name}),
            );
        }
        LedgerChange::UpsertContact { contact, .. } => {
            let mut incoming = contact.clone();
            incoming.email = incoming.email.trim().to_ascii_lowercase();
            if incoming.email.is_empty() {
                return;
            }
            let pos = book.contacts.iter().position(|c| c.email == incoming.email);
            let merged = merge_contact(pos.and_then(|p| book.contacts.get(p)), &incoming);
            match pos.and_then(|p| book.contacts.get_mut(p)) {
                Some(slot) => *slot = merged,
                None => book.contacts.push(merged),
            }
            out.event(
                now,
                "contact_upserted",
                cause,
                json!({"email": incoming.email}),
            );
        }
        LedgerChange::UpsertInvoice {
            invoice,
            source_updated_at,
            ..
        } => {
            let existing_at = stamps.invoices.get(&invoice.id).copied();
            let pos = book.invoices.iter().position(|i| i.id == invoice.id);
            let existing = pos.and_then(|p| book.invoices.get(p));
            let merged = merge_invoice(existing, existing_at, invoice, *source_updated_at);
            let is_new = existing.is_none();
            match pos.and_then(|p| book.invoices.get_mut(p)) {
                Some(slot) => *slot = merged,
                None => book.invoices.push(merged),
            }
            stamps.invoices.insert(
                invoice.id.clone(),
                existing_at.map_or(*source_updated_at, |s| s.max(*source_updated_at)),
            );
            settle_invoice(book, &invoice.id);
            let status = book.invoice(&invoice.id).map(|i| i.status);
            out.event(
                now,
                if is_new {
                    "invoice_created"
                } else {
                    "invoice_updated"
                },
                cause,
                json!({"invoice_id": invoice.id, "number": invoice.number, "status": status}),
            );
            if is_new {
                retry_queued_payments(book, cause, now, out);
            }
        }
        LedgerChange::VoidInvoice {
            invoice_ref,
            source_updated_at,
            ..
        } => {
            let stamp = stamps.invoices.get(invoice_ref).copied();
            if stamp.is_some_and(|s| s > *source_updated_at) {
                out.event(
                    now,
                    "stale_void_ignored",
                    cause,
                    json!({"invoice_id": invoice_ref}),
                );
                return;
            }
            match book.invoice_mut(invoice_ref) {
                Some(inv) => {
                    inv.status = InvoiceStatus::Void;
                    stamps.invoices.insert(
                        invoice_ref.clone(),
                        stamp.map_or(*source_updated_at, |s| s.max(*source_updated_at)),
                    );
                    out.event(
                        now,
                        "invoice_voided",
                        cause,
                        json!({"invoice_id": invoice_ref}),
                    );
                }
                None => out.event(
                    now,
                    "void_of_unknown_invoice",
                    cause,
                    json!({"invoice_id": invoice_ref}),
                ),
            }
        }
        LedgerChange::RecordPayment {
            payment,
            needs_cash_application,
            adjusts_invoices,
            charge_ref,
            payment_intent_ref,
            ..
        } => {
            if charge_ref.is_some() || payment_intent_ref.is_some() {
                let refs = book.payment_refs.entry(payment.id.clone()).or_default();
                if charge_ref.is_some() {
                    refs.charge_ref = charge_ref.clone();
                }
                if payment_intent_ref.is_some() {
                    refs.payment_intent_ref = payment_intent_ref.clone();
                }
            }
            if book.payments.iter().any(|p| p.id == payment.id) {
                out.event(
                    now,
                    "payment_replayed",
                    cause,
                    json!({"payment_id": payment.id}),
                );
                return;
            }
            let mut p = payment.clone();
            p.account_id = book.account.id.clone();
            let mut review = None;
            if *adjusts_invoices && !p.allocations.is_empty() {
                // The source's own allocations: keep what fits an open invoice of the account.
                let wanted = std::mem::take(&mut p.allocations);
                let mut dropped = Vec::new();
                for a in wanted {
                    let fits = book
                        .invoice(&a.invoice_id)
                        .filter(|i| i.currency == p.currency && i.status == InvoiceStatus::Open)
                        .map(|i| i.open_amount().min(a.amount))
                        .filter(|amt| *amt > Decimal::ZERO);
                    match fits {
                        Some(amount) if amount <= p.unapplied() => p.allocations.push(Allocation {
                            invoice_id: a.invoice_id,
                            amount,
                        }),
                        _ => dropped.push(a.invoice_id),
                    }
                }
                if !dropped.is_empty() {
                    review = Some(Review {
                        reason: format!(
                            "allocations to {} could not be applied (unknown, closed or already paid invoice)",
                            dropped.join(", ")
                        ),
                        suggestions: Vec::new(),
                    });
                }
            } else if *needs_cash_application {
                let result = match_payment(
                    &p,
                    &book.invoices,
                    &MatchOptions::for_account(&book.account),
                );
                if result.auto_apply {
                    p.allocations.extend(result.allocations.iter().cloned());
                    out.event(
                        now,
                        "payment_matched",
                        cause,
                        json!({"payment_id": p.id, "method": result.method, "confidence": result.confidence, "reason": result.reason}),
                    );
                } else {
                    review = Some(Review {
                        reason: result.reason.clone(),
                        suggestions: result.suggestions.clone(),
                    });
                }
            }
            let touched: Vec<String> = p.allocations.iter().map(|a| a.invoice_id.clone()).collect();
            let unapplied = p.unapplied();
            let id = p.id.clone();
            out.event(
                now,
                "payment_received",
                cause,
                json!({"payment_id": id, "amount": p.amount.to_string(), "currency": p.currency.code(),
                       "allocations": p.allocations, "unapplied": unapplied.to_string()}),
            );
            book.payments.push(p);
            if *adjusts_invoices {
                for inv in &touched {
                    settle_invoice(book, inv);
                }
            }
            match review {
                Some(r) => {
                    out.event(
                        now,
                        "payment_queued",
                        cause,
                        json!({"payment_id": id, "reason": r.reason}),
                    );
                    out.review.insert(id, r);
                }
                None if unapplied > Decimal::ZERO && !touched.is_empty() => {
                    out.event(
                        now,
                        "credit_balance",
                        cause,
                        json!({"payment_id": id, "amount": unapplied.to_string()}),
                    );
                }
                None if unapplied > Decimal::ZERO && *needs_cash_application => {
                    // Nothing matched and nothing suggested: still a person's call.
                    out.review.insert(
                        id,
                        Review {
                            reason: "no open invoice matches".into(),
                            suggestions: Vec::new(),
                        },
                    );
                }
                None => {}
            }
        }
        LedgerChange::IssueCreditNote {
            credit_note,
            adjusts_invoices,
            ..
        } => {
            if book.credit_notes.iter().any(|c| c.id == credit_note.id) {
                return;
            }
            book.credit_notes.push(credit_note.clone());
            if *adjusts_invoices {
                if let Some(inv) = &credit_note.invoice_id {
                    settle_invoice(book, inv);
                }
            }
            out.event(
                now,
                "credit_note_issued",
                cause,
                json!({"credit_note_id": credit_note.id, "invoice_id": credit_note.invoice_id, "amount": credit_note.amount.to_string()}),
            );
        }
        LedgerChange::VoidCreditNote {
            credit_note_ref,
            adjusts_invoices,
            ..
        } => {
            let Some(cn) = book
                .credit_notes
                .iter_mut()
                .find(|c| &c.id == credit_note_ref)
            else {
                out.event(
                    now,
                    "void_of_unknown_credit_note",
                    cause,
                    json!({"credit_note_id": credit_note_ref}),
                );
                return;
            };
            if cn.voided {
                return;
            }
            cn.voided = true;
            let invoice = cn.invoice_id.clone();
            if *adjusts_invoices {
                if let Some(inv_id) = invoice {
                    let credited = credited_by_notes(book, &inv_id);
                    if let Some(inv) = book.invoice_mut(&inv_id) {
                        inv.credited = inv.credited.min(credited);
                        if inv.status == InvoiceStatus::Paid
                            && inv.total - inv.paid - inv.credited > Decimal::ZERO
                        {
                            inv.status = InvoiceStatus::Open;
                            inv.paid_on = None;
                        }
                    }
                }
            }
            out.event(
                now,
                "credit_note_voided",
                cause,
                json!({"credit_note_id": credit_note_ref}),
            );
        }
        LedgerChange::OpenDispute {
            dispute_ref,
            charge_ref,
            payment_intent_ref,
            amount,
            currency,
            category,
            source_reason,
            opened_at,
            ..
        } => {
            if book.disputes.iter().any(|d| &d.id == dispute_ref) {
                // Already known (a replay, or the close arrived first): never reopen.
                return;
            }
            let invoice_ids =
                invoices_of_charge(book, charge_ref.as_deref(), payment_intent_ref.as_deref());
            book.disputes.push(Dispute {
                id: dispute_ref.clone(),
                category: *category,
                invoice_ids: invoice_ids.clone(),
                status: DisputeStatus::Open,
                opened_at: *opened_at,
                resolved_at: None,
                summary: Some(format!(
                    "chargeback ({source_reason}) of {amount} {}",
                    currency.code()
                )),
            });
            out.event(
                now,
                "dispute_opened",
                cause,
                json!({"dispute_id": dispute_ref, "invoice_ids": invoice_ids}),
            );
        }
        LedgerChange::CloseDispute {
            dispute_ref,
            charge_ref,
            status,
            source_status,
            source_updated_at,
            ..
        } => {
            match book.disputes.iter_mut().find(|d| &d.id == dispute_ref) {
                Some(d) => {
                    d.status = *status;
                    d.resolved_at = Some(*source_updated_at);
                }
                None => {
                    let invoice_ids = invoices_of_charge(book, charge_ref.as_deref(), None);
                    book.disputes.push(Dispute {
                        id: dispute_ref.clone(),
                        category: DisputeCategory::Other,
                        invoice_ids,
                        status: *status,
                        opened_at: *source_updated_at,
                        resolved_at: Some(*source_updated_at),
                        summary: Some(format!("chargeback closed ({source_status})")),
                    });
                }
            }
            out.event(
                now,
                "dispute_closed",
                cause,
                json!({"dispute_id": dispute_ref, "status": source_status}),
            );
        }
        LedgerChange::Refund {
            charge_ref,
            amount_refunded,
            currency,
            invoice_ref,
            ..
        } => {
            // Stripe keeps a refunded invoice paid; the refund is history, not a debt.
            out.event(
                now,
                "payment_refunded",
                cause,
                json!({"charge_ref": charge_ref, "invoice_id": invoice_ref,
                       "amount_refunded": amount_refunded.to_string(), "currency": currency.code()}),
            );
        }
        LedgerChange::DeleteAccount { .. } => {
            book.deleted = true;
            book.account.dunning_enabled = false;
            out.event(now, "account_deleted", cause, json!({}));
        }
    }
}

/// The invoices a payment recorded with this charge (or payment intent) paid.
fn invoices_of_charge(
    book: &AccountBook,
    charge: Option<&str>,
    intent: Option<&str>,
) -> Vec<String> {
    let ids: Vec<&String> = book
        .payment_refs
        .iter()
        .filter(|(_, r): &(&String, &PaymentRefs)| {
            (charge.is_some() && r.charge_ref.as_deref() == charge)
                || (intent.is_some() && r.payment_intent_ref.as_deref() == intent)
        })
        .map(|(id, _)| id)
        .collect();
    let mut out: Vec<String> = book
        .payments
        .iter()
        .filter(|p| ids.contains(&&p.id))
        .flat_map(|p| p.allocations.iter().map(|a| a.invoice_id.clone()))
        .collect();
    nudge_core::order::sort(&mut out);
    out.dedup();
    out
}

fn allocated_by_payments(book: &AccountBook, invoice_id: &str) -> Decimal {
    book.payments
        .iter()
        .flat_map(|p| p.allocations.iter())
        .filter(|a| a.invoice_id == invoice_id)
        .map(|a| a.amount)
        .sum()
}

fn credited_by_notes(book: &AccountBook, invoice_id: &str) -> Decimal {
    book.credit_notes
        .iter()
        .filter(|c| !c.voided && c.invoice_id.as_deref() == Some(invoice_id))
        .map(|c| c.amount)
        .sum()
}

/// Brings an invoice's `paid`/`credited` up to what Nudge allocated to it and marks it paid when
/// nothing is left open.
fn settle_invoice(book: &mut AccountBook, invoice_id: &str) {
    let allocated = allocated_by_payments(book, invoice_id);
    let credited = credited_by_notes(book, invoice_id);
    let last_payment = book
        .payments
        .iter()
        .filter(|p| p.allocations.iter().any(|a| a.invoice_id == invoice_id))
        .map(|p| p.received_on)
        .max();
    let Some(inv) = book.invoice_mut(invoice_id) else {
        return;
    };
    inv.paid = inv.paid.max(allocated);
    inv.credited = inv.credited.max(credited);
    if inv.status == InvoiceStatus::Open
        && inv.total > Decimal::ZERO
        && inv.total - inv.paid - inv.credited <= Decimal::ZERO
    {
        inv.status = InvoiceStatus::Paid;
        if inv.paid_on.is_none() {
            inv.paid_on = last_payment;
        }
    }
}

/// Once a new invoice arrives, a queued payment may now match it (the payment came first).
fn retry_queued_payments(
    book: &mut AccountBook,
    cause: &str,
    now: DateTime<Utc>,
    out: &mut Applied,
) {
    let mut queued: Vec<String> = out.review.keys().cloned().collect();
    queued.extend(
        out.queued
            .iter()
            .filter(|q| !out.reviewed.contains(q))
            .cloned(),
    );
    nudge_core::order::sort(&mut queued);
    queued.dedup();
    for id in queued {
        try_rematch(book, &id, cause, now, out);
    }
}

/// Re-runs cash application for a queued payment; applies it when confident.
pub fn try_rematch(
    book: &mut AccountBook,
    payment_id: &str,
    cause: &str,
    now: DateTime<Utc>,
    out: &mut Applied,
) -> bool {
    let Some(pos) = book.payments.iter().position(|p| p.id == payment_id) else {
        return false;
    };
    let Some(p) = book.payments.get(pos) else {
        return false;
    };
    let result = match_payment(p, &book.invoices, &MatchOptions::for_account(&book.account));
    if !result.auto_apply {
        return false;
    }
    let touched: Vec<String> = result
        .allocations
        .iter()
        .map(|a| a.invoice_id.clone())
        .collect();
    if let Some(p) = book.payments.get_mut(pos) {
        p.allocations.extend(result.allocations.iter().cloned());
    }
    for inv in &touched {
        settle_invoice(book, inv);
    }
    out.review.remove(payment_id);
    out.reviewed.push(payment_id.to_string());
    out.event(
        now,
        "payment_matched",
        cause,
        json!({"payment_id": payment_id, "method": result.method, "confidence": result.confidence, "reason": result.reason}),
    );
    true
}

/// Applies a person's allocations to a queued payment. Every problem is reported as a field
/// error (`allocations[1].amount`); nothing changes unless all are valid.
pub fn apply_allocations(
    book: &mut AccountBook,
    payment_id: &str,
    allocations: &[Allocation],
    today: NaiveDate,
) -> Result<Vec<String>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(payment) = book.payments.iter().find(|p| p.id == payment_id) else {
        return Err(vec![FieldError::new(
            "payment_id",
            format!("no payment `{payment_id}` on this account"),
        )]);
    };
    if allocations.is_empty() {
        errors.push(FieldError::new(
            "allocations",
            "at least one allocation is required",
        ));
    }
    let mut total = Decimal::ZERO;
    let mut seen = std::collections::HashSet::new();
    for (i, a) in allocations.iter().enumerate() {
        let path = format!("allocations[{i}]");
        if !seen.insert(a.invoice_id.as_str()) {
            errors.push(FieldError::new(
                format!("{path}.invoice_id"),
                "invoice appears twice",
            ));
        }
        match book.invoice(&a.invoice_id) {
            None => errors.push(FieldError::new(
                format!("{path}.invoice_id"),
                format!("no invoice `{}` on this account", a.invoice_id),
            )),
            Some(inv) if inv.status != InvoiceStatus::Open => errors.push(FieldError::new(
                format!("{path}.invoice_id"),
                format!("invoice `{}` is not open", a.invoice_id),
            )),
            Some(inv) if inv.currency != payment.currency => errors.push(FieldError::new(
                format!("{path}.invoice_id"),
                format!(
                    "invoice is in {}, the payment in {}",
                    inv.currency.code(),
                    payment.currency.code()
                ),
            )),
            Some(inv) => {
                if a.amount <= Decimal::ZERO {
                    errors.push(FieldError::new(
                        format!("{path}.amount"),
                        "must be greater than 0",
                    ));
                } else if a.amount > inv.open_amount() {
                    errors.push(FieldError::new(
                        format!("{path}.amount"),
                        format!(
                            "{} exceeds the invoice's open amount {}",
                            a.amount,
                            inv.open_amount()
                        ),
                    ));
                } else if a.amount.scale() > inv.currency.exponent() {
                    errors.push(FieldError::new(
                        format!("{path}.amount"),
                        format!("too many decimals for {}", inv.currency.code()),
                    ));
                }
            }
        }
        total += a.amount.max(Decimal::ZERO);
    }
    if total > payment.unapplied() {
        errors.push(FieldError::new(
            "allocations",
            format!(
                "allocations sum to {total}, the payment has {} unapplied",
                payment.unapplied()
            ),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if let Some(p) = book.payments.iter_mut().find(|p| p.id == payment_id) {
        p.allocations.extend(allocations.iter().cloned());
    }
    let touched: Vec<String> = allocations.iter().map(|a| a.invoice_id.clone()).collect();
    for inv in &touched {
        settle_invoice(book, inv);
        if let Some(i) = book.invoice_mut(inv) {
            if i.status == InvoiceStatus::Paid && i.paid_on.is_none() {
                i.paid_on = Some(today);
            }
        }
    }
    Ok(touched)
}

/// Credit balance per currency: what applied payments left over (queued payments excluded).
pub fn credit_balance<'a>(
    book: &'a AccountBook,
    queued: &'a [String],
) -> impl Iterator<Item = (&'a str, Decimal)> + 'a {
    book.payments
        .iter()
        .filter(move |p| !p.allocations.is_empty() && !queued.contains(&p.id))
        .map(|p| (p.currency.code(), p.unapplied()))
        .filter(|(_, d)| *d > Decimal::ZERO)
}

#[cfg(test)]
mod tests;
