//! Reconciling snapshots that arrive out of order or twice.
//!
//! Webhooks are delivered at least once and in no guaranteed order: `invoice.finalized` may land
//! after `invoice.paid`. Each snapshot carries the source's time for it; the newer one wins, and
//! on a tie (Stripe stamps events to the second, and several fire in the same second) the status
//! further along the lifecycle wins. Paid and void are terminal, so an older or same-time snapshot
//! can never reopen them; only a strictly newer one can (an ERP reversing a payment).

use chrono::{DateTime, Utc};
use nudge_core::ledger::{Contact, Invoice, InvoiceStatus};

/// How far along its lifecycle a status is. Stripe only ever moves an invoice forward along this
/// order (draft → open → uncollectible → paid/void).
fn rank(status: InvoiceStatus) -> u8 {
    match status {
        InvoiceStatus::Draft => 0,
        InvoiceStatus::Open => 1,
        InvoiceStatus::Uncollectible => 2,
        InvoiceStatus::Paid | InvoiceStatus::Void => 3,
    }
}

/// Combines the stored invoice (stamped `existing_at`, `None` when unknown, e.g. imported) with an
/// incoming snapshot stamped `incoming_at`, returning what to store. Store
/// `max(existing_at, incoming_at)` as the new stamp.
///
/// Guarantees: the result is the newer snapshot; on equal or unknown stamps the one further along
/// the lifecycle; a paid or void invoice is reopened only by a strictly newer snapshot. Optional
/// details the winner lacks (payment link, PDF, PO number) are kept from the other snapshot.
/// The result is the same whichever order two snapshots arrive in.
pub fn merge_invoice(
    existing: Option<&Invoice>,
    existing_at: Option<DateTime<Utc>>,
    incoming: &Invoice,
    incoming_at: DateTime<Utc>,
) -> Invoice {
    let Some(existing) = existing else {
        return incoming.clone();
    };
    let incoming_wins = match existing_at {
        Some(at) if incoming_at > at => true,
        Some(at) if incoming_at < at => false,
        // Same second, or the stored copy has no stamp: lifecycle order decides; between equal
        // ranks the later delivery wins (Stripe's same-second `invoice.paid` and
        // `invoice.payment_succeeded` carry the same state).
        _ => rank(incoming.status) >= rank(existing.status),
    };
    let (winner, loser) = if incoming_wins {
        (incoming, existing)
    } else {
        (existing, incoming)
    };
    let mut merged = winner.clone();
    if merged.payment_url.is_none() {
        merged.payment_url = loser.payment_url.clone();
    }
    if merged.pdf_url.is_none() {
        merged.pdf_url = loser.pdf_url.clone();
    }
    if merged.po_number.is_none() {
        merged.po_number = loser.po_number.clone();
    }
    if merged.status == InvoiceStatus::Paid && merged.paid_on.is_none() {
        merged.paid_on = loser.paid_on;
    }
    merged
}

/// Combines a stored contact with a source's version of it: the source owns name and role, Nudge
/// owns reachability (`status`: bounces, opt-outs) and the operator's `preferred` choice.
pub fn merge_contact(existing: Option<&Contact>, incoming: &Contact) -> Contact {
    match existing {
        None => incoming.clone(),
        Some(existing) => Contact {
            email: existing.email.clone(),
            name: incoming.name.clone().or_else(|| existing.name.clone()),
            role: incoming.role,
            status: existing.status,
            preferred: existing.preferred,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use nudge_core::ledger::{ContactRole, ContactStatus};
    use nudge_core::money::Currency;
    use rust_decimal::Decimal;

    fn inv(status: InvoiceStatus, url: Option<&str>) -> Invoice {
        let d = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        Invoice {
            id: "stripe:in_1".into(),
            number: "A-1".into(),
            issue_date: d,
            due_date: d,
            currency: Currency::EUR,
            total: Decimal::new(100, 0),
            paid: if status == InvoiceStatus::Paid {
                Decimal::new(100, 0)
            } else {
                Decimal::ZERO
            },
            credited: Decimal::ZERO,
            status,
            paid_on: None,
            po_number: None,
            payment_url: url.map(str::to_string),
            pdf_url: None,
            auto_collection: false,
            auto_collection_exhausted: false,
        }
    }

    fn t(s: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + s, 0).unwrap()
    }

    #[test]
    fn older_open_snapshot_does_not_reopen_paid() {
        let paid = inv(InvoiceStatus::Paid, None);
        let open = inv(InvoiceStatus::Open, Some("https://pay"));
        let m = merge_invoice(Some(&paid), Some(t(10)), &open, t(5));
        assert_eq!(m.status, InvoiceStatus::Paid);
        // The late snapshot still contributes the link the paid one lacked.
        assert_eq!(m.payment_url.as_deref(), Some("https://pay"));
    }

    #[test]
    fn same_second_goes_to_the_further_status() {
        let paid = inv(InvoiceStatus::Paid, None);
        let open = inv(InvoiceStatus::Open, None);
        assert_eq!(
            merge_invoice(Some(&paid), Some(t(0)), &open, t(0)).status,
            InvoiceStatus::Paid
        );
        assert_eq!(
            merge_invoice(Some(&open), Some(t(0)), &paid, t(0)).status,
            InvoiceStatus::Paid
        );
        // Unknown stored stamp (an import): the lifecycle decides.
        assert_eq!(
            merge_invoice(Some(&paid), None, &open, t(99)).status,
            InvoiceStatus::Paid
        );
    }

    #[test]
    fn strictly_newer_snapshot_may_reopen() {
        let paid = inv(InvoiceStatus::Paid, None);
        let open = inv(InvoiceStatus::Open, None);
        assert_eq!(
            merge_invoice(Some(&paid), Some(t(0)), &open, t(1)).status,
            InvoiceStatus::Open
        );
    }

    #[test]
    fn contact_keeps_nudges_reachability_and_preference() {
        let stored = Contact {
            email: "ap@x.example".into(),
            name: Some("Old".into()),
            role: ContactRole::Ap,
            status: ContactStatus::Bounced,
            preferred: true,
        };
        let incoming = Contact {
            email: "ap@x.example".into(),
            name: None,
            role: ContactRole::Buyer,
            status: ContactStatus::Active,
            preferred: false,
        };
        let m = merge_contact(Some(&stored), &incoming);
        assert_eq!(m.status, ContactStatus::Bounced);
        assert!(m.preferred);
        assert_eq!(m.role, ContactRole::Buyer);
        assert_eq!(m.name.as_deref(), Some("Old"));
    }
}
