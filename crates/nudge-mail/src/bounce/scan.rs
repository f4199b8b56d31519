//! Small scanners over free text: enhanced status codes, SMTP reply codes and email addresses.
//! Hand-written rather than regex to keep the wasm build small and the behaviour obvious.

/// The first RFC 3463 enhanced status code (`5.1.1`, `4.4.7`, `5.0.910`) in `text`, skipping
/// things that are parts of IP addresses or version numbers.
pub(crate) fn status_code(text: &str) -> Option<String> {
    status_codes(text).next()
}

/// All enhanced status codes in `text`, in order.
pub(crate) fn status_codes(text: &str) -> impl Iterator<Item = String> + '_ {
    let bytes = text.as_bytes();
    (0..bytes.len()).filter_map(move |i| status_at(bytes, i))
}

fn status_at(bytes: &[u8], i: usize) -> Option<String> {
    let class = *bytes.get(i)?;
    if !matches!(class, b'2' | b'4' | b'5') {
        return None;
    }
    if i > 0 {
        let prev = *bytes.get(i - 1)?;
        if prev.is_ascii_alphanumeric() || prev == b'.' || prev == b'-' {
            return None;
        }
        // A label's colon (`ERROR_CODE :5.2.1`, `code:5.1.1`) may precede a code; a colon after
        // a digit or another colon is part of a time or an IPv6 address.
        if prev == b':' && i > 1 {
            let before = bytes.get(i - 2).copied().unwrap_or(b' ');
            if before.is_ascii_digit() || before == b':' {
                return None;
            }
        }
    }
    if *bytes.get(i + 1)? != b'.' {
        return None;
    }
    let (subject, after_subject) = digits(bytes, i + 2, 3)?;
    if *bytes.get(after_subject)? != b'.' {
        return None;
    }
    let (detail, end) = digits(bytes, after_subject + 1, 3)?;
    // "192.0.2.1" or "5.1.1.2": a further ".digit" means this is not a status code.
    if let Some(&next) = bytes.get(end) {
        if next.is_ascii_alphanumeric() {
            return None;
        }
        if next == b'.' && bytes.get(end + 1).is_some_and(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    Some(format!("{}.{}.{}", class as char, subject, detail))
}

/// Reads 1..=max ASCII digits starting at `start`; returns the number and the index after it.
fn digits(bytes: &[u8], start: usize, max: usize) -> Option<(u32, usize)> {
    let mut end = start;
    let mut value = 0u32;
    while let Some(b) = bytes.get(end).filter(|b| b.is_ascii_digit()) {
        if end - start >= max {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
        end += 1;
    }
    (end > start).then_some((value, end))
}

/// The first SMTP reply code (`550`, `452`) in `text`: three digits starting with 4 or 5 that stand
/// alone (followed by a space, `-` or end of text).
pub(crate) fn reply_code(text: &str) -> Option<u16> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let first = *bytes.get(i)?;
        if !matches!(first, b'4' | b'5') {
            return None;
        }
        if i > 0
            && bytes
                .get(i - 1)
                .is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'.')
        {
            return None;
        }
        let second = *bytes.get(i + 1)?;
        let third = *bytes.get(i + 2)?;
        if !second.is_ascii_digit() || !third.is_ascii_digit() {
            return None;
        }
        match bytes.get(i + 3) {
            None | Some(b' ') | Some(b'-') | Some(b'\t') | Some(b'\n') | Some(b'\r') => {}
            _ => return None,
        }
        let code =
            u16::from(first - b'0') * 100 + u16::from(second - b'0') * 10 + u16::from(third - b'0');
        Some(code)
    })
}

/// Email addresses in `text`, lower-cased, in order of appearance, without duplicates.
pub(crate) fn addresses(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for token in text.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '<' | '>' | '(' | ')' | '"' | '\'' | ';' | ',' | '[' | ']' | '{' | '}' | '|'
            )
    }) {
        if let Some(addr) = as_address(token) {
            if !out.contains(&addr) {
                out.push(addr);
            }
        }
    }
    out
}

fn as_address(token: &str) -> Option<String> {
    let token = token
        .trim_start_matches([':', '='])
        .trim_end_matches(['.', ':', '=']);
    // "rfc822:user@x" and "to:user@x" forms.
    let token = token.rsplit_once(':').map(|(_, t)| t).unwrap_or(token);
    let (local, domain) = token.split_once('@')?;
    if local.is_empty() || domain.is_empty() || domain.contains('@') || !domain.contains('.') {
        return None;
    }
    let local_ok = local
        .chars()
        .all(|c| c.is_alphanumeric() || "!#$%&*+-/=?^_`~.".contains(c));
    let domain_ok = domain
        .chars()
        .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
    if !local_ok || !domain_ok || domain.starts_with('.') || domain.ends_with('.') {
        return None;
    }
    Some(token.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_status_codes_not_ips() {
        assert_eq!(
            status_code("host 192.0.2.1 said: 550 5.1.1 <a@b.c>").as_deref(),
            Some("5.1.1")
        );
        assert_eq!(status_code("(#5.5.0)").as_deref(), Some("5.5.0"));
        assert_eq!(status_code("Status: 5.0.910").as_deref(), Some("5.0.910"));
        assert_eq!(status_code("version 2.0.1.3"), None);
        assert_eq!(status_code("nothing here 1.2.3"), None);
    }

    #[test]
    fn finds_reply_codes() {
        assert_eq!(reply_code("said: 550 5.1.1 user unknown"), Some(550));
        assert_eq!(reply_code("452-4.2.2 over quota"), Some(452));
        assert_eq!(reply_code("port 25000"), None);
    }

    #[test]
    fn finds_addresses() {
        assert_eq!(
            addresses("<Kijitora@Example.JP>: host said rfc822;neko@example.org."),
            vec![
                "kijitora@example.jp".to_string(),
                "neko@example.org".to_string()
            ]
        );
        assert!(addresses("no address @ here").is_empty());
    }
}
