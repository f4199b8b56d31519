//! Reading a request's query parameters and JSON body, each error naming its field.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use worker::Request;

use crate::http::error::ApiError;

/// The request's raw query string (after `?`, before any `#`; empty if none), cut from the URL
/// as workerd normalised it. Not through `Request::url()`: `url::Url` parsing links the IDNA
/// host tables (≈ 45 KB of the gzipped wasm, issue 12) for a host the worker never looks at.
pub fn raw_query(req: &Request) -> String {
    let url = req.inner().url();
    let before_fragment = url.split('#').next().unwrap_or_default();
    before_fragment
        .split_once('?')
        .map(|(_, q)| q.to_string())
        .unwrap_or_default()
}

/// The request's query parameters in order, percent- and `+`-decoded.
pub fn query_pairs(req: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(raw_query(req).as_bytes())
        .into_owned()
        .collect()
}

/// A query parameter, decoded (the first one of that name).
pub fn query(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    Ok(query_pairs(req)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v))
}

/// `?limit=` (1..=500, default 50).
pub fn limit(req: &Request) -> Result<u32, ApiError> {
    match query(req, "limit")? {
        None => Ok(50),
        Some(v) => v
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=500).contains(n))
            .ok_or_else(|| ApiError::BadRequest("limit: must be an integer from 1 to 500".into())),
    }
}

/// `?offset=` (default 0).
pub fn offset(req: &Request) -> Result<u32, ApiError> {
    match query(req, "offset")? {
        None => Ok(0),
        Some(v) => v
            .parse::<u32>()
            .map_err(|_| ApiError::BadRequest("offset: must be a non-negative integer".into())),
    }
}

/// A query parameter that must be one of `allowed`.
pub fn one_of(req: &Request, name: &str, allowed: &[&str]) -> Result<Option<String>, ApiError> {
    let value = query(req, name)?;
    if let Some(v) = value.as_deref() {
        if !allowed.contains(&v) {
            return Err(ApiError::BadRequest(format!(
                "{name}: must be one of {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(value)
}

/// The JSON body, or `T::default()` when the body is empty.
pub async fn body<T: for<'de> Deserialize<'de> + Default>(
    req: &mut Request,
) -> Result<T, ApiError> {
    let text = crate::http::body::text(req).await?;
    if text.trim().is_empty() {
        return Ok(T::default());
    }
    serde_json::from_str(&text).map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))
}

/// An RFC 3339 time.
pub fn time(field: &str, value: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(value.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| ApiError::BadRequest(format!("{field}: must be an RFC 3339 time")))
}

/// The JSON body as `T`, every problem a 422 naming its field (`promised_date: …`); an empty
/// or non-JSON body is a 400.
pub async fn typed<T: serde::de::DeserializeOwned>(req: &mut Request) -> Result<T, ApiError> {
    let text = crate::http::body::text(req).await?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest(
            "body: a JSON object is required".into(),
        ));
    }
    if serde_json::from_str::<serde_json::Value>(&text).is_err() {
        return Err(ApiError::BadRequest("body: not JSON".into()));
    }
    nudge_core::json_path::from_str(&text).map_err(|e| {
        let path = if e.path.is_empty() {
            "body".to_string()
        } else {
            e.path
        };
        ApiError::Validation(vec![nudge_billing::FieldError::new(path, e.message)])
    })
}
