//! Global settings: `GET|PUT /api/policy` (the escalation policy as JSON, validated with a 422
//! naming the field; `PUT` with `null` restores the defaults) and `GET|PUT /api/shadow`
//! (`{"shadow_mode": true|false}`: draft every outbound message for approval). Both apply at each
//! account's next evaluation.

use nudge_policy::{Policy, PolicyError};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::settings::{self, POLICY_KEY, SHADOW_KEY};
use crate::store::Db;

/// The policy in force (the stored one, else the defaults).
pub async fn get_policy(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let stored = settings::get(&db, POLICY_KEY).await?;
    let policy = match stored.as_deref() {
        Some(json) => Policy::from_json(json).unwrap_or_default(),
        None => Policy::default(),
    };
    Ok(json!({"policy": crate::json::value(&policy), "custom": stored.is_some()}))
}

/// Validates and stores the policy.
pub async fn put_policy(mut call: Call<'_>) -> Result<Value, ApiError> {
    let text = crate::http::body::text(&mut call.req).await?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::BadRequest(format!("body: not JSON ({e})")))?;
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    if body.is_null() {
        settings::delete(&db, POLICY_KEY).await?;
        return get_policy(call).await;
    }
    let policy = Policy::from_json(&body.to_string()).map_err(|e| match e {
        PolicyError::Invalid { field, problem } => {
            ApiError::Validation(vec![nudge_billing::FieldError::new(field, problem)])
        }
        PolicyError::Json(m) => {
            ApiError::Validation(vec![nudge_billing::FieldError::new("policy", m)])
        }
    })?;
    let text = serde_json::to_string(&policy).map_err(|e| ApiError::Internal(e.to_string()))?;
    settings::put(&db, POLICY_KEY, &text, now).await?;
    Ok(json!({"policy": crate::json::value(&policy), "custom": true}))
}

/// The global shadow switch (the `SHADOW_MODE` var or the stored setting).
pub async fn get_shadow(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let stored = settings::load(&db, &[SHADOW_KEY]).await?;
    Ok(json!({
        "shadow_mode": call.config.shadow_mode || stored.shadow_on(),
        "var": call.config.shadow_mode,
        "setting": stored.shadow_on(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ShadowBody {
    shadow_mode: bool,
}

/// Turns global shadow mode on or off (the `SHADOW_MODE` var, when true, keeps it on).
pub async fn put_shadow(mut call: Call<'_>) -> Result<Value, ApiError> {
    let b: ShadowBody = params::typed(&mut call.req).await?;
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    settings::put(
        &db,
        SHADOW_KEY,
        if b.shadow_mode { "true" } else { "false" },
        now,
    )
    .await?;
    get_shadow(call).await
}
