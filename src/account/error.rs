//! What an account command can fail with. It crosses the object's `fetch` boundary as JSON with
//! a fitting status (never a 200 with `{"ok": false}`) and is mapped to an HTTP answer only in
//! `http/error.rs`.

use nudge_billing::FieldError;
use serde::{Deserialize, Serialize};

use crate::store::StoreError;

/// An account command's failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
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
