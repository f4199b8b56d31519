//! HTTP routing: webhooks (signed by their senders), the operator API under `/api/` (bearer
//! token), and `/healthz`. Each handler returns `Result<Value, ApiError>`; this module turns
//! both sides into JSON responses in one place.

mod api;
mod auth;
pub mod error;
mod health;

use serde_json::{json, Value};
use worker::{Env, Method, Request, Response};

use crate::config::Config;
use error::{json_response, ApiError};

/// Handles one HTTP request. Never fails: every error becomes a JSON response.
pub async fn handle(req: Request, env: Env) -> Response {
    let method = req.method();
    let path = req.path();
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
    let segments: Vec<&str> = path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();

    match (method.clone(), segments.as_slice()) {
        (Method::Post, ["webhooks", source]) => crate::webhooks::receive(source, req, env).await,
        (Method::Get, ["openapi.json"]) => Ok((200, crate::webhooks::openapi())),
        (Method::Get, ["healthz"]) => Ok((200, health::healthz(env, &Config::from_env(env)).await)),
        (_, ["api", rest @ ..]) => {
            let config = Config::from_env(env);
            let authorization = req.headers().get("authorization").ok().flatten();
            auth::require_admin(authorization.as_deref(), config.admin_token.as_deref())?;
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
