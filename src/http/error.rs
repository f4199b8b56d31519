//! API errors and their one mapping to HTTP: every error is JSON `{"error": "...", ...}`.

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
    /// The request conflicts with the current state (e.g. an approval already decided).
    #[error("{0}")]
    Conflict(String),
    /// The body parsed but fields are invalid: 422 with `errors: [{field, message}]`.
    #[error("{message}")]
    Invalid {
        message: String,
        errors: Vec<FieldError>,
    },
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthorized => 401,
            ApiError::NotFound { .. } => 404,
            ApiError::BadRequest(_) => 400,
            ApiError::Conflict(_) => 409,
            ApiError::Invalid { .. } => 422,
            ApiError::Internal(_) => 500,
        }
    }

    /// The JSON response for this error. Falls back to a bare status if the body can't be built.
    pub fn to_response(&self) -> Response {
        let body = match self {
            ApiError::Invalid { message, errors } => json!({"error": message, "errors": errors}),
            other => json!({"error": other.to_string()}),
        };
        json_response(&body, self.status())
    }
}

/// One invalid field of a request body.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> Self {
        ApiError::Internal(e.to_string())
    }
}

/// A JSON response with the given status. Infallible, so request paths never need to unwrap.
pub fn json_response(body: &serde_json::Value, status: u16) -> Response {
    let headers = worker::Headers::new();
    // Setting a static, valid header name and value cannot fail.
    let _ = headers.set("content-type", "application/json");
    Response::builder()
        .with_status(status)
        .with_headers(headers)
        .fixed(body.to_string().into_bytes())
}
