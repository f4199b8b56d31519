//! The adapter's only source of "now". The domain takes `now` as an argument.
//!
//! With `TEST_CLOCKS` on (never in production) a simulated time set by `POST /api/sweep` with
//! `as_of` (or `POST /api/clock`) replaces the wall clock everywhere except webhook signature
//! checks and the settle timer, so that a 90-day timeline can be played end to end.

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::store::settings::{self, Settings, TEST_CLOCK_KEY};
use crate::store::Db;

/// Wall-clock time from the Workers runtime (`Date.now()`).
pub fn wall() -> DateTime<Utc> {
    let millis = worker::Date::now().as_millis();
    DateTime::from_timestamp_millis(millis as i64).unwrap_or_default()
}

/// The time the application runs at: the test clock when enabled and set, else the wall clock.
/// Costs a D1 round trip only with `TEST_CLOCKS` on.
pub async fn now(db: &Db, config: &Config) -> DateTime<Utc> {
    if config.test_clocks {
        if let Ok(Some(value)) = settings::get(db, TEST_CLOCK_KEY).await {
            if let Ok(t) = DateTime::parse_from_rfc3339(value.trim_matches('"')) {
                return t.with_timezone(&Utc);
            }
        }
    }
    wall()
}

/// The same, from settings already loaded (an account command reads them with its record).
pub fn now_from(settings: &Settings, config: &Config) -> DateTime<Utc> {
    config
        .test_clocks
        .then(|| settings.test_clock())
        .flatten()
        .unwrap_or_else(wall)
}
