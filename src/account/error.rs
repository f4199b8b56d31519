//! What an account command can fail with. It crosses the object's `fetch` boundary as JSON with
//! a fitting status (never a 200 with `{"ok": false}`) and is mapped to an HTTP answer only in
//! `http/error.rs`.

use nudge_billing::FieldError;
use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// An account command's failure. In JSON an object with one key, its kind:
/// `{"not_found": "payment erp:P-1"}` (serde's own enum form, which it reads without buffering;
/// a `kind`/`detail` pair costs a second deserialiser of every detail, issue 12).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountError {
    /// D1 failed; nothing of the command was written (its batch rolled back).
    #[error("{0}")]
    Store(String),
    /// The thing the command names does not exist (an account, a payment, an approval).
    #[error("{0} not found")]
    NotFound(String),
    /// The command's input is invalid, one entry per bad field; nothing changed.
    #[error("validation_failed")]
    Invalid(Vec<FieldError>),
    /// The command conflicts with the current state (an approval already decided).
    #[error("{0}")]
    Conflict(String),
    /// The object could not be reached or its storage or a binding failed.
    #[error("{0}")]
    Runtime(String),
}

impl AccountError {
    /// The status the object answers with (and that the client reads back).
    pub fn status(&self) -> u16 {
        match self {
            AccountError::NotFound(_) => 404,
            AccountError::Invalid(_) => 422,
            AccountError::Conflict(_) => 409,
            AccountError::Store(_) | AccountError::Runtime(_) => 500,
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        AccountError::Store(e.to_string())
    }
}

impl From<worker::Error> for AccountError {
    fn from(e: worker::Error) -> Self {
        AccountError::Runtime(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_crosses_the_object_boundary_unchanged() {
        let errors = [
            AccountError::Store("D1: busy".into()),
            AccountError::NotFound("payment erp:P-1".into()),
            AccountError::Invalid(vec![FieldError::new("promised_date", "required")]),
            AccountError::Conflict("already decided".into()),
            AccountError::Runtime("no binding".into()),
        ];
        for error in errors {
            let text = serde_json::to_string(&error).unwrap();
            let back: AccountError = serde_json::from_str(&text).unwrap();
            assert_eq!(back, error, "{text}");
        }
        // The object's last-resort reply (`account/mod.rs`) is written by hand in this form.
        let fallback: AccountError = serde_json::from_str(r#"{"runtime": "x"}"#).unwrap();
        assert_eq!(fallback, AccountError::Runtime("x".into()));
    }
}
