use super::*;
use crate::erp;
use nudge_core::ledger::InvoiceStatus;
use serde_json::Value;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

/// The changes of an ERP batch given as JSON values.
fn erp_changes(events: Value) -> Vec<(String, LedgerChange)> {
    let body = serde_json::to_vec(&events).unwrap();
    let parsed = erp::parse_batch(&body).unwrap_or_else(|e| panic!("invalid test batch: {e:?}"));
    parsed
        .iter()
        .flat_map(|ev| {
            erp::changes(ev)
                .into_iter()
                .map(move |c| (format!("erp:{}", ev.id), c))
        })
        .collect()
}

fn run(book: &mut AccountBook, stamps: &mut Stamps, events: Value) -> Applied {
    let mut out = Applied::default();
    for (cause, change) in erp_changes(events) {
        apply(book, stamps, &change, &cause, now(), &mut out);
    }
    out
}

fn customer() -> Value {
    serde_json::json!({"id": "e1", "type": "customer.upsert", "occurred_at": "2026-11-01T08:00:00Z",
        "customer": {"id": "C-100", "name": "Globex GmbH", "currency": "EUR"}})
}

fn invoice(id: &str, number: &str, total: &str, due: &str, at: &str) -> Value {
    serde_json::json!({"id": format!("ev-{id}-{at}"), "type": "invoice.upsert", "occurred_at": at,
        "invoice": {"id": id, "customer_id": "C-100", "number": number, "currency": "EUR",
                    "total": total, "issue_date": "2026-10-01", "due_date": due}})
}

fn payment(id: &str, amount: &str, reference: &str) -> Value {
    serde_json::json!({"id": format!("ev-{id}"), "type": "payment.received", "occurred_at": "2026-11-20T09:00:00Z",
        "payment": {"id": id, "customer_id": "C-100", "amount": amount, "currency": "EUR",
                    "received_on": "2026-11-20", "reference": reference}})
}

fn fresh() -> (AccountBook, Stamps) {
    let changes: Vec<LedgerChange> = erp_changes(serde_json::json!([customer()]))
        .into_iter()
        .map(|(_, c)| c)
        .collect();
    (new_book("erp:C-100", &changes), Stamps::default())
}

#[test]
fn new_book_is_named_by_the_upsert_and_carries_the_source_id() {
    let (book, _) = fresh();
    assert_eq!(book.account.id, "erp:C-100");
    assert_eq!(book.account.name, "Globex GmbH");
    assert_eq!(book.account.erp_id.as_deref(), Some("C-100"));
}

#[test]
fn fuzzy_remittance_pays_the_named_invoice() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            customer(),
            invoice(
                "I-1",
                "INV-2026-0412",
                "4800.00",
                "2026-11-10",
                "2026-11-01T08:00:00Z"
            ),
            invoice(
                "I-2",
                "INV-2026-0413",
                "900.00",
                "2026-11-12",
                "2026-11-01T08:00:00Z"
            ),
            payment("P-1", "4800.00", "Invoice 2026-412"),
        ]),
    );
    let inv = book.invoice("erp:I-1").unwrap();
    assert_eq!(inv.status, InvoiceStatus::Paid);
    assert_eq!(inv.open_amount(), Decimal::ZERO);
    assert_eq!(inv.paid_on, NaiveDate::from_ymd_opt(2026, 11, 20));
    assert_eq!(book.invoice("erp:I-2").unwrap().status, InvoiceStatus::Open);
}

#[test]
fn ambiguous_payment_is_queued_with_suggestions_and_can_be_applied_by_hand() {
    let (mut book, mut stamps) = fresh();
    let out = run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            invoice("I-1", "A-1", "500.00", "2026-11-10", "2026-11-01T08:00:00Z"),
            invoice("I-2", "A-2", "500.00", "2026-11-12", "2026-11-01T08:00:00Z"),
            payment("P-1", "500.00", "thanks"),
        ]),
    );
    let review = out.review.get("erp:P-1").expect("queued");
    assert!(!review.suggestions.is_empty(), "{review:?}");
    assert!(book
        .invoices
        .iter()
        .all(|i| i.status == InvoiceStatus::Open));

    // A person picks one; invalid picks are refused with field paths and change nothing.
    let before = book.clone();
    let bad = apply_allocations(
        &mut book,
        "erp:P-1",
        &[
            Allocation {
                invoice_id: "erp:I-9".into(),
                amount: Decimal::new(100, 0),
            },
            Allocation {
                invoice_id: "erp:I-2".into(),
                amount: Decimal::new(600, 0),
            },
        ],
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    )
    .unwrap_err();
    let paths: Vec<&str> = bad.iter().map(|e| e.path.as_str()).collect();
    assert!(paths.contains(&"allocations[0].invoice_id"), "{paths:?}");
    assert!(paths.contains(&"allocations[1].amount"), "{paths:?}");
    assert_eq!(book, before);

    apply_allocations(
        &mut book,
        "erp:P-1",
        &[Allocation {
            invoice_id: "erp:I-2".into(),
            amount: Decimal::new(50000, 2),
        }],
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
    )
    .unwrap();
    assert_eq!(book.invoice("erp:I-2").unwrap().status, InvoiceStatus::Paid);
    assert_eq!(book.invoice("erp:I-1").unwrap().status, InvoiceStatus::Open);
}

