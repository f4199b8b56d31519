//! `POST /api/classify?now=&locale=&timezone=`: the Classification JSON of a raw message, no
//! side effects (the same JSON as `nudge classify FILE.eml`).

use chrono::{DateTime, Utc};
use nudge_inbound::Context;
use serde_json::Value;

use super::Call;
use crate::http::error::ApiError;

/// `POST /api/classify`: the raw message in the body; `now` defaults to the message's `Date`,
/// then the clock; `locale` to `en-US` and `timezone` to `UTC` (as the CLI).
pub async fn classify(mut call: Call<'_>) -> Result<Value, ApiError> {
    let req = &mut call.req;
    let mut now: Option<DateTime<Utc>> = None;
    let mut locale = "en-US".to_string();
    let mut timezone = nudge_core::zone::Zone::UTC;
    for (k, v) in super::params::query_pairs(req) {
        match k.as_str() {
            "now" => {
                let t = DateTime::parse_from_rfc3339(&v).map_err(|e| {
                    ApiError::BadRequest(format!("now: `{v}` is not an RFC 3339 time ({e})"))
                })?;
                now = Some(t.with_timezone(&Utc));
            }
            "locale" => {
                let ok = !v.is_empty()
                    && v.len() <= 35
                    && v.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if !ok {
                    return Err(ApiError::BadRequest(format!(
                        "locale: `{v}` is not a BCP 47 language tag"
                    )));
                }
                locale = v;
            }
            "timezone" => {
                timezone = v.parse().map_err(|_| {
                    ApiError::BadRequest(format!("timezone: `{v}` is not an IANA timezone"))
                })?;
            }
            _ => {}
        }
    }
    let raw = crate::http::body::read(req).await?;
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest(
            "body: empty; send the raw RFC 5322 message".into(),
        ));
    }
    let now = match now {
        Some(n) => n,
        None => nudge_mail::parse(&raw, &nudge_mail::Limits::default())
            .ok()
            .and_then(|e| e.date)
            .unwrap_or_else(crate::clock::wall),
    };
    let ctx = Context {
        now,
        timezone,
        locale,
    };
    let c = nudge_inbound::classify(&raw, &ctx)
        .map_err(|e| ApiError::BadRequest(format!("body: {e}")))?;
    Ok(crate::json::value(&c))
}
