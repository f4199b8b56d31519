//! `GET /api/sweeps` (recent sweep runs) and `POST /api/sweep` (run one now).

use serde_json::{json, Value};
use worker::{Env, Request};

use crate::config::Config;
use crate::http::error::ApiError;

#[derive(serde::Deserialize, serde::Serialize)]
struct Row {
    id: String,
    trigger: String,
    as_of: String,
    started_at: String,
    finished_at: Option<String>,
    accounts_due: i64,
    accounts_done: i64,
    errors: i64,
}

/// The 50 most recent sweeps, newest first.
pub async fn list(env: &Env) -> Result<Value, ApiError> {
    let rows: Vec<Row> = env
        .d1("DB")?
        .prepare(
            "SELECT id, trigger, as_of, started_at, finished_at, accounts_due, accounts_done, errors
             FROM sweep_runs ORDER BY started_at DESC, id DESC LIMIT 50",
        )
        .all()
        .await?
        .results()?;
    Ok(json!({ "sweeps": rows }))
}

/// Runs a sweep now and returns its id.
pub async fn run(_req: Request, env: &Env, _config: &Config) -> Result<Value, ApiError> {
    let id = crate::sweep::run("api", env).await?;
    Ok(json!({ "sweep_id": id }))
}
