//! Reply tokens: `ar+<token>@domain` addresses that lead a reply back to its account.
//!
//! The token is a truncated HMAC-SHA256 of the account id under the operator's secret, written in
//! lower-case base32 (16 characters, 80 bits): short, safe in an e-mail local part and in URLs,
//! case-insensitive (mail systems may change case), and unguessable without the secret. It is
//! deterministic, so the worker stores it next to the account (an indexed column) and looks the
//! account up by it; [`verify_reply_token`] checks a token against a known account.

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of MAC kept: 80 bits is beyond online guessing and keeps the address short.
const TOKEN_BYTES: usize = 10;

fn mac(account_id: &str, secret: &[u8]) -> Option<HmacSha256> {
    let mut mac = HmacSha256::new_from_slice(secret).ok()?;
    mac.update(b"nudge-reply-token/v1\0");
    mac.update(account_id.as_bytes());
    Some(mac)
}

/// The reply token of `account_id` under `secret`: 16 characters of `[0-9a-v]`.
pub fn reply_token(account_id: &str, secret: &[u8]) -> String {
    let tag = mac(account_id, secret)
        .map(|m| m.finalize().into_bytes().to_vec())
        .unwrap_or_default();
    crate::base32::encode(tag.get(..TOKEN_BYTES).unwrap_or(&tag))
}

/// True when `token` (any case) is `account_id`'s token under `secret`; constant-time.
pub fn verify_reply_token(token: &str, account_id: &str, secret: &[u8]) -> bool {
    let Some(bytes) = crate::base32::decode(&token.trim().to_ascii_lowercase()) else {
        return false;
    };
    if bytes.len() != TOKEN_BYTES {
        return false;
    }
    mac(account_id, secret).is_some_and(|m| m.verify_truncated_left(&bytes).is_ok())
}

/// The Reply-To address for a token: `ar+<token>@<domain>`.
pub fn reply_address(token: &str, domain: &str) -> String {
    format!("ar+{}@{}", token, domain.trim().to_ascii_lowercase())
}

/// The token in an address such as `AR+abc123@x.com` or `"Acme AR" <ar+abc123@x.com>`
/// (lower-cased), or `None` when the address carries no `ar+` token.
pub fn token_from_address(address: &str) -> Option<String> {
    let addr = address
        .rsplit_once('<')
        .map(|(_, rest)| rest.trim_end().trim_end_matches('>'))
        .unwrap_or(address)
        .trim();
    let (local, _domain) = addr.rsplit_once('@')?;
    let token = local
        .get(..3)
        .filter(|p| p.eq_ignore_ascii_case("ar+"))
        .and(local.get(3..))?;
    let token = token.to_ascii_lowercase();
    let ok =
        !token.is_empty() && token.len() <= 64 && token.chars().all(|c| c.is_ascii_alphanumeric());
    ok.then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_is_short_safe_and_verifies() {
        let t = reply_token("acct_42", b"secret");
        assert_eq!(t.len(), 16);
        assert!(t
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase()));
        assert_eq!(t, reply_token("acct_42", b"secret"));
        assert_ne!(t, reply_token("acct_43", b"secret"));
        assert_ne!(t, reply_token("acct_42", b"other"));
        assert!(verify_reply_token(&t, "acct_42", b"secret"));
        assert!(verify_reply_token(&t.to_uppercase(), "acct_42", b"secret"));
        assert!(!verify_reply_token(&t, "acct_43", b"secret"));
        assert!(!verify_reply_token("zz", "acct_42", b"secret"));
        assert!(!verify_reply_token("", "acct_42", b"secret"));
    }

    #[test]
    fn addresses_round_trip() {
        let t = reply_token("a", b"k");
        let addr = reply_address(&t, "AR.Example.com");
        assert_eq!(addr, format!("ar+{t}@ar.example.com"));
        assert_eq!(token_from_address(&addr), Some(t.clone()));
        assert_eq!(
            token_from_address(&format!("\"Acme\" <AR+{}@x.com>", t.to_uppercase())),
            Some(t)
        );
        assert_eq!(token_from_address("billing@x.com"), None);
        assert_eq!(token_from_address("ar+@x.com"), None);
        assert_eq!(token_from_address("ar+a.b@x.com"), None);
    }
}
