//! `Stripe-Signature: t=<unix seconds>,v1=<hex>,v1=<hex>,v0=<hex>` as Stripe specifies it: the
//! `v1` values are HMAC-SHA256 signatures of `"{t}.{raw body}"`; any `v1` matching any configured
//! secret accepts (Stripe sends several during its own secret rolls, and we accept several secrets
//! during ours). Other schemes (`v0`, test-mode) are ignored.

use chrono::{DateTime, Utc};

use crate::error::SignatureError;
use crate::signature::{check_timestamp, matches, sign};

/// Stripe's recommended tolerance between the signed timestamp and now.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Verifies a `Stripe-Signature` header against the raw body with any of `secrets` (empty
/// entries are skipped, so a trailing comma in the configured list is harmless).
///
/// Guarantees: `Ok` only if some `v1` signature is a valid HMAC-SHA256 of `"{t}.{body}"` under
/// one of the secrets (compared in constant time) *and* `t` is within `tolerance_secs` of `now`.
pub fn verify_signature(
    header: &str,
    body: &[u8],
    secrets: &[&str],
    now: DateTime<Utc>,
    tolerance_secs: i64,
) -> Result<(), SignatureError> {
    let secrets: Vec<&str> = secrets
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    if secrets.is_empty() {
        return Err(SignatureError::NoSecret);
    }
    if header.trim().is_empty() {
        return Err(SignatureError::Malformed("empty header"));
    }
    let mut timestamp: Option<&str> = None;
    let mut signatures: Vec<&str> = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(SignatureError::Malformed("a part is not key=value"));
        };
        match key.trim() {
            "t" => {
                if timestamp.is_some() {
                    return Err(SignatureError::Malformed("more than one timestamp"));
                }
                timestamp = Some(value.trim());
            }
            "v1" => signatures.push(value.trim()),
            // v0 (legacy test scheme) and future schemes are not ours to check.
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::BadTimestamp)?;
    if signatures.is_empty() {
        return Err(SignatureError::Malformed("no v1 signature"));
    }
    // Parse before checking MACs so that a non-numeric t is reported as such.
    timestamp
        .parse::<i64>()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let any = signatures.iter().any(|sig| {
        secrets
            .iter()
            .any(|secret| matches(secret, timestamp, body, sig))
    });
    if !any {
        return Err(SignatureError::Mismatch);
    }
    check_timestamp(timestamp, now, tolerance_secs)
}

/// Builds a `Stripe-Signature` header for `body` at `timestamp` (seconds) with one `v1` per
/// secret, as Stripe does. For tests, fixtures and the load script.
pub fn signature_header(secrets: &[&str], timestamp: i64, body: &[u8]) -> String {
    let t = timestamp.to_string();
    let mut header = format!("t={t}");
    for secret in secrets {
        header.push_str(",v1=");
        header.push_str(&sign(secret, &t, body));
    }
    header
}
