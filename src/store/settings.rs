//! The `settings` table: operator switches changed at run time (global shadow mode, the test
//! clock). Values are JSON text.

use chrono::{DateTime, Utc};
use worker::D1Database;

use super::{stmt, ts, P};

/// Reads one setting, `None` when unset.
pub async fn get(db: &D1Database, key: &str) -> worker::Result<Option<String>> {
    #[derive(serde::Deserialize)]
    struct Row {
        value: String,
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT value FROM settings WHERE key = ?1",
        &[key.into()],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.value))
}

/// Writes one setting.
pub async fn put(
    db: &D1Database,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> worker::Result<()> {
    stmt(
        db,
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        &[key.into(), value.into(), P::Text(ts(now))],
    )?
    .run()
    .await?;
    Ok(())
}
