//! Bulk import of an existing AR ledger (customers, contacts, open invoices) for the initial
//! load, from CSV or NDJSON, into the same [`LedgerChange`]s the webhooks produce.
//!
//! Every row is validated by the ERP contract's rules, so an import and a webhook agree on what
//! is valid. Bad rows are reported (line, field, message) and skipped; good rows still load (an
//! import of 10,000 invoices should not fail on one typo). Imported ids live in the `erp:`
//! namespace: an imported ledger is the ERP's, and later ERP webhooks update the same rows.
//! Parsing is linear in the input; the worker writes the changes in chunks.

mod batch;
mod csv_rows;
mod ndjson;

pub use batch::{ImportBatch, ImportSummary, RowError};
pub use csv_rows::parse_csv;
pub use ndjson::parse_ndjson;
