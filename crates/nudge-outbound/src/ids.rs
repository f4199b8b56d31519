//! Deterministic Message-IDs: the same dunning step always gets the same ID, so a send retried
//! after a crash is recognisable (by us and by the receiving server's duplicate suppression),
//! and a reply's `In-Reply-To` leads back to the step that caused it.

use sha2::{Digest, Sha256};

/// The Message-ID for `step_key` of `account_id`, without angle brackets:
/// `nudge.<26 base32 chars>@<domain>`. Deterministic; distinct inputs give distinct IDs (the
/// local part is 130 bits of SHA-256 over length-prefixed inputs, so `("a","bc")` and
/// `("ab","c")` differ). The domain is lower-cased and stripped of anything that is not
/// `[a-z0-9.-]`.
pub fn message_id(step_key: &str, account_id: &str, domain: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"nudge-message-id/v1\0");
    for part in [account_id, step_key] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    let local = crate::base32::encode(digest.get(..16).unwrap_or(&digest));
    let domain: String = domain
        .trim()
        .trim_matches('.')
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '-')
        .collect();
    let domain = if domain.is_empty() {
        "nudge.invalid".to_string()
    } else {
        domain
    };
    format!("nudge.{local}@{domain}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_step_same_id_and_inputs_do_not_run_together() {
        let a = message_id("reminder-2", "acct_1", "ar.example.com");
        assert_eq!(a, message_id("reminder-2", "acct_1", "AR.Example.com"));
        assert!(a.starts_with("nudge.") && a.ends_with("@ar.example.com"));
        assert_ne!(a, message_id("reminder-3", "acct_1", "ar.example.com"));
        assert_ne!(message_id("bc", "a", "d"), message_id("c", "ab", "d"));
        assert_eq!(message_id("s", "a", " <bad> "), message_id("s", "a", "bad"));
        assert!(message_id("s", "a", "\r\n").ends_with("@nudge.invalid"));
    }
}
