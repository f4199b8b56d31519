//! Remittance advice: which invoices a customer says a payment covers, and how much of each.
//!
//! Read from remittance attachments (CSV and other delimited text, plain text, the text of a PDF)
//! and from remittance tables pasted into the body. Each source is reduced to lines of text and
//! read by [`table`]: a header row names the invoice and amount columns when there is one;
//! otherwise a line counts when it carries an invoice-like reference and at most one amount.
//!
//! Bounded work: only attachments that look like remittance (name or type, see
//! [`crate::looks_like_remittance`]) or documents sent with a body that speaks of remittance are
//! read, each at most [`MAX_ATTACHMENT_BYTES`], and at most [`MAX_LINES`] lines come out.

mod amount;
mod pdf;
mod table;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::phrases::remittance::BODY_CUES;

/// Largest attachment (decoded bytes) read for remittance lines; bigger ones are left to a person.
pub const MAX_ATTACHMENT_BYTES: usize = 1024 * 1024;

/// Most remittance lines taken from one message.
pub const MAX_LINES: usize = 200;

/// One invoice a remittance advice names, with the amount paid against it when given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemittanceLine {
    /// The invoice number as written (trimmed).
    pub invoice: String,
    /// The amount paid against it, when the advice gives one (serialised as a decimal string).
    pub amount: Option<Decimal>,
    /// ISO 4217 code when the line or its column says (`EUR`, from `€` too).
    pub currency: Option<String>,
}

/// What kind of document an attachment is, for reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DocKind {
    /// Delimited or plain text (CSV, TSV, TXT).
    Text,
    /// A PDF: its text is extracted first.
    Pdf,
}

impl DocKind {
    /// The kind of a document by MIME type or file extension; `None` for formats not read
    /// (spreadsheets, images).
    pub(crate) fn of(filename: Option<&str>, content_type: &str) -> Option<DocKind> {
        let ext = filename
            .and_then(|n| n.rsplit_once('.'))
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match (content_type, ext.as_str()) {
            ("application/pdf", _) | (_, "pdf") => Some(DocKind::Pdf),
            ("text/csv" | "text/plain" | "text/tab-separated-values", _)
            | (_, "csv" | "txt" | "tsv") => Some(DocKind::Text),
            _ => None,
        }
    }
}

/// Remittance lines in one attachment's bytes.
pub(crate) fn from_document(kind: DocKind, bytes: &[u8]) -> Vec<RemittanceLine> {
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Vec::new();
    }
    match kind {
        DocKind::Text => table::lines(&String::from_utf8_lossy(bytes), false),
        DocKind::Pdf => table::lines(&pdf::text(bytes), false),
    }
}

/// Remittance lines in a message body, read only when the body speaks of remittance or
/// payment advice (so an ordinary reply quoting our invoice list is not taken for one).
pub(crate) fn from_body(text: &str) -> Vec<RemittanceLine> {
    if !body_speaks_of_remittance(text) {
        return Vec::new();
    }
    table::lines(text, true)
}

/// Whether the body mentions a remittance advice / payment breakdown.
pub(crate) fn body_speaks_of_remittance(text: &str) -> bool {
    let lower = text.to_lowercase();
    BODY_CUES.iter().any(|c| lower.contains(c))
}

/// Appends `more` to `out` without repeating an invoice, up to [`MAX_LINES`].
pub(crate) fn merge(out: &mut Vec<RemittanceLine>, more: Vec<RemittanceLine>) {
    for line in more {
        if out.len() >= MAX_LINES {
            return;
        }
        let key = table::invoice_key(&line.invoice);
        if !out.iter().any(|l| table::invoice_key(&l.invoice) == key) {
            out.push(line);
        }
    }
}
