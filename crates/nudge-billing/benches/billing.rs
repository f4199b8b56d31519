//! Hot paths of billing intake: one Stripe webhook (verify + parse + map), cash application
//! against 30 open invoices, an ERP batch of 500 events, and a 10,000-invoice CSV import.

use chrono::{DateTime, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion};
use nudge_billing::cashapp::{match_payment, MatchOptions};
use nudge_billing::{erp, import, stripe};
use nudge_core::ledger::{Invoice, InvoiceStatus, Payment};
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use std::hint::black_box;

const SECRETS: &[&str] = &["whsec_old", "whsec_current"];

fn stripe_webhook(c: &mut Criterion) {
    let body = include_bytes!("../tests/fixtures/stripe/invoice.paid.json");
    let t = 1_795_248_000;
    let header = stripe::signature_header(&["whsec_current"], t, body);
    let now = DateTime::from_timestamp(t + 5, 0).unwrap();
    c.bench_function(
        "stripe verify+parse+changes (invoice.paid, 2 secrets)",
        |b| {
            b.iter(|| {
                stripe::verify_signature(black_box(&header), body, SECRETS, now, 300).unwrap();
                let event = stripe::parse_event(black_box(body)).unwrap();
                black_box(stripe::changes(&event).unwrap())
            })
        },
    );
}

fn open_invoices(n: usize) -> Vec<Invoice> {
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    (0..n)
        .map(|i| Invoice {
            id: format!("erp:I-{i}"),
            number: format!("INV-2026-{:05}", 1000 + i),
            issue_date: base,
            due_date: base + chrono::Days::new(i as u64),
            currency: Currency::EUR,
            // Distinct, irregular amounts so the combination search has real work.
            total: Decimal::new(10_000 + (i as i64 * 7_919) % 90_000, 2),
            paid: Decimal::ZERO,
            credited: Decimal::ZERO,
            status: InvoiceStatus::Open,
            paid_on: None,
            po_number: None,
            payment_url: None,
            pdf_url: None,
            auto_collection: false,
            auto_collection_exhausted: false,
        })
        .collect()
}

fn payment(amount: Decimal, reference: Option<&str>) -> Payment {
    Payment {
        id: "erp:P-1".into(),
        account_id: "erp:C-1".into(),
        amount,
        currency: Currency::EUR,
        received_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        reference: reference.map(str::to_string),
        allocations: vec![],
    }
}

fn cash_application(c: &mut Criterion) {
    let invoices = open_invoices(30);
    let opts = MatchOptions::default();
    let by_ref = payment(invoices[17].total, Some("Payment inv 2026-1017 thanks"));
    let combo_amount = invoices[3].total + invoices[11].total + invoices[26].total;
    let by_combo = payment(combo_amount, None);
    let nothing = payment(Decimal::new(1, 2), Some("no idea"));
    // Unreachable but within the total: the search runs until its node budget.
    let half: Decimal = invoices.iter().take(15).map(|i| i.total).sum();
    let impossible = payment(half + Decimal::new(1, 2), None);
    c.bench_function("match_payment 30 open: reference", |b| {
        b.iter(|| black_box(match_payment(black_box(&by_ref), &invoices, &opts)))
    });
    c.bench_function("match_payment 30 open: 3-invoice combination", |b| {
        b.iter(|| black_box(match_payment(black_box(&by_combo), &invoices, &opts)))
    });
    c.bench_function("match_payment 30 open: no match, tiny amount", |b| {
        b.iter(|| black_box(match_payment(black_box(&nothing), &invoices, &opts)))
    });
    c.bench_function("match_payment 30 open: no match, full budget", |b| {
        b.iter(|| black_box(match_payment(black_box(&impossible), &invoices, &opts)))
    });
}

fn erp_batch(c: &mut Criterion) {
    let events: Vec<serde_json::Value> = (0..500)
        .map(|i| {
            serde_json::json!({"id": format!("evt_{i}"), "type": "invoice.upsert",
                "occurred_at": "2026-11-01T08:00:00Z",
                "invoice": {"id": format!("I-{i}"), "customer_id": "C-100", "number": format!("INV-{i}"),
                    "currency": "EUR", "total": "4800.00", "amount_paid": "0.00",
                    "issue_date": "2026-10-11", "due_date": "2026-11-10", "status": "open"}})
        })
        .collect();
    let body = serde_json::to_vec(&events).unwrap();
    let ts = "1795248000";
    let sig = erp::signature_header("erp_secret", 1_795_248_000, &body);
    let now = DateTime::from_timestamp(1_795_248_001, 0).unwrap();
    c.bench_function("erp verify+parse_batch+changes (500 invoice events)", |b| {
        b.iter(|| {
            erp::verify_signature(ts, &sig, &body, "erp_secret", now, 300).unwrap();
            let events = erp::parse_batch(black_box(&body)).unwrap();
            black_box(events.iter().map(|e| erp::changes(e).len()).sum::<usize>())
        })
    });
}

fn csv_import(c: &mut Criterion) {
    let mut csv = String::from(
        "customer_id,customer_name,email,invoice_number,issue_date,due_date,currency,total,balance\n",
    );
    for i in 0..10_000 {
        csv.push_str(&format!(
            "C-{c},Customer {c},ap{c}@example.com,INV-{i:06},2026-01-01,2026-02-01,EUR,{t}.00,{t}.00\n",
            c = i % 700,
            t = 100 + i % 900
        ));
    }
    let at = DateTime::from_timestamp(1_795_248_000, 0).unwrap();
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function("parse_csv 10,000 invoices / 700 customers", |b| {
        b.iter(|| {
            black_box(import::parse_csv(black_box(&csv), at))
                .summary
                .invoices
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(std::time::Duration::from_millis(500))
        .measurement_time(std::time::Duration::from_secs(2));
    targets = stripe_webhook, cash_application, erp_batch, csv_import
}
criterion_main!(benches);
