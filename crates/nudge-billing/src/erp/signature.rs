//! `X-Nudge-Timestamp` + `X-Nudge-Signature: sha256=<hex>`: an HMAC-SHA256 of
//! `"{timestamp}.{raw body}"` with the shared ERP secret.

use chrono::{DateTime, Utc};

use crate::error::SignatureError;
use crate::signature::{check_timestamp, matches, sign};

/// Tolerance between the signed timestamp and now, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Verifies an ERP request. `timestamp` is the `X-Nudge-Timestamp` header (Unix seconds),
/// `signature_header` the `X-Nudge-Signature` header (`sha256=<hex>`, prefix case-insensitive).
///
/// Guarantees: `Ok` only if the signature is the HMAC-SHA256 of `"{timestamp}.{body}"` under
/// `secret` (compared in constant time) and the timestamp is within `tolerance_secs` of `now`.
pub fn verify_signature(
    timestamp: &str,
    signature_header: &str,
    body: &[u8],
    secret: &str,
    now: DateTime<Utc>,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    if secret.trim().is_empty() {
        return Err(SignatureError::NoSecret);
    }
    let header = signature_header.trim();
    if header.is_empty() {
        return Err(SignatureError::Malformed("empty signature header"));
    }
    let Some((scheme, hex)) = header.split_once('=') else {
        return Err(SignatureError::Malformed("expected sha256=<hex>"));
    };
    if !scheme.trim().eq_ignore_ascii_case("sha256") {
        return Err(SignatureError::Malformed(
            "unsupported scheme, expected sha256",
        ));
    }
    let timestamp = timestamp.trim();
    if timestamp.is_empty() || timestamp.parse::<i64>().is_err() {
        return Err(SignatureError::BadTimestamp);
    }
    if !matches(secret.trim(), timestamp, body, hex) {
        return Err(SignatureError::Mismatch);
    }
    check_timestamp(timestamp, now, tolerance_secs)
}

/// The `X-Nudge-Signature` value for `body` at `timestamp`: what an ERP connector sends.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("sha256={}", sign(secret, &timestamp.to_string(), body))
}
