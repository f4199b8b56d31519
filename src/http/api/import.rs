//! `POST /api/import`: an initial load from CSV or NDJSON (`?format=csv|ndjson`, else the
//! Content-Type): customers, contacts, open invoices; a summary and per-row errors.

use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::Db;

/// Parses the import and writes it.
pub async fn import(mut call: Call<'_>) -> Result<Value, ApiError> {
    let config = call.config;
    let env = call.env;
    let req = &mut call.req;
    let format = params::query(req, "format")?;
    let content_type = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let text = crate::http::body::text(req).await?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest("body: empty import".into()));
    }
    let ndjson = match format.as_deref() {
        Some("csv") => false,
        Some("ndjson" | "jsonl") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "format: `{other}` is not csv or ndjson"
            )))
        }
        None if content_type.contains("ndjson") || content_type.contains("jsonl") => true,
        None if content_type.contains("csv") => false,
        None => text.trim_start().starts_with('{'),
    };
    let db = Db::from_env(env)?;
    let now = crate::clock::now(&db, config).await;
    let batch = if ndjson {
        nudge_billing::import::parse_ndjson(&text, now)
    } else {
        nudge_billing::import::parse_csv(&text, now)
    };
    drop(text);
    let written = crate::import::write(&db, env, batch.changes, now).await?;
    crate::logging::info(
        "import.done",
        json!({"rows": batch.summary.rows, "invoices": batch.summary.invoices,
               "rejected_rows": batch.summary.rejected_rows, "written": written}),
    );
    Ok(
        json!({"format": if ndjson { "ndjson" } else { "csv" }, "summary": batch.summary,
              "written": written, "errors": batch.errors}),
    )
}
