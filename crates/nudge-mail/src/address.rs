//! Addresses: turning parsed header addresses into [`Mailbox`]es and reading plus/VERP tokens.

use mail_parser::{Addr, Address};

use crate::types::Mailbox;

/// Converts one parsed address into a [`Mailbox`], or `None` when it has no usable address.
pub(crate) fn mailbox(addr: &Addr<'_>) -> Option<Mailbox> {
    let email = normalise_email(addr.address.as_deref()?)?;
    let name = addr
        .name
        .as_deref()
        .map(|n| {
            crate::parse::without_controls(n)
                .trim()
                .trim_matches('"')
                .trim()
                .to_string()
        })
        .filter(|n| !n.is_empty() && !n.eq_ignore_ascii_case(&email));
    Some(Mailbox { name, email })
}

/// All mailboxes of an address header, groups flattened, entries without an address skipped.
pub(crate) fn mailboxes(address: Option<&Address<'_>>) -> Vec<Mailbox> {
    match address {
        Some(Address::List(list)) => list.iter().filter_map(mailbox).collect(),
        Some(Address::Group(groups)) => groups
            .iter()
            .flat_map(|g| g.addresses.iter())
            .filter_map(mailbox)
            .collect(),
        None => Vec::new(),
    }
}

/// Trims, strips angle brackets and lower-cases an address; `None` if nothing address-like is left.
pub(crate) fn normalise_email(raw: &str) -> Option<String> {
    let trimmed = raw
        .trim()
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim();
    if trimmed.is_empty() || !trimmed.contains('@') || trimmed.contains(char::is_whitespace) {
        return None;
    }
    Some(trimmed.to_lowercase())
}

/// The plus (sub-address / VERP) token of an address: `"ar+tok123@x.example"` → `"tok123"`.
///
/// Nudge sends from `ar+<token>@…` so replies and bounces can be threaded even when a client drops
/// `In-Reply-To`. Accepts an address with or without a display name / angle brackets. Returns
/// `None` when there is no `+`, the token is empty, or the input is not an address. The token's
/// case is kept (tokens may be case-sensitive); surrounding whitespace is not.
pub fn plus_token(address: &str) -> Option<String> {
    let addr = address.trim();
    // Accept `Name <local+tok@host>` by taking what is inside the last angle brackets.
    let addr = match (addr.rfind('<'), addr.rfind('>')) {
        (Some(open), Some(close)) if open < close => addr.get(open + 1..close)?,
        _ => addr,
    };
    let (local, domain) = addr.trim().rsplit_once('@')?;
    if domain.is_empty() {
        return None;
    }
    let (_, token) = local.split_once('+')?;
    let token = token.trim();
    if token.is_empty() {
        None
    } else {
        Some(token.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_token_reads_sub_address() {
        assert_eq!(plus_token("ar+tok123@x.example").as_deref(), Some("tok123"));
        assert_eq!(
            plus_token("Accounts <AR+AbC@x.example>").as_deref(),
            Some("AbC")
        );
        assert_eq!(plus_token("ar+a+b@x.example").as_deref(), Some("a+b"));
    }

    #[test]
    fn plus_token_none_without_token() {
        assert_eq!(plus_token("ar@x.example"), None);
        assert_eq!(plus_token("ar+@x.example"), None);
        assert_eq!(plus_token("ar+tok"), None);
        assert_eq!(plus_token("ar+tok@"), None);
        assert_eq!(plus_token(""), None);
    }

    #[test]
    fn normalise_lowercases_and_strips_brackets() {
        assert_eq!(
            normalise_email(" <Jane.Doe@Example.COM> ").as_deref(),
            Some("jane.doe@example.com")
        );
        assert_eq!(normalise_email("undisclosed-recipients"), None);
    }
}
