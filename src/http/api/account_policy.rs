//! `PUT /api/accounts/{id}/policy`: an operator's exceptions for one account — per-account
//! policy overrides (cadence, cap, thresholds, tone), the shadow-mode switch and the dunning
//! switch. Validated with field errors (422), nothing changed on error. The account is made due
//! (`next_action_at` NULL) so that the next sweep applies the change to every open invoice.
//!
//! Body: `{"overrides": {…PolicyOverrides…} | null, "shadow_mode": true | false | null,
//! "dunning": true | false}` — every key optional; absent keys keep their value, `null` clears.

use nudge_policy::{PolicyError, PolicyOverrides};
use serde_json::{json, Map, Value};
use worker::{Env, Request};

use crate::clock;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::store::{stmt, ts};

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![nudge_billing::FieldError::new(field, message)])
}

/// Validates and stores the account's overrides and switches.
pub async fn put(
    account_id: &str,
    req: &mut Request,
    env: &Env,
    config: &Config,
) -> Result<Value, ApiError> {
    let text = req.text().await.unwrap_or_default();
    let body: Map<String, Value> = serde_json::from_str(&text)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    for key in body.keys() {
        if !matches!(key.as_str(), "overrides" | "shadow_mode" | "dunning") {
            return Err(invalid(
                key,
                "unknown field (expected overrides, shadow_mode, dunning)",
            ));
        }
    }
    let db = env.d1("DB")?;
    #[derive(serde::Deserialize)]
    struct Row {
        overrides: Option<String>,
        shadow_mode: Option<i64>,
    }
    let row: Option<Row> = stmt(
        &db,
        "SELECT overrides, shadow_mode FROM accounts WHERE id = ?1",
        &[account_id.into()],
    )?
    .first(None)
    .await?;
    let Some(row) = row else {
        return Err(ApiError::NotFound {
            method: "PUT".into(),
            path: format!("/api/accounts/{account_id}/policy"),
        });
    };

    let mut overrides: Option<PolicyOverrides> = row
        .overrides
        .as_deref()
        .and_then(|s| PolicyOverrides::from_json(s).ok());
    if let Some(v) = body.get("overrides") {
        overrides = if v.is_null() {
            None
        } else {
            Some(
                PolicyOverrides::from_json(&v.to_string()).map_err(|e| match e {
                    PolicyError::Invalid { field, problem } => invalid(&field, problem),
                    PolicyError::Json(m) => invalid("overrides", m),
                })?,
            )
        };
    }
    let mut shadow = row.shadow_mode.map(|v| v != 0);
    if let Some(v) = body.get("shadow_mode") {
        shadow = match v {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            _ => return Err(invalid("shadow_mode", "must be true, false or null")),
        };
    }
    if let Some(v) = body.get("dunning") {
        let on = v
            .as_bool()
            .ok_or_else(|| invalid("dunning", "must be true or false"))?;
        overrides.get_or_insert_with(Default::default).dunning_off = !on;
    }

    let now = clock::now(&db, config).await;
    let overrides_json = overrides
        .as_ref()
        .map(|o| serde_json::to_string(o).unwrap_or_default());
    stmt(
        &db,
        // next_action_at NULL: due at the next sweep (whatever its time, also a simulated one).
        "UPDATE accounts SET overrides = ?2, shadow_mode = ?3, next_action_at = NULL WHERE id = ?1",
        &[account_id.into(), overrides_json.into(), shadow.into()],
    )?
    .run()
    .await?;
    Ok(json!({
        "account_id": account_id,
        "overrides": overrides,
        "shadow_mode": shadow,
        "dunning": !overrides.as_ref().is_some_and(|o| o.dunning_off),
        "next_action_at": null,
        "updated_at": ts(now),
    }))
}
