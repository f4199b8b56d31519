//! RFC 3464 `message/delivery-status` bodies: per-message fields, then one block of fields per
//! recipient (`Final-Recipient`, `Action`, `Status`, `Diagnostic-Code`, …).

/// One per-recipient block of a delivery-status report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RecipientStatus {
    /// `Final-Recipient`, else `Original-Recipient`, lower-cased, type prefix (`rfc822;`) removed.
    pub recipient: Option<String>,
    /// `Action`, lower-cased (`failed`, `delayed`, `delivered`, `relayed`, `expanded`).
    pub action: Option<String>,
    /// `Status`, just the code.
    pub status: Option<String>,
    /// `Diagnostic-Code` without its type prefix (`smtp;`).
    pub diagnostic: Option<String>,
}

/// Parses the body of a `message/delivery-status` part into its recipient blocks.
pub(crate) fn parse(body: &str) -> Vec<RecipientStatus> {
    let mut out = Vec::new();
    let mut fields: Vec<(String, String)> = Vec::new();
    let flush = |fields: &mut Vec<(String, String)>, out: &mut Vec<RecipientStatus>| {
        let block = block_from(fields);
        fields.clear();
        if let Some(b) = block {
            out.push(b);
        }
    };
    for raw in body.replace("\r\n", "\n").split('\n') {
        if raw.trim().is_empty() {
            flush(&mut fields, &mut out);
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            if let Some((_, value)) = fields.last_mut() {
                value.push(' ');
                value.push_str(raw.trim());
            }
            continue;
        }
        if let Some((name, value)) = raw.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            // Some MTAs repeat a recipient field without a blank line between recipients.
            if (name == "final-recipient" || name == "original-recipient")
                && fields.iter().any(|(n, _)| n == &name)
            {
                flush(&mut fields, &mut out);
            }
            fields.push((name, value.trim().to_string()));
        }
    }
    flush(&mut fields, &mut out);
    out
}

/// Recipient blocks of a delivery-status report pasted into plain text (a `multipart/report`
/// whose MIME structure is broken, or a forwarded bounce): from the first `Final-Recipient:` /
/// `Original-Recipient:` line up to the next MIME boundary or `Content-Type:` line. Only blocks
/// that name a recipient count, so prose mentioning a "Status:" is not taken for a report.
pub(crate) fn embedded(text: &str) -> Vec<RecipientStatus> {
    // Cheap pre-check before walking lines: both field names end in "Recipient:".
    let lower_hit = text.contains("ecipient:") || text.contains("ECIPIENT:");
    if !lower_hit {
        return Vec::new();
    }
    let mut offset = 0usize;
    let mut start = None;
    for line in text.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        if lower.starts_with("final-recipient:") || lower.starts_with("original-recipient:") {
            start = Some(offset);
            break;
        }
        offset += line.len();
    }
    let Some(start) = start else {
        return Vec::new();
    };
    let rest = text.get(start..).unwrap_or("");
    let mut end = rest.len();
    let mut at = 0usize;
    for line in rest.split_inclusive('\n') {
        let lower = line.trim_start().to_ascii_lowercase();
        if at > 0 && (line.starts_with("--") || lower.starts_with("content-type:")) {
            end = at;
            break;
        }
        at += line.len();
    }
    parse(rest.get(..end).unwrap_or(rest))
        .into_iter()
        .filter(|b| b.recipient.is_some())
        .collect()
}

/// A recipient block from its fields; `None` for the per-message block.
fn block_from(fields: &[(String, String)]) -> Option<RecipientStatus> {
    let get = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    };
    let is_recipient_block = ["final-recipient", "original-recipient", "action", "status"]
        .iter()
        .any(|n| get(n).is_some());
    if !is_recipient_block {
        return None;
    }
    let recipient = get("final-recipient")
        .and_then(address_of)
        .or_else(|| get("original-recipient").and_then(address_of))
        .or_else(|| get("x-actual-recipient").and_then(address_of));
    Some(RecipientStatus {
        recipient,
        action: get("action").map(|a| {
            a.split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        }),
        status: get("status").and_then(super::scan::status_code),
        diagnostic: get("diagnostic-code").map(|d| without_type(d).to_string()),
    })
}

/// `rfc822; <User@Example.org>` → `user@example.org`.
fn address_of(value: &str) -> Option<String> {
    super::scan::addresses(without_type(value))
        .into_iter()
        .next()
}

/// Drops an RFC 3464 type prefix such as `rfc822;` or `smtp;`.
fn without_type(value: &str) -> &str {
    match value.split_once(';') {
        Some((kind, rest)) if !kind.contains(char::is_whitespace) && kind.len() < 16 => rest.trim(),
        _ => value.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_recipient_blocks() {
        let body = "Reporting-MTA: dns; mx.example.org\nArrival-Date: Mon, 1 Dec 2026\n\nFinal-Recipient: rfc822; Jane@Example.com\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 <jane@example.com>:\n  Recipient address rejected: User unknown\n";
        let blocks = parse(body);
        assert_eq!(blocks.len(), 1);
        let b = &blocks[0];
        assert_eq!(b.recipient.as_deref(), Some("jane@example.com"));
        assert_eq!(b.action.as_deref(), Some("failed"));
        assert_eq!(b.status.as_deref(), Some("5.1.1"));
        assert!(b.diagnostic.as_deref().unwrap().ends_with("User unknown"));
    }

    #[test]
    fn splits_recipients_without_blank_line() {
        let body = "Final-Recipient: rfc822; a@x.example\nStatus: 5.1.1\nFinal-Recipient: rfc822; b@x.example\nStatus: 4.2.2\n";
        let blocks = parse(body);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[1].status.as_deref(), Some("4.2.2"));
    }
}
