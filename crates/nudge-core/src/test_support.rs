//! Small builders for tests across the workspace (feature `test-support` outside this crate).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use crate::ledger::{Allocation, Invoice, InvoiceStatus, Payment};
use crate::money::Currency;
use crate::promise::{Promise, PromiseSource, PromiseStatus};

/// A calendar day.
pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// An instant on a day, at an hour (UTC).
pub fn at(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, 0, 0).unwrap()
}

/// A decimal from its text.
pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// An open EUR invoice numbered after its id, issued 30 days before it is due.
pub fn invoice(id: &str, due: NaiveDate, total: &str, paid: &str) -> Invoice {
    Invoice {
        id: id.to_string(),
        number: id.to_uppercase(),
        issue_date: due - chrono::Days::new(30),
        due_date: due,
        currency: Currency::EUR,
        total: dec(total),
        paid: dec(paid),
        credited: Decimal::ZERO,
        status: InvoiceStatus::Open,
        paid_on: None,
        po_number: None,
        payment_url: None,
        pdf_url: None,
        auto_collection: false,
        auto_collection_exhausted: false,
    }
}

/// An EUR payment with its allocations `(invoice_id, amount)`.
pub fn payment(id: &str, on: NaiveDate, amount: &str, allocs: &[(&str, &str)]) -> Payment {
    Payment {
        id: id.to_string(),
        account_id: "acc".to_string(),
        amount: dec(amount),
        currency: Currency::EUR,
        received_on: on,
        reference: None,
        allocations: allocs
            .iter()
            .map(|(i, a)| Allocation {
                invoice_id: i.to_string(),
                amount: dec(a),
            })
            .collect(),
    }
}

/// An active promise made by email.
pub fn promise(
    date: NaiveDate,
    amount: Option<&str>,
    ids: &[&str],
    made: DateTime<Utc>,
) -> Promise {
    Promise {
        id: "p1".to_string(),
        promised_date: date,
        amount: amount.map(dec),
        currency: None,
        invoice_ids: ids.iter().map(|s| s.to_string()).collect(),
        source: PromiseSource::Email,
        status: PromiseStatus::Active,
        made_at: made,
        paused_at_stage: None,
    }
}
