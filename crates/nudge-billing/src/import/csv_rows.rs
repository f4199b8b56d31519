//! CSV import (RFC 4180: quoted fields, embedded commas and newlines; `,` or `;` separated).
//!
//! Two layouts are accepted:
//! - with a `record` column (`customer`, `contact`, `invoice`): each row is that entity;
//! - without one, the common AR-aging export: each row is an invoice and carries its customer's
//!   columns (and optionally an AP email), so customers and contacts are created from the first
//!   row that names them.
//!
//! Header names are matched case-insensitively with usual aliases (`invoice_no`, `balance`,
//! `invoice_date`, …). An open amount (`balance`, `open_amount`) without `total` makes the invoice
//! total; with `total` it determines `amount_paid`.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{Map, Value};

use super::batch::{Collector, ImportBatch, Record};

/// Canonical field names and the header spellings that mean them.
const ALIASES: &[(&str, &[&str])] = &[
    ("record", &["record", "record_type", "kind", "entity"]),
    (
        "customer_id",
        &[
            "customer_id",
            "customer_no",
            "customer_number",
            "account_id",
            "client_id",
            "debtor_id",
            "customer",
        ],
    ),
    (
        "customer_name",
        &[
            "customer_name",
            "company",
            "company_name",
            "account_name",
            "client_name",
            "debtor_name",
        ],
    ),
    ("name", &["name"]),
    ("currency", &["currency", "currency_code", "ccy"]),
    ("timezone", &["timezone", "time_zone", "tz"]),
    ("locale", &["locale", "language"]),
    ("strategic", &["strategic", "key_account"]),
    (
        "payment_terms_days",
        &["payment_terms_days", "terms_days", "payment_terms"],
    ),
    ("owner", &["owner", "account_owner"]),
    ("credit_limit", &["credit_limit"]),
    (
        "email",
        &["email", "contact_email", "ap_email", "billing_email"],
    ),
    ("contact_name", &["contact_name", "contact"]),
    ("role", &["role", "contact_role"]),
    ("preferred", &["preferred"]),
    ("invoice_id", &["invoice_id", "id"]),
    (
        "number",
        &["number", "invoice_number", "invoice_no", "invoice"],
    ),
    (
        "issue_date",
        &["issue_date", "invoice_date", "date", "issued_on"],
    ),
    ("due_date", &["due_date", "due", "due_on"]),
    (
        "total",
        &[
            "total",
            "amount",
            "invoice_total",
            "total_amount",
            "gross_amount",
        ],
    ),
    ("amount_paid", &["amount_paid", "paid"]),
    ("amount_credited", &["amount_credited", "credited"]),
    (
        "open_amount",
        &[
            "open_amount",
            "balance",
            "amount_due",
            "outstanding",
            "open",
        ],
    ),
    ("status", &["status"]),
    ("po_number", &["po_number", "po", "purchase_order"]),
    ("url", &["url", "payment_url", "invoice_url"]),
    ("pdf_url", &["pdf_url", "pdf"]),
];

fn canonical(header: &str) -> Option<&'static str> {
    let h: String = header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let h = h.trim_matches('_');
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&h))
        .map(|(canon, _)| *canon)
}

/// Parses CSV text with a header row. `imported_at` stamps the changes.
pub fn parse_csv(text: &str, imported_at: DateTime<Utc>) -> ImportBatch {
    let mut out = Collector::new(imported_at);
    let first_line = text.lines().next().unwrap_or("");
    // Spreadsheet exports in many locales separate with semicolons.
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<Option<&'static str>> = match reader.headers() {
        Ok(h) => h.iter().map(canonical).collect(),
        Err(e) => {
            out.error(1, None, format!("unreadable header: {e}"));
            return out.finish();
        }
    };
    if !headers
        .iter()
        .any(|h| matches!(h, Some("customer_id") | Some("record")))
    {
        out.error(
            1,
            None,
            "header needs a customer_id column (or a record column)",
        );
        return out.finish();
    }
    let has_record = headers.contains(&Some("record"));
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                out.row();
                out.error(line, None, format!("unreadable row: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        if record.iter().all(str::is_empty) {
            continue;
        }
        out.row();
        let mut row: Map<String, Value> = Map::new();
        for (value, header) in record.iter().zip(&headers) {
            if let (Some(name), false) = (header, value.is_empty()) {
                row.entry(name.to_string())
                    .or_insert_with(|| Value::String(value.to_string()));
            }
        }
        if has_record {
            let kind = row.get("record").and_then(Value::as_str).unwrap_or("");
            match Record::parse(kind) {
                Some(r) => add_record(&mut out, line, r, &row),
                None => out.error(
                    line,
                    Some("record".into()),
                    format!("`{kind}` is not customer, contact or invoice"),
                ),
            }
        } else {
            add_flat(&mut out, line, &row);
        }
    }
    out.finish()
}

