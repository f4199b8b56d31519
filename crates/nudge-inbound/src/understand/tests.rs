use chrono::NaiveDate;

use super::*;

fn u(text: &str) -> Understanding {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    understand_text(text, None, today, "en-GB", Hints::default())
}

#[test]
fn promise_with_date_and_amount() {
    let r = u("Hi, we'll pay INV-2026-0412 (€4,800.00) by Friday. Thanks");
    assert_eq!(r.primary_intent, Intent::PromiseToPay);
    let p = r.promise.unwrap();
    assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 12, 4));
    assert_eq!(p.amount.map(|a| a.to_string()).as_deref(), Some("4800.00"));
    assert_eq!(p.currency.as_deref(), Some("EUR"));
    assert_eq!(r.invoice_refs, ["INV-2026-0412"]);
}

#[test]
fn refusal_until_corrected_is_a_dispute() {
    let r = u("We will not pay until the price is corrected.");
    assert_eq!(r.primary_intent, Intent::Dispute);
    assert!(r.promise.is_none());
    assert_eq!(r.dispute, Some(DisputeCategory::Pricing));
}

#[test]
fn cannot_pay_is_no_promise() {
    let r = u("Sorry, we can't pay this month.");
    assert!(r.promise.is_none(), "{r:?}");
}

#[test]
fn already_paid_and_contacts() {
    let r = u("We already paid this on 20 November, see the attached remittance.");
    assert_eq!(r.primary_intent, Intent::AlreadyPaid);
    let r = u("Please send all invoices to Jane Doe <jane@acme.example> from now on.");
    assert_eq!(r.primary_intent, Intent::ContactChange);
    assert_eq!(r.new_contacts[0].email, "jane@acme.example");
}

#[test]
fn nothing_recognised_is_other() {
    let r = u("Thanks.");
    assert_eq!(r.primary_intent, Intent::Other);
}
