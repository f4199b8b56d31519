//! Small builders for the unit tests: books written as a reviewer would on paper.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{Account, AccountBook, CreditNote, Invoice};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};

use crate::facts::{AccountFacts, MessageCounts};

// The plain builders are nudge-core's; the ones below are written in this crate's terms.
pub use nudge_core::test_support::{at, d, dec, payment};

pub fn book(id: &str) -> AccountBook {
    AccountBook::new(Account::new(id, id.to_uppercase()))
}

/// An open EUR invoice, nothing paid.
pub fn invoice(id: &str, issued: NaiveDate, due: NaiveDate, total: &str) -> Invoice {
    Invoice {
        issue_date: issued,
        ..nudge_core::test_support::invoice(id, due, total, "0")
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
