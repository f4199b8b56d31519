//! Operator template overrides: `GET /api/templates`, `PUT /api/templates/{locale}/{file}` (the
//! minijinja source as the body), `DELETE /api/templates/{locale}/{file}`. An override is validated
//! before it is stored: it must parse and every message kind and tone must still render.

use nudge_core::sorted_map::SortedMap;

use serde_json::{json, Value};

use super::Call;
use crate::clock;
use crate::http::error::ApiError;
use crate::outbound::templates::{apply, builtin, parse_overrides};
use crate::store::settings::{self, TEMPLATES_KEY};
use crate::store::Db;

async fn stored(db: &Db) -> Result<SortedMap<String, String>, ApiError> {
    Ok(parse_overrides(
        settings::get(db, TEMPLATES_KEY).await?.as_deref(),
    ))
}

/// The built-in template names and the stored overrides.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let overrides = stored(&db).await?;
    let names: Vec<&str> = builtin().names().collect();
    Ok(json!({ "builtin": names, "overrides": overrides }))
}

/// Stores one override, if the whole resulting set still renders.
pub async fn put(mut call: Call<'_>, locale: &str, file: &str) -> Result<Value, ApiError> {
    let name = format!("{locale}/{file}");
    let source = crate::http::body::text(&mut call.req).await?;
    if source.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "body: the template source is empty".into(),
        ));
    }
    let db = Db::from_env(call.env)?;
    let mut overrides = stored(&db).await?;
    overrides.insert(name.clone(), source);
    // Validate the whole resulting set: an override may only be stored if every kind still renders.
    apply(&overrides).map_err(|(path, e)| {
        ApiError::Validation(vec![nudge_billing::FieldError {
            path,
            message: e.to_string(),
        }])
    })?;
    save(&call, &db, &overrides).await?;
    Ok(json!({ "name": name, "overrides": overrides.len() }))
}

/// Removes one override (the built-in template applies again).
pub async fn delete(call: Call<'_>, locale: &str, file: &str) -> Result<Value, ApiError> {
    let name = format!("{locale}/{file}");
    let db = Db::from_env(call.env)?;
    let mut overrides = stored(&db).await?;
    if overrides.remove(&name).is_none() {
        return Err(ApiError::Missing(format!("template override {name}")));
    }
    save(&call, &db, &overrides).await?;
    Ok(json!({ "name": name, "overrides": overrides.len() }))
}

async fn save(
    call: &Call<'_>,
    db: &Db,
    overrides: &SortedMap<String, String>,
) -> Result<(), ApiError> {
    let now = clock::now(db, call.config).await;
    let text = serde_json::to_string(overrides)
        .map_err(|e| ApiError::Internal(format!("encode overrides: {e}")))?;
    settings::put(db, TEMPLATES_KEY, &text, now).await?;
    Ok(())
}
