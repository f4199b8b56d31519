//! Open disputes across all accounts, for the dashboard's disputes page (the dispute itself is
//! the `data` JSON, `nudge_core::dispute::Dispute`).

use serde_json::Value;

use super::{stmt, Db, Result, P};

/// Open disputes, oldest first, with their account's name.
pub async fn open(db: &Db, limit: u32) -> Result<Vec<Value>> {
    db.all(stmt(
        db,
        "SELECT d.id, d.account_id, a.name AS account_name, d.category, d.status, d.opened_at,
                d.data
         FROM disputes d LEFT JOIN accounts a ON a.id = d.account_id
         WHERE d.status = 'open'
         ORDER BY d.opened_at, d.id
         LIMIT ?1",
        &[P::Int(i64::from(limit))],
    )?)
    .await
}
