//! A customer's remittance advice (from an email) applied to the payment it explains.
//!
//! What a finance team expects: the bank often delivers a payment with no usable reference, and
//! the customer's advice arrives separately, listing the invoices it pays. The advice is matched
//! to ONE payment still waiting with unapplied cash — the one whose unapplied amount equals the
//! advice's total, or (when the advice gives no amounts) the one whose unapplied amount equals
//! what the named invoices have open — and becomes that payment's remittance text. Cash
//! application then runs as for any payment ([`crate::apply::try_rematch`]): invoice numbers
//! matched, currencies and open amounts respected, applied only when confident. When no payment
//! fits (not arrived yet, amounts differ) nothing is applied: the caller leaves the lines for a
//! person, and a payment that arrives later still matches by the invoices named in its own
//! reference or amount.

use chrono::{DateTime, Utc};
use nudge_core::ledger::{AccountBook, InvoiceStatus};
use rust_decimal::Decimal;
use serde_json::json;

use crate::apply::{try_rematch, Applied};
use crate::cashapp::NumberKey;

/// One line of a remittance advice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdviceLine {
    /// The invoice number as the customer wrote it.
    pub invoice: String,
    /// The amount paid against it, when given.
    pub amount: Option<Decimal>,
}

/// Longest remittance text kept on a payment.
const MAX_REFERENCE_CHARS: usize = 2000;

/// Applies the advice to the waiting payment it explains. Returns that payment's id when the
/// advice was attached to one and the payment is now applied; `None` changes nothing.
pub fn apply_advice(
    book: &mut AccountBook,
    lines: &[AdviceLine],
    cause: &str,
    now: DateTime<Utc>,
    out: &mut Applied,
) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    let total: Option<Decimal> = lines
        .iter()
        .map(|l| l.amount)
        .try_fold(Decimal::ZERO, |acc, a| a.and_then(|a| acc.checked_add(a)));
    let named_open: Decimal = book
        .invoices
        .iter()
        .filter(|i| i.status == InvoiceStatus::Open)
        .filter(|i| {
            let key = NumberKey::of(&i.number);
            lines.iter().any(|l| NumberKey::of(&l.invoice) == key)
        })
        .map(|i| i.open_amount())
        .sum();
    let target = total.filter(|t| *t > Decimal::ZERO).unwrap_or(named_open);
    if target <= Decimal::ZERO {
        return None;
    }
    let mut fitting = book
        .payments
        .iter()
        .filter(|p| p.unapplied() == target && p.allocations.is_empty());
    let payment = fitting.next()?.id.clone();
    if fitting.next().is_some() {
        // Two waiting payments of the same amount: which one this advice explains is a
        // person's call.
        return None;
    }
    let advice = lines
        .iter()
        .map(|l| match l.amount {
            Some(a) => format!("{} {a}", l.invoice),
            None => l.invoice.clone(),
        })
        .collect::<Vec<_>>()
        .join("; ");
    let before = book.clone();
    if let Some(p) = book.payments.iter_mut().find(|p| p.id == payment) {
        let text = match p.reference.as_deref().filter(|r| !r.trim().is_empty()) {
            Some(r) => format!("{r} | remittance advice: {advice}"),
            None => format!("remittance advice: {advice}"),
        };
        p.reference = Some(text.chars().take(MAX_REFERENCE_CHARS).collect());
    }
    if try_rematch(book, &payment, cause, now, out) {
        out.events.push(nudge_core::event_log::LedgerEvent {
            at: now,
            kind: "remittance_applied".into(),
            cause: cause.to_string(),
            data: json!({"payment_id": payment, "lines": advice}),
        });
        Some(payment)
    } else {
        // Not confident: leave the book as it was; a person gets the lines.
        *book = before;
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use nudge_core::ledger::{Account, Invoice, Payment};
    use nudge_core::money::Currency;
    use nudge_core::test_support::invoice;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn book() -> AccountBook {
        let mut b = AccountBook::new(Account::new("acc_1", "Globex"));
        for (id, number, total) in [
            ("i1", "INV-1001", "1200.00"),
            ("i2", "INV-1002", "300.00"),
            ("i3", "INV-1003", "1500.00"),
        ] {
            let day = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
            b.invoices.push(Invoice {
                number: number.into(),
                issue_date: day,
                ..invoice(id, day, total, "0")
            });
        }
        b.payments.push(Payment {
            id: "pay_1".into(),
            account_id: "acc_1".into(),
            amount: d("1500.00"),
            currency: Currency::EUR,
            received_on: NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
            reference: Some("TRANSFER 88213".into()),
            allocations: Vec::new(),
        });
        b
    }

    fn line(invoice: &str, amount: Option<&str>) -> AdviceLine {
        AdviceLine {
            invoice: invoice.into(),
            amount: amount.map(d),
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_796_000_000, 0).unwrap()
    }

    #[test]
    fn the_advice_applies_the_waiting_payment_of_its_total() {
        let mut b = book();
        let mut out = Applied {
            queued: vec!["pay_1".into()],
            ..Applied::default()
        };
        let lines = [
            line("INV-1001", Some("1200.00")),
            line("INV-1002", Some("300.00")),
        ];
        let got = apply_advice(&mut b, &lines, "email:m1", now(), &mut out);
        assert_eq!(got.as_deref(), Some("pay_1"));
        let p = &b.payments[0];
        assert!(p.unapplied().is_zero());
        let mut ids: Vec<&str> = p
            .allocations
            .iter()
            .map(|a| a.invoice_id.as_str())
            .collect();
        ids.sort();
        assert_eq!(
            ids,
            ["i1", "i2"],
            "not INV-1003, which alone matches the amount"
        );
        assert!(p.reference.as_deref().unwrap().contains("INV-1002"));
        assert_eq!(out.reviewed, vec!["pay_1".to_string()]);
        assert!(out.events.iter().any(|e| e.kind == "remittance_applied"));
    }

    #[test]
    fn without_amounts_the_named_invoices_open_sum_finds_the_payment() {
        let mut b = book();
        let mut out = Applied::default();
        let lines = [line("INV 1001", None), line("inv-1002", None)];
        assert_eq!(
            apply_advice(&mut b, &lines, "email:m1", now(), &mut out).as_deref(),
            Some("pay_1")
        );
    }

    #[test]
    fn no_fitting_payment_changes_nothing() {
        let mut b = book();
        let before = b.clone();
        let mut out = Applied::default();
        let lines = [line("INV-1001", Some("1200.00"))];
        assert_eq!(
            apply_advice(&mut b, &lines, "email:m1", now(), &mut out),
            None
        );
        assert_eq!(b, before);
        assert!(out.events.is_empty());
    }

    #[test]
    fn two_payments_of_the_amount_are_left_to_a_person() {
        let mut b = book();
        let mut twin = b.payments[0].clone();
        twin.id = "pay_2".into();
        b.payments.push(twin);
        let before = b.clone();
        let mut out = Applied::default();
        let lines = [
            line("INV-1001", Some("1200.00")),
            line("INV-1002", Some("300.00")),
        ];
        assert_eq!(
            apply_advice(&mut b, &lines, "email:m1", now(), &mut out),
            None
        );
        assert_eq!(b, before);
    }
}
