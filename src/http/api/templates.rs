//! Operator template overrides: `GET /api/templates`, `PUT /api/templates/{locale}/{file}` (the
//! minijinja source as the body), `DELETE /api/templates/{locale}/{file}`. An override is validated
//! before it is stored: it must parse and every message kind and tone must still render.

use serde_json::{json, Value};
use worker::{Env, Method, Request};

use crate::clock;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::outbound::templates::{apply, builtin, parse_overrides, TEMPLATES_KEY};
use crate::store::settings;

/// Dispatches the template routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method, segments) {
        (Method::Get, ["templates"]) => list(env).await.map(|v| (200, v)),
        (Method::Put, ["templates", locale, file]) => {
            put(&format!("{locale}/{file}"), req, env, config)
                .await
                .map(|v| (200, v))
        }
        (Method::Delete, ["templates", locale, file]) => {
            delete(&format!("{locale}/{file}"), env, config)
                .await
                .map(|v| (200, v))
        }
        (m, _) => Err(crate::http::not_found(&m, &req.path())),
    }
}

async fn stored(env: &Env) -> Result<std::collections::BTreeMap<String, String>, ApiError> {
    let db = env.d1("DB")?;
    Ok(parse_overrides(
        settings::get(&db, TEMPLATES_KEY).await?.as_deref(),
    ))
}

async fn list(env: &Env) -> Result<Value, ApiError> {
    let overrides = stored(env).await?;
    let names: Vec<&str> = builtin().names().collect();
    Ok(json!({ "builtin": names, "overrides": overrides }))
}

async fn put(name: &str, mut req: Request, env: &Env, config: &Config) -> Result<Value, ApiError> {
    let source = req
        .text()
        .await
        .map_err(|e| ApiError::BadRequest(format!("body: not text ({e})")))?;
    if source.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "body: the template source is empty".into(),
        ));
    }
    let mut overrides = stored(env).await?;
    overrides.insert(name.to_string(), source);
    // Validate the whole resulting set: an override may only be stored if every kind still renders.
    apply(&overrides).map_err(|(path, e)| {
        ApiError::Validation(vec![nudge_billing::FieldError {
            path,
            message: e.to_string(),
        }])
    })?;
    save(env, config, &overrides).await?;
    Ok(json!({ "name": name, "overrides": overrides.len() }))
}

async fn delete(name: &str, env: &Env, config: &Config) -> Result<Value, ApiError> {
    let mut overrides = stored(env).await?;
    if overrides.remove(name).is_none() {
        return Err(ApiError::NotFound {
            method: "DELETE".into(),
            path: format!("/api/templates/{name}"),
        });
    }
    save(env, config, &overrides).await?;
    Ok(json!({ "name": name, "overrides": overrides.len() }))
}

async fn save(
    env: &Env,
    config: &Config,
    overrides: &std::collections::BTreeMap<String, String>,
) -> Result<(), ApiError> {
    let db = env.d1("DB")?;
    let now = clock::now(&db, config).await;
    let text = serde_json::to_string(overrides)
        .map_err(|e| ApiError::Internal(format!("encode overrides: {e}")))?;
    settings::put(&db, TEMPLATES_KEY, &text, now).await?;
    Ok(())
}
