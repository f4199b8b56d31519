//! Sweeps: `POST /api/sweep` `{"as_of"?, "account_id"?, "max_accounts"?}` runs one now (`as_of`
//! only with `TEST_CLOCKS` on: it sets the test clock and sweeps as of that time),
//! `GET /api/sweeps` the recent runs, `GET /api/sweeps/accounts/{id}` one account's escalation
//! state, last decision, timers and outbox (from its Durable Object).

use serde::Deserialize;
use serde_json::{json, Value};

use super::{params, Call};
use crate::account::{AccountClient, StateQuery, Trigger};
use crate::clock;
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::settings::{self, TEST_CLOCK_KEY};
use crate::store::{sweeps, ts, Db};
use crate::sweep::{self, SweepRequest};

/// The 50 most recent sweeps, newest first.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    Ok(json!({ "sweeps": sweeps::recent(&db).await? }))
}

/// The account object's state.
pub async fn account_state(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let state = AccountClient::new(call.env)
        .ask_json(&AccountId::from(id), StateQuery::default())
        .await?;
    let mut v = state;
    // Times as the rest of the API writes them.
    for key in ["last_evaluated_at", "alarm_at", "settle_at"] {
        if let Some(t) = v[key].as_str().and_then(|t| params::time(key, t).ok()) {
            v[key] = json!(ts(t));
        }
    }
    Ok(v)
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SweepBody {
    as_of: Option<String>,
    account_id: Option<String>,
    max_accounts: Option<usize>,
}

/// Runs a sweep now (or as of the given time, with test clocks) and returns its figures.
pub async fn run(mut call: Call<'_>) -> Result<Value, ApiError> {
    let b: SweepBody = params::body(&mut call.req).await?;
    let as_of = match b.as_of.as_deref() {
        None => None,
        Some(_) if !call.config.test_clocks => {
            return Err(ApiError::BadRequest(
                "as_of: only accepted when TEST_CLOCKS is on".into(),
            ))
        }
        Some(v) => Some(params::time("as_of", v)?),
    };
    if b.max_accounts == Some(0) {
        return Err(ApiError::BadRequest(
            "max_accounts: must be at least 1".into(),
        ));
    }
    if let Some(t) = as_of {
        let db = Db::from_env(call.env)?;
        settings::put(&db, TEST_CLOCK_KEY, &ts(t), clock::wall()).await?;
    }
    sweep::run(
        call.env,
        SweepRequest {
            trigger: Trigger::Api,
            label: "api".into(),
            as_of,
            max_accounts: b.max_accounts,
            account_id: b.account_id,
        },
    )
    .await
}
