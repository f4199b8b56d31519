//! HMAC-SHA256 webhook signatures shared by the Stripe and ERP schemes: the signed payload is
//! `"{timestamp}.{raw body}"`, the comparison is constant-time, and the timestamp must be within a
//! tolerance of `now` in both directions (replays and clocks from the future are refused alike).

use chrono::{DateTime, Utc};
use hmac::{Mac, SimpleHmac};
use sha2::Sha256;

use crate::error::SignatureError;

type HmacSha256 = SimpleHmac<Sha256>;

/// True when `signature_hex` is the HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`.
/// The hex is decoded first (case-insensitively); the MAC comparison is constant-time.
pub(crate) fn matches(secret: &str, timestamp: &str, body: &[u8], signature_hex: &str) -> bool {
    let Ok(signature) = hex::decode(signature_hex.trim()) else {
        return false;
    };
    // HMAC accepts keys of any length, so this never fails; treat failure as "no match" anyway.
    let Ok(mut mac) = HmacSha256::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    // `verify_slice` compares in constant time and refuses wrong lengths.
    mac.verify_slice(&signature).is_ok()
}

/// The lower-case hex HMAC-SHA256 of `"{timestamp}.{body}"`: what a sender puts in its header.
/// Used by tests, fixtures and the load script to sign requests.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = match HmacSha256::new_from_slice(secret.as_bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Parses a Unix timestamp in seconds and checks it is within `tolerance_secs` of `now`.
pub(crate) fn check_timestamp(
    timestamp: &str,
    now: DateTime<Utc>,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let age = now.timestamp().saturating_sub(ts);
    if age.checked_abs().is_none_or(|a| a > tolerance_secs.max(0)) {
        return Err(SignatureError::Stale { age_secs: age });
    }
    Ok(())
}
