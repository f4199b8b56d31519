//! Collecting an import's changes, deduplicated and in a safe order, with per-row errors.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::change::LedgerChange;
use crate::erp::fields::Fields;
use crate::erp::validate;
use crate::erp::ErpPayload;
use crate::error::FieldError;

/// One rejected row (or field of a row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// 1-based line of the input where the row starts.
    pub line: usize,
    /// The column or field at fault, when one is.
    pub field: Option<String>,
    pub message: String,
}

/// Counts for the import's response.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Data rows read (header and blank lines excluded).
    pub rows: usize,
    pub accounts: usize,
    pub contacts: usize,
    pub invoices: usize,
    /// Rows that produced an error (their valid parts may still have loaded).
    pub rejected_rows: usize,
}

/// The result of parsing an import: changes ordered accounts, then contacts, then invoices (so
/// every reference points at something already written), plus errors and counts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportBatch {
    pub changes: Vec<LedgerChange>,
    pub errors: Vec<RowError>,
    pub summary: ImportSummary,
}

/// Which entity a row (or part of a flat row) describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Record {
    Customer,
    Contact,
    Invoice,
}

impl Record {
    /// Reads a record kind (`customer`, `contacts`, `invoice.upsert`, …).
    pub(crate) fn parse(text: &str) -> Option<Record> {
        let t = text.trim().to_ascii_lowercase();
        let t = t.strip_suffix(".upsert").unwrap_or(&t);
        match t.trim_end_matches('s') {
            "customer" | "account" => Some(Record::Customer),
            "contact" => Some(Record::Contact),
            "invoice" => Some(Record::Invoice),
            _ => None,
        }
    }
}

/// Accumulates validated rows.
pub(crate) struct Collector {
    at: DateTime<Utc>,
    accounts: Vec<LedgerChange>,
    contacts: Vec<LedgerChange>,
    invoices: Vec<LedgerChange>,
    seen_accounts: HashSet<String>,
    seen_contacts: HashSet<(String, String)>,
    seen_invoices: HashSet<String>,
    errors: Vec<RowError>,
    rows: usize,
    rejected_lines: HashSet<usize>,
}

impl Collector {
    pub(crate) fn new(at: DateTime<Utc>) -> Self {
        Collector {
            at,
            accounts: Vec::new(),
            contacts: Vec::new(),
            invoices: Vec::new(),
            seen_accounts: HashSet::new(),
            seen_contacts: HashSet::new(),
            seen_invoices: HashSet::new(),
            errors: Vec::new(),
            rows: 0,
            rejected_lines: HashSet::new(),
        }
    }

    pub(crate) fn row(&mut self) {
        self.rows += 1;
    }

    pub(crate) fn error(&mut self, line: usize, field: Option<String>, message: impl Into<String>) {
        self.rejected_lines.insert(line);
        self.errors.push(RowError {
            line,
            field,
            message: message.into(),
        });
    }

    /// Validates `object` as a `record` with the ERP rules and keeps it, or records its errors.
    pub(crate) fn add(&mut self, line: usize, record: Record, object: &Value, prefix: &str) {
        let mut errors: Vec<FieldError> = Vec::new();
        let payload =
            Fields::new(object, prefix.to_string(), &mut errors).and_then(|mut f| match record {
                Record::Customer => validate::customer(&mut f),
                Record::Contact => validate::contact(&mut f),
                Record::Invoice => validate::invoice(&mut f),
            });
        for e in errors {
            self.error(line, Some(e.path), e.message);
        }
        let at = self.at;
        match payload {
            Some(ErpPayload::CustomerUpsert {
                account_ref,
                account,
            }) if self.seen_accounts.insert(account_ref.clone()) => {
                self.accounts.push(LedgerChange::UpsertAccount {
                    account_ref,
                    account,
                    source_updated_at: at,
                });
            }
            Some(ErpPayload::ContactUpsert {
                account_ref,
                contact,
            }) if self
                .seen_contacts
                .insert((account_ref.clone(), contact.email.clone())) =>
            {
                self.contacts.push(LedgerChange::UpsertContact {
                    account_ref,
                    contact,
                    source_updated_at: at,
                });
            }
            Some(ErpPayload::InvoiceUpsert {
                account_ref,
                invoice,
            }) => {
                if self.seen_invoices.insert(invoice.id.clone()) {
                    self.invoices.push(LedgerChange::UpsertInvoice {
                        account_ref,
                        invoice,
                        source_updated_at: at,
                    });
                } else {
                    self.error(
                        line,
                        Some(format!(
                            "{}id",
                            if prefix.is_empty() {
                                String::new()
                            } else {
                                format!("{prefix}.")
                            }
                        )),
                        format!(
                            "invoice `{}` appears more than once",
                            invoice.id.trim_start_matches("erp:")
                        ),
                    );
                }
            }
            _ => {}
        }
    }

    pub(crate) fn finish(self) -> ImportBatch {
        let summary = ImportSummary {
            rows: self.rows,
            accounts: self.accounts.len(),
            contacts: self.contacts.len(),
            invoices: self.invoices.len(),
            rejected_rows: self.rejected_lines.len(),
        };
        let mut changes = self.accounts;
        changes.extend(self.contacts);
        changes.extend(self.invoices);
        ImportBatch {
            changes,
            errors: self.errors,
            summary,
        }
    }
}
