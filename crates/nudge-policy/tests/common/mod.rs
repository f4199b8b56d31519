//! Builders for policy tests. Reference moment: Monday 2026-11-30, 10:00 in Berlin (09:00 UTC).
#![allow(dead_code)]

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{Account, Contact, ContactRole, ContactStatus, Invoice, InvoiceStatus};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use nudge_policy::{AccountSnapshot, EscalationState, Stage, Touch, TouchKind};
use rust_decimal::Decimal;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
}

pub fn days_ago(n: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(n)).unwrap()
}

pub fn days_ahead(n: u64) -> NaiveDate {
    today().checked_add_days(Days::new(n)).unwrap()
}

pub fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

pub fn account() -> Account {
    let mut a = Account::new("acc_1", "Acme GmbH");
    a.timezone = chrono_tz::Europe::Berlin.into();
    a.owner = Some("owner@us.test".into());
    a
}

pub fn contact(email: &str, role: ContactRole, status: ContactStatus) -> Contact {
    Contact {
        email: email.into(),
        name: None,
        role,
        status,
        preferred: false,
    }
}

pub fn ap() -> Contact {
    contact("ap@acme.test", ContactRole::Ap, ContactStatus::Active)
}

/// An open EUR invoice due `due`, issued 30 days before.
pub fn inv(id: &str, due: NaiveDate, total: &str) -> Invoice {
    Invoice {
        id: id.into(),
        number: id.to_uppercase(),
        issue_date: due.checked_sub_days(Days::new(30)).unwrap(),
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

/// A paid invoice, paid `late` days after its due date `due`.
pub fn paid_inv(id: &str, due: NaiveDate, total: &str, late: u64) -> Invoice {
    let mut i = inv(id, due, total);
    i.status = InvoiceStatus::Paid;
    i.paid = i.total;
    i.paid_on = Some(due.checked_add_days(Days::new(late)).unwrap());
    i
}

pub fn snapshot(invoices: Vec<Invoice>) -> AccountSnapshot {
    AccountSnapshot {
        account: account(),
        contacts: vec![ap()],
        invoices,
        payments: vec![],
        promises: vec![],
        disputes: vec![],
        approvals: vec![],
        state: EscalationState::default(),
        overrides: None,
    }
}

pub fn touch(at: DateTime<Utc>, stage: Stage, kind: TouchKind, key: &str) -> Touch {
    Touch {
        at,
        stage,
        step_key: key.into(),
        kind,
    }
}

/// An email touch `n` calendar days before the reference moment.
pub fn email_days_ago(n: i64, stage: Stage, key: &str) -> Touch {
    touch(
        now() - chrono::Duration::days(n),
        stage,
        TouchKind::Email,
        key,
    )
}

pub fn dispute(ids: &[&str], status: DisputeStatus) -> Dispute {
    Dispute {
        id: "dsp_1".into(),
        category: DisputeCategory::Pricing,
        invoice_ids: ids.iter().map(|s| s.to_string()).collect(),
        status,
        opened_at: now() - chrono::Duration::days(20),
        resolved_at: None,
        summary: None,
    }
}

pub fn promise(date: NaiveDate, amount: Option<&str>, ids: &[&str]) -> Promise {
    Promise {
        id: "prm_1".into(),
        promised_date: date,
        amount: amount.map(dec),
        currency: None,
        invoice_ids: ids.iter().map(|s| s.to_string()).collect(),
        source: PromiseSource::Email,
        status: PromiseStatus::Active,
        made_at: now() - chrono::Duration::days(3),
        paused_at_stage: None,
    }
}

/// `evaluate`, detached from the snapshot (so the test can go on mutating it).
pub fn eval(
    s: &AccountSnapshot,
    p: &nudge_policy::Policy,
    now: DateTime<Utc>,
) -> nudge_policy::Decision<'static> {
    nudge_policy::evaluate(s, p, now).into_owned()
}
