//! What the store can fail with.

/// A failure of D1 or of the rows it returned. Mapped to an HTTP status only in `http/error.rs`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// D1 refused or failed the statement (a constraint, the network, the runtime).
    #[error("D1: {0}")]
    D1(String),
    /// A stored row does not parse as the domain type it holds.
    #[error("corrupt {table} row: {error}")]
    Corrupt { table: &'static str, error: String },
    /// D1 answered a batch with fewer results than statements.
    #[error("D1 batch returned too few results")]
    ShortBatch,
}

impl From<worker::Error> for StoreError {
    fn from(e: worker::Error) -> Self {
        StoreError::D1(e.to_string())
    }
}

impl From<StoreError> for worker::Error {
    fn from(e: StoreError) -> Self {
        worker::Error::RustError(e.to_string())
    }
}
