//! NDJSON import: one JSON object per line.
//!
//! A line is either flat, `{"record": "invoice", "id": "I-1", "customer_id": "C-100", …}` with the
//! fields of the ERP contract's object, or an ERP event, `{"type": "invoice.upsert", "invoice":
//! {…}}`, so an ERP's event log can be replayed as an import.

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::batch::{Collector, ImportBatch, Record};

/// Parses NDJSON text (blank lines skipped). `imported_at` stamps the changes.
pub fn parse_ndjson(text: &str, imported_at: DateTime<Utc>) -> ImportBatch {
    let mut out = Collector::new(imported_at);
    for (n, line) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        out.row();
        let value: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                out.error(line_no, None, format!("not valid JSON: {e}"));
                continue;
            }
        };
        let kind = ["record", "type", "kind"]
            .iter()
            .find_map(|k| value.get(*k).and_then(Value::as_str));
        let Some(kind_text) = kind else {
            out.error(
                line_no,
                Some("record".into()),
                "is required: customer, contact or invoice",
            );
            continue;
        };
        let Some(record) = Record::parse(kind_text) else {
            out.error(
                line_no,
                Some("record".into()),
                format!("`{kind_text}` is not customer, contact or invoice"),
            );
            continue;
        };
        // ERP-event shape: the object sits under its own key.
        let key = match record {
            Record::Customer => "customer",
            Record::Contact => "contact",
            Record::Invoice => "invoice",
        };
        match value.get(key).filter(|v| v.is_object()) {
            Some(inner) => out.add(line_no, record, inner, key),
            None => out.add(line_no, record, &value, ""),
        }
    }
    out.finish()
}
