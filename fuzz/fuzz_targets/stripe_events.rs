//! Stripe events (the project's own fixtures, mutated field by field, or raw bytes) through
//! `stripe::parse_event` + `stripe::changes`, then applied in order to the account books the way
//! the worker does. Asserts: no panic; mapping is deterministic; the books keep their invariants
//! (no negative open amount, payment or credit note; allocations positive and within the payment)
//! and survive JSON; re-applying the same deliveries changes nothing (idempotent replays); the
//! signature check never panics and never accepts a wrong or stale signature.
#![no_main]

use arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use nudge_billing::apply::{apply, new_book, Applied, Stamps};
use nudge_billing::stripe;
use nudge_billing::LedgerChange;
use nudge_fuzz::{check_book, mutate_json, now};
use serde_json::Value;

macro_rules! fixtures {
    ($($name:literal),* $(,)?) => {
        &[$(include_str!(concat!("../../crates/nudge-billing/tests/fixtures/stripe/", $name, ".json"))),*]
    };
}

const FIXTURES: &[&str] = fixtures!(
    "charge.dispute.closed",
    "charge.dispute.created",
    "charge.refunded",
    "credit_note.created",
    "credit_note.voided",
    "customer.created",
    "customer.deleted",
    "customer.updated",
    "invoice.created",
    "invoice.finalized",
    "invoice.marked_uncollectible",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_succeeded",
    "invoice.updated.jpy",
    "invoice.updated",
    "invoice.voided",
    "payment_intent.succeeded",
    "plan.created",
);

const KEYS: &[&str] = &[
    "amount",
    "amount_due",
    "amount_paid",
    "amount_remaining",
    "total",
    "currency",
    "customer",
    "status",
    "due_date",
    "created",
    "type",
    "invoice",
    "charge",
    "payment_intent",
    "reason",
    "amount_refunded",
    "voided_at",
    "paid",
    "id",
    "email",
    "name",
    "metadata",
    "lines",
];

fn event(u: &mut Unstructured<'_>) -> Result<Vec<u8>> {
    if u.ratio(1, 8)? {
        let n = u.int_in_range(0..=4096)?;
        return Ok(u.bytes(n.min(u.len()))?.to_vec());
    }
    let seed: Value =
        serde_json::from_str(FIXTURES[u.choose_index(FIXTURES.len())?]).unwrap_or(Value::Null);
    let mut v = mutate_json(&seed, KEYS, u)?;
    if u.ratio(1, 6)? {
        // Type confusion: one object delivered under another event type.
        let types: Vec<&str> = stripe::handled_types().collect();
        if let (Some(obj), Some(t)) = (v.as_object_mut(), types.get(u.choose_index(types.len())?)) {
            obj.insert("type".into(), Value::String((*t).to_string()));
        }
    }
    Ok(serde_json::to_vec(&v).unwrap_or_default())
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let count = u.int_in_range(1..=4)?;
    let mut deliveries: Vec<(String, Vec<LedgerChange>)> = Vec::new();
    for _ in 0..count {
        let body = event(u)?;
        // The signature check on whatever header the input makes up: never a panic, and a
        // signature made with another secret or long ago is refused.
        let header = nudge_fuzz::header_text(u, 64)?;
        let _ = stripe::verify_signature(&header, &body, &["whsec_a", "whsec_b"], now(), 300);
        let t = now().timestamp();
        let good = stripe::signature_header(&["whsec_a"], t, &body);
        assert!(
            stripe::verify_signature(&good, &body, &["whsec_b", "whsec_a"], now(), 300).is_ok()
        );
        let wrong = stripe::signature_header(&["whsec_c"], t, &body);
        assert!(stripe::verify_signature(&wrong, &body, &["whsec_a"], now(), 300).is_err());
        let stale = stripe::signature_header(&["whsec_a"], t - 301, &body);
        assert!(stripe::verify_signature(&stale, &body, &["whsec_a"], now(), 300).is_err());

        let Ok(event) = stripe::parse_event(&body) else {
            continue;
        };
        let first = stripe::changes(&event);
        assert_eq!(
            first,
            stripe::changes(&event),
            "mapping is not deterministic"
        );
        if let Ok(outcome) = first {
            let text = serde_json::to_string(&outcome).expect("an outcome serialises");
            let back: nudge_billing::Outcome = serde_json::from_str(&text).expect("reads back");
            assert_eq!(back, outcome);
            deliveries.push((format!("stripe:{}", event.id), outcome.changes().to_vec()));
        }
    }
    // One book per account, the deliveries in order; then the last delivery once more (a
    // retried delivery must change no book).
    let all: Vec<LedgerChange> = deliveries.iter().flat_map(|(_, c)| c.clone()).collect();
    let mut books = std::collections::BTreeMap::new();
    let deliver = |books: &mut std::collections::BTreeMap<String, _>,
                   cause: &str,
                   changes: &[LedgerChange]| {
        for change in changes {
            let Some(r) = change.account_ref() else {
                continue;
            };
            let (book, stamps, out): &mut (_, Stamps, Applied) = books
                .entry(r.to_string())
                .or_insert_with(|| (new_book(r, &all), Stamps::default(), Applied::default()));
            apply(book, stamps, change, cause, now(), out);
        }
    };
    for (cause, changes) in &deliveries {
        deliver(&mut books, cause, changes);
    }
    for (book, _, _) in books.values() {
        check_book(book);
    }
    if let Some((cause, changes)) = deliveries.last() {
        let before: Vec<_> = books.values().map(|(b, _, _)| b.clone()).collect();
        deliver(&mut books, cause, changes);
        let after: Vec<_> = books.values().map(|(b, _, _)| b.clone()).collect();
        assert_eq!(before, after, "a retried delivery changed a book");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let _ = run(&mut Unstructured::new(data));
});
