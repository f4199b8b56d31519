//! The adapter's only source of "now": the runtime's clock. The domain takes `now` as an argument.

use chrono::{DateTime, Utc};

/// The current time from the Workers runtime (`Date.now()`), or the Unix epoch if it is absurd.
pub fn now() -> DateTime<Utc> {
    let millis = worker::Date::now().as_millis();
    DateTime::from_timestamp_millis(millis as i64).unwrap_or_default()
}
