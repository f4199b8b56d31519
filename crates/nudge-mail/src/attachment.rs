//! Attachment metadata and the remittance-advice heuristic.

use mail_parser::{MessagePart, MimeHeaders};

use crate::phrases::attachment::{REMITTANCE_NAME_WORDS, REMITTANCE_TYPES};
use crate::types::Attachment;

/// Metadata of one attachment part.
pub(crate) fn describe(part: &MessagePart<'_>) -> Attachment {
    let filename = part
        .attachment_name()
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .unwrap_or_else(|| "application/octet-stream".to_string())
        .to_ascii_lowercase();
    let size = part.len();
    let looks_like_remittance = looks_like_remittance(filename.as_deref(), &content_type);
    Attachment {
        filename,
        content_type,
        size,
        looks_like_remittance,
    }
}

/// True when a document type a remittance advice comes in (PDF, CSV, spreadsheet) carries a name
/// that says so. A bare `invoice.pdf` is not remittance: customers often send our invoice back.
pub fn looks_like_remittance(filename: Option<&str>, content_type: &str) -> bool {
    let Some(name) = filename else {
        return false;
    };
    let lower = name.to_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    let doc_type = REMITTANCE_TYPES
        .iter()
        .any(|(mime, extension)| content_type == *mime || ext == *extension);
    // Names join words with `_`, `-`, `.` or nothing; compare on letters only.
    let squashed: String = lower.chars().filter(|c| c.is_alphanumeric()).collect();
    doc_type && REMITTANCE_NAME_WORDS.iter().any(|w| squashed.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remittance_names_are_flagged() {
        assert!(looks_like_remittance(
            Some("Remittance_Advice_4711.pdf"),
            "application/pdf"
        ));
        assert!(looks_like_remittance(
            Some("payment-advice.csv"),
            "application/octet-stream"
        ));
        assert!(looks_like_remittance(
            Some("Zahlungsavis 2026-11.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ));
    }

    #[test]
    fn other_documents_are_not() {
        assert!(!looks_like_remittance(
            Some("invoice-123.pdf"),
            "application/pdf"
        ));
        assert!(!looks_like_remittance(Some("remittance.jpg"), "image/jpeg"));
        assert!(!looks_like_remittance(None, "application/pdf"));
    }
}
