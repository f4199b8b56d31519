//! Errors of the billing intake. Signature failures map to HTTP 400, validation failures to 422
//! (with one [`FieldError`] per bad field), and nothing here is ever a reason for a 5xx.

use serde::{Deserialize, Serialize};

/// Why a webhook signature was refused. Deliberately coarse: the response must not help an
/// attacker tell "wrong secret" from "wrong body".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The header is absent, empty or not in the expected shape.
    #[error("signature header is missing or malformed: {0}")]
    Malformed(&'static str),
    /// The header has no timestamp, or it is not an integer number of seconds.
    #[error("signature timestamp is missing or not a number")]
    BadTimestamp,
    /// The timestamp is further from `now` than the tolerance (replay protection).
    #[error("signature timestamp is outside the tolerance ({age_secs} s from now)")]
    Stale { age_secs: i64 },
    /// No signature matched any configured secret.
    #[error("no signature matches")]
    Mismatch,
    /// No secret is configured, so nothing can be verified.
    #[error("no webhook secret configured")]
    NoSecret,
}

/// One invalid field of a request, named by its JSON path (`events[3].invoice.due_date`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    /// A field error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a (correctly signed) Stripe event could not be understood. The worker answers 400 for
/// these: retrying the same body cannot succeed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BillingError {
    /// The body is not JSON, or not a Stripe event.
    #[error("body is not a valid event: {0}")]
    InvalidJson(String),
    /// A handled event's object lacks a field we need or has a wrong value; the path names it
    /// (`data.object.currency`).
    #[error("{path}: {message}")]
    InvalidField { path: String, message: String },
}

impl BillingError {
    pub(crate) fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        BillingError::InvalidField {
            path: path.into(),
            message: message.into(),
        }
    }
}