#[test]
fn overpayment_becomes_a_credit_balance() {
    let (mut book, mut stamps) = fresh();
    let out = run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            invoice(
                "I-1",
                "INV-2026-0412",
                "4800.00",
                "2026-11-10",
                "2026-11-01T08:00:00Z"
            ),
            payment("P-1", "5000.00", "INV-2026-0412"),
        ]),
    );
    assert!(out.review.is_empty(), "{:?}", out.review);
    assert_eq!(book.invoice("erp:I-1").unwrap().status, InvoiceStatus::Paid);
    let credit: Vec<(&str, Decimal)> = credit_balance(&book, &[]).collect();
    assert_eq!(credit, vec![("EUR", Decimal::new(20000, 2))]);
    assert!(out.events.iter().any(|e| e.kind == "credit_balance"));
}

#[test]
fn payment_before_invoice_converges_with_invoice_before_payment() {
    let events = [
        invoice(
            "I-1",
            "INV-2026-0412",
            "4800.00",
            "2026-11-10",
            "2026-11-01T08:00:00Z",
        ),
        payment("P-1", "4800.00", "Invoice 2026-412"),
    ];
    let (mut a, mut sa) = fresh();
    run(
        &mut a,
        &mut sa,
        serde_json::json!([events[0].clone(), events[1].clone()]),
    );
    let (mut b, mut sb) = fresh();
    let mut out = Applied::default();
    for (cause, change) in erp_changes(serde_json::json!([events[1].clone()])) {
        apply(&mut b, &mut sb, &change, &cause, now(), &mut out);
    }
    assert!(out.review.contains_key("erp:P-1"));
    for (cause, change) in erp_changes(serde_json::json!([events[0].clone()])) {
        apply(&mut b, &mut sb, &change, &cause, now(), &mut out);
    }
    assert!(out.review.is_empty());
    assert_eq!(out.reviewed, vec!["erp:P-1".to_string()]);
    assert_eq!(a.invoices, b.invoices);
    assert_eq!(a.payments, b.payments);
}

#[test]
fn a_later_erp_snapshot_without_the_payment_does_not_reopen_the_invoice() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            invoice(
                "I-1",
                "INV-2026-0412",
                "4800.00",
                "2026-11-10",
                "2026-11-01T08:00:00Z"
            ),
            payment("P-1", "4800.00", "INV-2026-0412"),
            invoice(
                "I-1",
                "INV-2026-0412",
                "4800.00",
                "2026-11-10",
                "2026-11-21T08:00:00Z"
            ),
        ]),
    );
    assert_eq!(book.invoice("erp:I-1").unwrap().status, InvoiceStatus::Paid);
    assert_eq!(
        book.invoice("erp:I-1").unwrap().paid,
        Decimal::new(480000, 2)
    );
}

#[test]
fn stale_snapshots_and_replays_change_nothing() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            invoice("I-1", "A-1", "100.00", "2026-11-10", "2026-11-05T08:00:00Z"),
            {"id": "v1", "type": "invoice.void", "occurred_at": "2026-11-06T08:00:00Z",
             "invoice": {"id": "I-1", "customer_id": "C-100"}},
        ]),
    );
    assert_eq!(book.invoice("erp:I-1").unwrap().status, InvoiceStatus::Void);
    let before = book.clone();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([invoice(
            "I-1",
            "A-1",
            "100.00",
            "2026-11-10",
            "2026-11-04T08:00:00Z"
        )]),
    );
    assert_eq!(book, before);
    // A payment replayed (same id) is not counted twice.
    let mut book2 = fresh().0;
    let mut st2 = Stamps::default();
    let events = serde_json::json!([
        invoice("I-1", "A-1", "100.00", "2026-11-10", "2026-11-05T08:00:00Z"),
        payment("P-1", "100.00", "A-1"),
    ]);
    run(&mut book2, &mut st2, events.clone());
    let once = book2.clone();
    run(
        &mut book2,
        &mut st2,
        serde_json::json!([payment("P-1", "100.00", "A-1")]),
    );
    assert_eq!(book2, once);
    assert_eq!(
        book2.invoice("erp:I-1").unwrap().paid,
        Decimal::new(10000, 2)
    );
}

