//! The schema version recorded by the migrations.

use super::{stmt, Db, Result};

/// The highest applied schema version, from `schema_meta`.
pub async fn schema_version(db: &Db) -> Result<Option<i64>> {
    #[derive(serde::Deserialize)]
    struct Row {
        version: Option<i64>,
    }
    let row: Option<Row> = db
        .first(stmt(
            db,
            "SELECT MAX(version) AS version FROM schema_meta",
            &[],
        )?)
        .await?;
    Ok(row.and_then(|r| r.version))
}