fn get<'a>(row: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    row.get(key).and_then(Value::as_str)
}

/// Copies `from` in the row to `to` in the object, typed for the validators (booleans and
/// integers from their spreadsheet spellings; anything unreadable stays text so the validator
/// names it).
fn copy(obj: &mut Map<String, Value>, row: &Map<String, Value>, from: &str, to: &str) {
    let Some(text) = get(row, from) else {
        return;
    };
    let value = match to {
        "strategic" | "preferred" => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" | "x" => Value::Bool(true),
            "false" | "no" | "n" | "0" => Value::Bool(false),
            _ => Value::String(text.to_string()),
        },
        "payment_terms_days" => {
            // "Net 30" and "30" alike.
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            digits
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(text.to_string()))
        }
        _ => Value::String(text.to_string()),
    };
    obj.insert(to.to_string(), value);
}

fn customer_object(row: &Map<String, Value>, name_key: &str) -> Value {
    let mut o = Map::new();
    copy(&mut o, row, "customer_id", "id");
    copy(&mut o, row, name_key, "name");
    for k in [
        "currency",
        "timezone",
        "locale",
        "strategic",
        "payment_terms_days",
        "owner",
        "credit_limit",
    ] {
        copy(&mut o, row, k, k);
    }
    Value::Object(o)
}

fn contact_object(row: &Map<String, Value>, name_key: &str) -> Value {
    let mut o = Map::new();
    copy(&mut o, row, "customer_id", "customer_id");
    copy(&mut o, row, "email", "email");
    copy(&mut o, row, name_key, "name");
    copy(&mut o, row, "role", "role");
    copy(&mut o, row, "preferred", "preferred");
    Value::Object(o)
}

fn invoice_object(row: &Map<String, Value>) -> Value {
    let mut o = Map::new();
    copy(&mut o, row, "customer_id", "customer_id");
    copy(&mut o, row, "number", "number");
    if get(row, "invoice_id").is_some() {
        copy(&mut o, row, "invoice_id", "id");
    } else {
        // Aging exports rarely have a separate id: the number is the key.
        copy(&mut o, row, "number", "id");
    }
    for k in [
        "currency",
        "issue_date",
        "due_date",
        "total",
        "amount_paid",
        "amount_credited",
        "status",
        "po_number",
        "url",
        "pdf_url",
    ] {
        copy(&mut o, row, k, k);
    }
    // An aging report's open balance: the total when no total is given, otherwise the part
    // not yet paid.
    if let Some(open) = get(row, "open_amount") {
        match (get(row, "total"), get(row, "amount_paid")) {
            (None, _) => {
                o.insert("total".into(), Value::String(open.to_string()));
            }
            (Some(total), None) => {
                if let (Ok(t), Ok(b)) = (Decimal::from_str(total), Decimal::from_str(open)) {
                    let credited = get(row, "amount_credited")
                        .and_then(|c| Decimal::from_str(c).ok())
                        .unwrap_or(Decimal::ZERO);
                    if let Some(paid) = t.checked_sub(b).and_then(|p| p.checked_sub(credited)) {
                        o.insert("amount_paid".into(), Value::String(paid.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    Value::Object(o)
}

fn add_record(out: &mut Collector, line: usize, record: Record, row: &Map<String, Value>) {
    let name_or = |primary: &str| {
        if get(row, primary).is_some() {
            primary.to_string()
        } else {
            "name".to_string()
        }
    };
    match record {
        Record::Customer => {
            let key = name_or("customer_name");
            out.add(line, record, &customer_object(row, &key), "");
        }
        Record::Contact => {
            let key = name_or("contact_name");
            out.add(line, record, &contact_object(row, &key), "");
        }
        Record::Invoice => out.add(line, record, &invoice_object(row), ""),
    }
}

fn add_flat(out: &mut Collector, line: usize, row: &Map<String, Value>) {
    let name_key = if get(row, "customer_name").is_some() {
        "customer_name"
    } else {
        "name"
    };
    if get(row, name_key).is_some() {
        out.add(line, Record::Customer, &customer_object(row, name_key), "");
    }
    if get(row, "email").is_some() {
        out.add(
            line,
            Record::Contact,
            &contact_object(row, "contact_name"),
            "",
        );
    }
    if get(row, "number").is_some() || get(row, "invoice_id").is_some() {
        out.add(line, Record::Invoice, &invoice_object(row), "");
    } else if get(row, name_key).is_none() && get(row, "email").is_none() {
        out.error(
            line,
            None,
            "row has no customer name, email or invoice number",
        );
    }
}
