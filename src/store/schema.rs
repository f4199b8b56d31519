//! The schema version recorded by the migrations.

use worker::D1Database;

/// The highest applied schema version, from `schema_meta`.
pub async fn schema_version(db: &D1Database) -> worker::Result<Option<i64>> {
    #[derive(serde::Deserialize)]
    struct Row {
        version: Option<i64>,
    }
    let row: Option<Row> = db
        .prepare("SELECT MAX(version) AS version FROM schema_meta")
        .first(None)
        .await?;
    Ok(row.and_then(|r| r.version))
}
