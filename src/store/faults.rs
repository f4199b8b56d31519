//! The SQL of the test-only fault injection (`crate::faults`): a statement that fails when D1
//! runs it, not when it is prepared, so that a batch ending with it has executed everything
//! before it and must roll it all back.

use worker::D1PreparedStatement;

use super::{stmt, Db, Result};

/// `abs()` of the smallest 64-bit integer is an "integer overflow" error in SQLite at run time
/// (the subtraction builds that integer without overflowing).
pub fn failing_statement(db: &Db) -> Result<D1PreparedStatement> {
    stmt(
        db,
        "SELECT abs(-9223372036854775807 - 1) AS injected_fault",
        &[],
    )
}
