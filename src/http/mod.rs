//! HTTP routing: webhooks (signed by their senders), the operator API under `/api/` (bearer
//! token), and `/healthz`. Each handler returns `Result<Value, ApiError>`; this module turns
//! both sides into JSON responses in one place.

pub(crate) mod api;
mod auth;
pub(crate) mod body;
pub mod error;
mod health;
mod openapi;

use serde_json::{json, Value};
use worker::{Env, Method, Request, Response};

use crate::config::Config;
use error::{json_response, ApiError};

/// Handles one HTTP request. Never fails: every error becomes a JSON response.
pub async fn handle(req: Request, env: Env) -> Response {
    let method = req.method();
    let path = req.path();
    // The operator dashboard: HTML, its own session cookie (src/dashboard/).
    if path == "/dashboard" || path.starts_with("/dashboard/") {
        return crate::dashboard::handle(req, env).await;
    }
    match route(req, &env).await {
        Ok((status, body)) => json_response(&body, status),
        Err(err) => {
            if err.status() >= 500 {
                crate::logging::error(
                    "http.error",
                    json!({"method": method.to_string(), "path": path, "error": err.to_string()}),
                );
            }
            err.to_response()
        }
    }
}

async fn route(req: Request, env: &Env) -> Result<(u16, Value), ApiError> {
    let path = req.path();
    let method = req.method();
    // Decoded once here, so every handler sees `erp:C-100` whether or not the client escaped it.
    let decoded = path_segments(&path, 0);
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();

    match (method.clone(), segments.as_slice()) {
        (Method::Post, ["webhooks", source]) => {
            body::check_declared(&req)?;
            crate::webhooks::receive(source, req, env).await
        }
        (Method::Get, ["openapi.json"]) => Ok((200, openapi::openapi())),
        (Method::Get, ["healthz"]) => Ok((200, health::healthz(env, &Config::from_env(env)).await)),
        (_, ["api", rest @ ..]) => {
            let config = Config::from_env(env);
            let authorization = req.headers().get("authorization").ok().flatten();
            auth::require_admin(authorization.as_deref(), config.admin_token.as_deref())?;
            // An oversized body is refused before any handler runs (handlers read through
            // `body::read`, which also stops a body sent without a length).
            body::check_declared(&req)?;
            api::route(method, rest, req, env, &config).await
        }
        _ => Err(not_found(&method, &path)),
    }
}

pub(crate) fn not_found(method: &Method, path: &str) -> ApiError {
    ApiError::NotFound {
        method: method.to_string(),
        path: path.to_string(),
    }
}

/// A path segment with `%XX` escapes decoded (account ids such as `erp:C-1` arrive as
/// `erp%3AC-1`). Invalid escapes are kept as they are.
/// The path's non-empty segments after the first `skip`, each percent-decoded.
pub(crate) fn path_segments(path: &str, skip: usize) -> Vec<String> {
    path.trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .skip(skip)
        .map(percent_decode)
        .collect()
}

pub(crate) fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
        match (bytes.get(i), hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (Some(b'%'), Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (Some(b), _, _) => {
                out.push(*b);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

/// A request to hand to an object's `fetch` or to the router itself, built with the runtime's
/// own `Request` (worker's `RequestInit` conversion also serialises `cf` options, ≈ 11 KB of
/// wasm for options we never set, issue 12).
pub fn request(
    method: &Method,
    url: &str,
    json_body: Option<&str>,
) -> worker::Result<worker::Request> {
    use worker::wasm_bindgen::JsValue;
    let init = worker::web_sys::RequestInit::new();
    init.set_method(method.as_ref());
    if let Some(body) = json_body {
        let headers = worker::web_sys::Headers::new()?;
        headers.set("content-type", "application/json")?;
        init.set_headers(&headers);
        init.set_body(&JsValue::from_str(body));
    }
    Ok(worker::web_sys::Request::new_with_str_and_init(url, &init)?.into())
}

#[cfg(test)]
mod tests {
    use super::{path_segments, percent_decode};

    #[test]
    fn segments_skip_empty_parts_then_the_first_ones() {
        assert_eq!(
            path_segments("/api/accounts/erp%3AC-1/", 1),
            vec!["accounts", "erp:C-1"]
        );
        assert_eq!(path_segments("//dashboard", 0), vec!["dashboard"]);
    }

    #[test]
    fn path_segments_are_percent_decoded() {
        assert_eq!(percent_decode("erp%3AC-1"), "erp:C-1");
        assert_eq!(percent_decode("stripe%3acus_1"), "stripe:cus_1");
        assert_eq!(percent_decode("bad%zz%4"), "bad%zz%4");
        assert_eq!(percent_decode("plain"), "plain");
    }
}
