//! The test clock: `GET /api/clock`, `POST /api/clock` `{"now": t | null}` (only with
//! `TEST_CLOCKS` on; `null` clears it).

use serde::Deserialize;
use serde_json::{json, Value};

use super::{params, Call};
use crate::http::error::ApiError;
use crate::store::settings::{self, TEST_CLOCK_KEY};
use crate::store::{ts, Db};

/// The application's time, the wall clock and the test clock.
pub async fn get(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let test_clock = if call.config.test_clocks {
        settings::get(&db, TEST_CLOCK_KEY).await?
    } else {
        None
    };
    Ok(json!({
        "now": ts(crate::clock::now(&db, call.config).await),
        "wall": ts(crate::clock::wall()),
        "test_clocks": call.config.test_clocks,
        "test_clock": test_clock,
    }))
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClockBody {
    now: Option<String>,
}

/// Sets or clears the test clock.
pub async fn set(mut call: Call<'_>) -> Result<Value, ApiError> {
    if !call.config.test_clocks {
        return Err(ApiError::BadRequest(
            "the test clock needs TEST_CLOCKS on".into(),
        ));
    }
    let b: ClockBody = params::body(&mut call.req).await?;
    let db = Db::from_env(call.env)?;
    match b.now.as_deref() {
        Some(v) => {
            let t = params::time("now", v)?;
            settings::put(&db, TEST_CLOCK_KEY, &ts(t), crate::clock::wall()).await?;
        }
        None => settings::delete(&db, TEST_CLOCK_KEY).await?,
    }
    get(call).await
}
