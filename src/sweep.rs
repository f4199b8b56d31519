//! The `scheduled` entry point and `POST /api/sweep`: find accounts whose next evaluation is due
//! and hand each to its Durable Object. This module records each run.

use serde_json::json;
use worker::{D1Type, Env};

use crate::{clock, ids, logging};

/// Runs the sweep for a cron trigger. Errors are logged, not raised: the next cron retries.
pub async fn on_cron(cron: &str, env: Env) {
    if let Err(e) = run(cron, &env).await {
        logging::error(
            "sweep.failed",
            json!({"trigger": cron, "error": e.to_string()}),
        );
    }
}

/// One sweep: records its run and (in later stages) evaluates every due account.
pub async fn run(trigger: &str, env: &Env) -> worker::Result<String> {
    let now = clock::wall();
    let id = ids::new_id("sweep", now);
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let db = env.d1("DB")?;
    db.prepare(
        "INSERT INTO sweep_runs (id, trigger, as_of, started_at, finished_at) VALUES (?1, ?2, ?3, ?3, ?3)",
    )
    .bind_refs([&D1Type::Text(&id), &D1Type::Text(trigger), &D1Type::Text(&at)])?
    .run()
    .await?;
    logging::info("sweep.finished", json!({"id": id, "trigger": trigger}));
    Ok(id)
}
