//! The dashboard's browser session: `POST /dashboard/login` with the admin token sets a cookie
//! that does NOT contain the token: `v1.<expiry>.<HMAC-SHA256(ADMIN_TOKEN, "session:<expiry>")>`,
//! valid for [`SESSION_SECONDS`]. Forms carry a CSRF field derived from the session
//! (`HMAC(ADMIN_TOKEN, "csrf:<session>")`). Every comparison is in constant time; rotating the
//! admin token ends every session.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// The cookie's name.
pub const COOKIE: &str = "nudge_session";
/// How long a session lasts (12 hours).
pub const SESSION_SECONDS: i64 = 12 * 3600;

fn mac(key: &str, message: &str) -> String {
    let bytes: Vec<u8> = match <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()) {
        Ok(mut m) => {
            m.update(message.as_bytes());
            m.finalize().into_bytes().to_vec()
        }
        // HMAC accepts keys of any length, so this cannot happen; were it to, a random value
        // matches nothing (no session, no CSRF field is ever accepted) and nothing panics.
        Err(_) => {
            let mut random = [0u8; 32];
            let _ = getrandom::fill(&mut random);
            random.to_vec()
        }
    };
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn same(a: &str, b: &str) -> bool {
    bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Whether the typed token is the admin token (never true when none is configured).
pub fn token_matches(given: &str, admin_token: Option<&str>) -> bool {
    match admin_token {
        Some(expected) if !expected.is_empty() => same(given.trim(), expected),
        _ => false,
    }
}

/// A new session value, expiring `SESSION_SECONDS` after `now`.
pub fn issue(admin_token: &str, now: i64) -> String {
    let expires = now + SESSION_SECONDS;
    format!(
        "v1.{expires}.{}",
        mac(admin_token, &format!("session:{expires}"))
    )
}

/// Whether `value` is a session issued with this token and not yet expired.
pub fn valid(value: &str, admin_token: Option<&str>, now: i64) -> bool {
    let Some(token) = admin_token.filter(|t| !t.is_empty()) else {
        return false;
    };
    let mut parts = value.splitn(3, '.');
    let (Some("v1"), Some(exp), Some(sig)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let Ok(expires) = exp.parse::<i64>() else {
        return false;
    };
    same(sig, &mac(token, &format!("session:{expires}"))) && now < expires
}

/// The CSRF value forms of this session carry.
pub fn csrf(admin_token: &str, session: &str) -> String {
    mac(admin_token, &format!("csrf:{session}"))
}

/// Whether a form's CSRF field belongs to this session.
pub fn csrf_ok(given: &str, admin_token: &str, session: &str) -> bool {
    same(given, &csrf(admin_token, session))
}

/// The session cookie from a `Cookie` header.
pub fn from_cookie_header(header: Option<&str>) -> Option<String> {
    header?.split(';').find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == COOKIE).then(|| v.to_string())
    })
}

/// `Set-Cookie` for a new session.
pub fn set_cookie(value: &str) -> String {
    format!(
        "{COOKIE}={value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}"
    )
}

/// `Set-Cookie` that clears the session.
pub fn clear_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_valid_only_with_its_token_and_until_it_expires() {
        let s = issue("s3cret", 1_000);
        assert!(!s.contains("s3cret"));
        assert!(valid(&s, Some("s3cret"), 1_001));
        assert!(!valid(&s, Some("other"), 1_001));
        assert!(!valid(&s, None, 1_001));
        assert!(!valid(&s, Some("s3cret"), 1_000 + SESSION_SECONDS));
        // A longer expiry with the old signature is refused.
        let forged = s.replacen(&format!("{}", 1_000 + SESSION_SECONDS), "99999999999", 1);
        assert!(!valid(&forged, Some("s3cret"), 1_001));
        assert!(!valid("v1.x.y", Some("s3cret"), 0));
        assert!(!valid("", Some("s3cret"), 0));
    }

    #[test]
    fn tokens_and_csrf_are_compared_exactly() {
        assert!(token_matches("s3cret", Some("s3cret")));
        assert!(token_matches(" s3cret\n", Some("s3cret")));
        assert!(!token_matches("s3cre", Some("s3cret")));
        assert!(!token_matches("", Some("")));
        assert!(!token_matches("x", None));
        let s = issue("t", 0);
        let c = csrf("t", &s);
        assert!(csrf_ok(&c, "t", &s));
        assert!(!csrf_ok(&c, "t", &issue("t", 1)));
        assert!(!csrf_ok("", "t", &s));
    }

    #[test]
    fn the_cookie_is_read_among_others_and_is_http_only() {
        let h = "a=1; nudge_session=v1.2.abc; b=2";
        assert_eq!(from_cookie_header(Some(h)).as_deref(), Some("v1.2.abc"));
        assert_eq!(from_cookie_header(Some("a=1")), None);
        assert_eq!(from_cookie_header(None), None);
        let c = set_cookie("v");
        for part in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
            assert!(c.contains(part), "{c}");
        }
        assert!(clear_cookie().contains("Max-Age=0"));
    }
}
