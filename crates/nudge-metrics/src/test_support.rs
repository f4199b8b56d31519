//! Small builders for the unit tests: books written as a reviewer would on paper.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{
    Account, AccountBook, Allocation, CreditNote, Invoice, InvoiceStatus, Payment,
};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use rust_decimal::Decimal;

use crate::facts::{AccountFacts, MessageCounts};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn at(y: i32, m: u32, day: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, day, h, 0, 0).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn book(id: &str) -> AccountBook {
    AccountBook::new(Account::new(id, id.to_uppercase()))
}

/// An open EUR invoice, nothing paid.
pub fn invoice(id: &str, issued: NaiveDate, due: NaiveDate, total: &str) -> Invoice {
    Invoice {
        id: id.to_string(),
        number: id.to_uppercase(),
        issue_date: issued,
        due_date: due,
        currency: Currency::EUR,
        total: dec(total),
        paid: Decimal::ZERO,
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

pub fn credit_note(id: &str, invoice_id: &str, on: NaiveDate, amount: &str) -> CreditNote {
    CreditNote {
        id: id.to_string(),
        invoice_id: Some(invoice_id.to_string()),
        amount: dec(amount),
        currency: Currency::EUR,
        issued_on: on,
        voided: false,
    }
}

pub fn promise(id: &str, date: NaiveDate, amount: Option<&str>, made: DateTime<Utc>) -> Promise {
    Promise {
        id: id.to_string(),
        promised_date: date,
        amount: amount.map(dec),
        currency: None,
        invoice_ids: Vec::new(),
        source: PromiseSource::Email,
        status: PromiseStatus::Active,
        made_at: made,
        paused_at_stage: None,
    }
}

pub fn dispute(
    id: &str,
    category: DisputeCategory,
    status: DisputeStatus,
    opened: DateTime<Utc>,
    resolved: Option<DateTime<Utc>>,
) -> Dispute {
    Dispute {
        id: id.to_string(),
        category,
        invoice_ids: vec!["i1".to_string()],
        status,
        opened_at: opened,
        resolved_at: resolved,
        summary: None,
    }
}

pub fn facts(book: AccountBook, stage: Option<&str>) -> AccountFacts {
    AccountFacts {
        book,
        stage: stage.map(str::to_string),
        messages: MessageCounts::default(),
    }
}
