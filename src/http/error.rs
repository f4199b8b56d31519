//! API errors and their one mapping to HTTP: every error is JSON `{"error": "...", ...}`. The
//! other layers' errors (`StoreError`, `AccountError`) become an `ApiError` here and only here.

use serde_json::json;
use worker::Response;

/// Everything a request can fail with. The variant decides the status; the text is for people.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("missing or invalid bearer token")]
    Unauthorized,
    #[error("no route for {method} {path}")]
    NotFound { method: String, path: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// A webhook whose signature was refused (400 for Stripe, 401 for the ERP contract).
    #[error("{message}")]
    Signature { status: u16, message: String },
    /// A well-formed request with invalid fields: 422 with one entry per bad field.
    #[error("validation_failed")]
    Validation(Vec<nudge_billing::FieldError>),
    /// The request conflicts with the current state (an approval already decided, a task done).
    #[error("{0}")]
    Conflict(String),
    /// The thing a request names does not exist (an approval, a payment, a message).
    #[error("{0} not found")]
    Missing(String),
    /// A body over its route's size limit (`http/body.rs`): 413, nothing read further or changed.
    #[error("payload_too_large")]
    TooLarge {
        limit: &'static str,
        max_bytes: usize,
    },
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthorized => 401,
            ApiError::NotFound { .. } => 404,
            ApiError::BadRequest(_) => 400,
            ApiError::Internal(_) => 500,
            ApiError::Signature { status, .. } => *status,
            ApiError::Validation(_) => 422,
            ApiError::Conflict(_) => 409,
            ApiError::Missing(_) => 404,
            ApiError::TooLarge { .. } => 413,
        }
    }

    /// The JSON response for this error. Falls back to a bare status if the body can't be built.
    pub fn to_response(&self) -> Response {
        json_response(&self.body(), self.status())
    }

    /// The JSON body: `{"error": ...}`, plus `errors: [{path, field, message}]` for validation.
    pub fn body(&self) -> serde_json::Value {
        match self {
            ApiError::Validation(errors) => json!({
                "error": "validation_failed",
                "errors": errors
                    .iter()
                    .map(|e| json!({"path": e.path, "field": e.path, "message": e.message}))
                    .collect::<Vec<_>>(),
            }),
            ApiError::TooLarge { limit, max_bytes } => json!({
                "error": "payload_too_large",
                "limit": limit,
                "max_bytes": max_bytes,
                "message": format!("the body is over the `{limit}` limit of {max_bytes} bytes; nothing was changed"),
            }),
            other => json!({"error": other.to_string()}),
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError::Internal(e.to_string())
    }
}

impl From<crate::account::AccountError> for ApiError {
    fn from(e: crate::account::AccountError) -> Self {
        use crate::account::AccountError as E;
        match e {
            E::NotFound(what) => ApiError::Missing(what),
            E::Invalid(errors) => ApiError::Validation(errors),
            E::Conflict(message) => ApiError::Conflict(message),
            E::Store(message) | E::Runtime(message) => ApiError::Internal(message),
        }
    }
}

/// A JSON response with the given status. Infallible, so request paths never need to unwrap.
pub fn json_response(body: &serde_json::Value, status: u16) -> Response {
    json_text_response(body.to_string(), status)
}

/// A JSON response from its text.
pub fn json_text_response(body: String, status: u16) -> Response {
    let headers = worker::Headers::new();
    // Setting a static, valid header name and value cannot fail.
    let _ = headers.set("content-type", "application/json");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body.into_bytes())
}