#[test]
fn credit_notes_reduce_and_voids_restore() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            invoice("I-1", "A-1", "100.00", "2026-11-10", "2026-11-05T08:00:00Z"),
            {"id": "cn1", "type": "credit_note.issued", "occurred_at": "2026-11-06T08:00:00Z",
             "credit_note": {"id": "CN-1", "customer_id": "C-100", "amount": "100.00", "currency": "EUR",
                             "issued_on": "2026-11-06", "invoice_id": "I-1"}},
        ]),
    );
    let inv = book.invoice("erp:I-1").unwrap();
    assert_eq!(inv.credited, Decimal::new(10000, 2));
    assert_eq!(inv.status, InvoiceStatus::Paid);
    let mut out = Applied::default();
    apply(
        &mut book,
        &mut stamps,
        &LedgerChange::VoidCreditNote {
            account_ref: "erp:C-100".into(),
            credit_note_ref: "erp:CN-1".into(),
            invoice_ref: Some("erp:I-1".into()),
            adjusts_invoices: true,
            source_updated_at: now(),
        },
        "test",
        now(),
        &mut out,
    );
    let inv = book.invoice("erp:I-1").unwrap();
    assert_eq!(inv.credited, Decimal::ZERO);
    assert_eq!(inv.status, InvoiceStatus::Open);
}

#[test]
fn disputes_find_their_invoices_through_the_charge_and_never_reopen() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([invoice(
            "I-1",
            "A-1",
            "100.00",
            "2026-11-10",
            "2026-11-05T08:00:00Z"
        )]),
    );
    let mut out = Applied::default();
    let pay = LedgerChange::RecordPayment {
        account_ref: "erp:C-100".into(),
        payment: nudge_core::ledger::Payment {
            id: "stripe:pi_1".into(),
            account_id: "erp:C-100".into(),
            amount: Decimal::new(100, 0),
            currency: nudge_core::money::Currency::EUR,
            received_on: NaiveDate::from_ymd_opt(2026, 11, 7).unwrap(),
            reference: None,
            allocations: vec![Allocation {
                invoice_id: "erp:I-1".into(),
                amount: Decimal::new(100, 0),
            }],
        },
        needs_cash_application: false,
        adjusts_invoices: false,
        charge_ref: Some("stripe:ch_1".into()),
        payment_intent_ref: Some("stripe:pi_1".into()),
        source_updated_at: now(),
    };
    apply(&mut book, &mut stamps, &pay, "c", now(), &mut out);
    let close = LedgerChange::CloseDispute {
        dispute_ref: "stripe:dp_1".into(),
        account_ref: None,
        charge_ref: Some("stripe:ch_1".into()),
        status: DisputeStatus::ResolvedRejected,
        source_status: "won".into(),
        source_updated_at: now(),
    };
    let open = LedgerChange::OpenDispute {
        dispute_ref: "stripe:dp_1".into(),
        account_ref: None,
        charge_ref: Some("stripe:ch_1".into()),
        payment_intent_ref: None,
        amount: Decimal::new(100, 0),
        currency: nudge_core::money::Currency::EUR,
        category: DisputeCategory::NotReceived,
        source_reason: "product_not_received".into(),
        opened_at: now(),
        source_updated_at: now(),
    };
    // Close first, then the late open: the dispute stays closed.
    apply(&mut book, &mut stamps, &close, "c", now(), &mut out);
    apply(&mut book, &mut stamps, &open, "c", now(), &mut out);
    assert_eq!(book.disputes.len(), 1);
    assert_eq!(book.disputes[0].status, DisputeStatus::ResolvedRejected);
    assert_eq!(book.disputes[0].invoice_ids, vec!["erp:I-1".to_string()]);
}

#[test]
fn delete_disables_dunning_and_keeps_history() {
    let (mut book, mut stamps) = fresh();
    run(
        &mut book,
        &mut stamps,
        serde_json::json!([invoice(
            "I-1",
            "A-1",
            "100.00",
            "2026-11-10",
            "2026-11-05T08:00:00Z"
        )]),
    );
    let mut out = Applied::default();
    apply(
        &mut book,
        &mut stamps,
        &LedgerChange::DeleteAccount {
            account_ref: "erp:C-100".into(),
            source_updated_at: now(),
        },
        "c",
        now(),
        &mut out,
    );
    assert!(book.deleted && !book.account.dunning_enabled);
    assert_eq!(book.invoices.len(), 1);
}

#[test]
fn every_event_kind_is_snake_case_with_a_cause() {
    let (mut book, mut stamps) = fresh();
    let out = run(
        &mut book,
        &mut stamps,
        serde_json::json!([
            customer(),
            invoice(
                "I-1",
                "INV-2026-0412",
                "4800.00",
                "2026-11-10",
                "2026-11-01T08:00:00Z"
            ),
            payment("P-1", "5000.00", "Invoice 2026-412"),
            payment("P-2", "7.00", "?"),
        ]),
    );
    assert!(out.events.len() >= 5);
    for e in &out.events {
        e.validate().unwrap();
    }
}
