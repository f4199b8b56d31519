//! Bulk import from CSV and NDJSON: layouts, aliases, per-row errors, and scale.

use chrono::{DateTime, Utc};
use nudge_billing::import::{parse_csv, parse_ndjson};
use nudge_billing::LedgerChange;
use nudge_core::ledger::InvoiceStatus;
use rust_decimal::Decimal;
use std::str::FromStr;

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_793_520_000, 0).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn invoices(changes: &[LedgerChange]) -> Vec<&nudge_core::ledger::Invoice> {
    changes
        .iter()
        .filter_map(|c| match c {
            LedgerChange::UpsertInvoice { invoice, .. } => Some(invoice),
            _ => None,
        })
        .collect()
}

#[test]
fn aging_export_creates_customers_contacts_and_invoices() {
    let csv = "\u{feff}Customer No,Customer Name,AP Email,Invoice No,Invoice Date,Due Date,Currency,Total,Balance,PO\n\
               C-100,\"Globex GmbH, Berlin\",ap@globex.example,INV-2026-0412,2026-10-11,2026-11-10,EUR,4800.00,4800.00,\n\
               C-100,\"Globex GmbH, Berlin\",ap@globex.example,INV-2026-0413,2026-10-12,2026-11-11,EUR,1000.00,250.00,PO-77\n\
               C-200,Initech,billing@initech.example,9001,2026-09-01,2026-10-01,USD,99.5,99.5,\n";
    let batch = parse_csv(csv, at());
    assert!(batch.errors.is_empty(), "{:?}", batch.errors);
    assert_eq!(batch.summary.rows, 3);
    assert_eq!(
        (
            batch.summary.accounts,
            batch.summary.contacts,
            batch.summary.invoices
        ),
        (2, 2, 3)
    );
    // Accounts first, then contacts, then invoices.
    assert!(matches!(
        batch.changes[0],
        LedgerChange::UpsertAccount { .. }
    ));
    assert!(matches!(
        batch.changes[2],
        LedgerChange::UpsertContact { .. }
    ));
    let invs = invoices(&batch.changes);
    assert_eq!(invs[0].id, "erp:INV-2026-0412");
    assert_eq!(invs[1].paid, dec("750.00"));
    assert_eq!(invs[1].open_amount(), dec("250.00"));
    assert_eq!(invs[1].po_number.as_deref(), Some("PO-77"));
    assert_eq!(invs[2].total.to_string(), "99.50");
    match &batch.changes[0] {
        LedgerChange::UpsertAccount {
            account,
            account_ref,
            ..
        } => {
            assert_eq!(account_ref, "erp:C-100");
            assert_eq!(account.name.as_deref(), Some("Globex GmbH, Berlin"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_rows_are_reported_by_line_and_field_and_good_rows_still_load() {
    let csv = "customer_id;customer_name;invoice_number;issue_date;due_date;currency;balance\n\
               C-1;Acme;A-1;2026-01-01;2026-01-31;EUR;100,00\n\
               C-1;Acme;A-2;2026-01-01;31/01/2026;EUR;100.00\n\
               ;Nobody;A-3;2026-01-01;2026-01-31;EUR;5.00\n\
               C-1;Acme;A-4;2026-01-01;2026-01-31;JPY;10.5\n\
               C-1;Acme;A-5;2026-02-01;2026-03-01;EUR;7.00\n";
    let batch = parse_csv(csv, at());
    let found: Vec<(usize, Option<&str>)> = batch
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    assert!(found.contains(&(2, Some("total"))), "{found:?}");
    assert!(found.contains(&(3, Some("due_date"))), "{found:?}");
    assert!(found.contains(&(4, Some("customer_id"))), "{found:?}");
    assert!(found.contains(&(5, Some("total"))), "{found:?}");
    assert_eq!(batch.summary.rejected_rows, 4);
    let invs = invoices(&batch.changes);
    assert_eq!(invs.len(), 1);
    assert_eq!(invs[0].number, "A-5");
}

#[test]
fn record_column_layout() {
    let csv = "record,customer_id,name,email,role,timezone,strategic,payment_terms,invoice_id,number,issue_date,due_date,currency,total,amount_paid,status\n\
               customer,C-9,Umbrella Corp,,,America/New_York,yes,Net 45,,,,,USD,,,\n\
               contact,C-9,Jane Roe,jane@umbrella.example,approver,,,,,,,,,,,\n\
               invoice,C-9,,,,,,,I-77,U-2026-77,2026-05-01,2026-06-15,USD,1200.00,200.00,open\n\
               invoice,C-9,,,,,,,I-78,U-2026-78,2026-05-01,2026-06-15,USD,50.00,50.00,paid\n\
               vendor,C-9,,,,,,,,,,,,,,\n";
    let batch = parse_csv(csv, at());
    assert_eq!(batch.errors.len(), 1, "{:?}", batch.errors);
    assert_eq!(batch.errors[0].line, 6);
    assert_eq!(
        (
            batch.summary.accounts,
            batch.summary.contacts,
            batch.summary.invoices
        ),
        (1, 1, 2)
    );
    match &batch.changes[0] {
        LedgerChange::UpsertAccount { account, .. } => {
            assert_eq!(account.strategic, Some(true));
            assert_eq!(account.payment_terms_days, Some(45));
            assert_eq!(account.timezone, Some(chrono_tz::America::New_York.into()));
        }
        other => panic!("{other:?}"),
    }
    let invs = invoices(&batch.changes);
    assert_eq!(invs[0].open_amount(), dec("1000.00"));
    assert_eq!(invs[1].status, InvoiceStatus::Paid);
}

#[test]
fn csv_without_customer_column_is_refused_whole() {
    let batch = parse_csv("foo,bar\n1,2\n", at());
    assert!(batch.changes.is_empty());
    assert_eq!(batch.errors.len(), 1);
    assert_eq!(batch.errors[0].line, 1);
}

#[test]
fn ndjson_flat_and_event_shaped_lines() {
    let text = r#"{"record":"customer","id":"C-1","name":"Acme","currency":"EUR"}
{"type":"contact.upsert","contact":{"customer_id":"C-1","email":"ap@acme.example"}}

{"record":"invoice","id":"I-1","customer_id":"C-1","number":"A-1","currency":"EUR","total":"10.00","issue_date":"2026-01-01","due_date":"2026-01-31"}
{"record":"invoice","id":"I-2","customer_id":"C-1","number":"A-2","currency":"EUR","total":"ten","issue_date":"2026-01-01","due_date":"2026-01-31"}
not json
{"record":"payment"}
{"id":"x"}
{"type":"invoice.upsert","invoice":{"id":"I-3","customer_id":"C-1","number":"A-3","currency":"EUR","total":"5","issue_date":"2026-01-01","due_date":"2025-12-31"}}
"#;
    let batch = parse_ndjson(text, at());
    assert_eq!(batch.summary.rows, 8);
    assert_eq!(
        (
            batch.summary.accounts,
            batch.summary.contacts,
            batch.summary.invoices
        ),
        (1, 1, 1)
    );
    let found: Vec<(usize, Option<&str>)> = batch
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_deref()))
        .collect();
    assert_eq!(
        found,
        vec![
            (5, Some("total")),
            (6, None),
            (7, Some("record")),
            (8, Some("record")),
            (9, Some("invoice.due_date")),
        ]
    );
}

#[test]
fn ten_thousand_invoices_parse_quickly() {
    let mut csv = String::from("customer_id,customer_name,email,invoice_number,issue_date,due_date,currency,total,balance\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "C-{c},Customer {c},ap{c}@example.com,INV-{i:06},2026-01-01,2026-02-01,EUR,{t}.00,{t}.00\n",
            c = i % 700,
            t = 100 + i % 900
        ));
    }
    let started = std::time::Instant::now();
    let batch = parse_csv(&csv, at());
    let took = started.elapsed();
    assert!(batch.errors.is_empty(), "{:?}", &batch.errors[..1]);
    assert_eq!(batch.summary.invoices, 10_000);
    assert_eq!(batch.summary.accounts, 700);
    assert_eq!(batch.summary.contacts, 700);
    println!("10,000-invoice CSV parsed in {took:?} (debug build)");
}
