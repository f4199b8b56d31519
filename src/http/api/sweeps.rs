//! Sweeps and acting API (issue 6): `GET /api/sweeps` (recent sweep runs), `POST /api/sweep`
//! (run one now), and later the test clock, approvals, tasks and outbound mail.

use serde_json::{json, Value};
use worker::{Env, Method, Request};

use crate::config::Config;
use crate::http::error::ApiError;

/// Dispatches the sweep routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["sweeps"]) => list(env).await.map(|v| (200, v)),
        (Method::Post, ["sweep"]) => run(req, env, config).await.map(|v| (200, v)),
        (m, _) => Err(crate::http::not_found(&m, &req.path())),
    }
}

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
async fn list(env: &Env) -> Result<Value, ApiError> {
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
async fn run(_req: Request, env: &Env, _config: &Config) -> Result<Value, ApiError> {
    let id = crate::sweep::run("api", env).await?;
    Ok(json!({ "sweep_id": id }))
}
