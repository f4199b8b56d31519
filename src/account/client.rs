//! The worker side of the account objects: send a [`Command`] to one account's object.

use serde_json::Value;
use worker::{Env, Method, Request, RequestInit};

use super::{Command, Envelope};
use crate::http::error::ApiError;

/// Sends `command` to the Durable Object of `account_id` and returns its JSON answer.
/// A non-2xx answer becomes an error carrying the object's message.
pub async fn send(env: &Env, account_id: &str, command: Command) -> Result<Value, ApiError> {
    let stub = env
        .durable_object("ACCOUNT")?
        .id_from_name(account_id)?
        .get_stub()?;
    let envelope = Envelope {
        account_id: account_id.to_string(),
        command,
    };
    let body = serde_json::to_string(&envelope)
        .map_err(|e| ApiError::Internal(format!("encode account command: {e}")))?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    // Durable Object fetches need an absolute URL; the host is never resolved.
    let req = Request::new_with_init("https://account.nudge/command", &init)?;
    let mut resp = stub.fetch_with_request(req).await?;
    let status = resp.status_code();
    let value: Value = resp.json().await.unwrap_or(Value::Null);
    if (200..300).contains(&status) {
        Ok(value)
    } else {
        let message = value["error"]
            .as_str()
            .unwrap_or("account object failed")
            .to_string();
        Err(ApiError::Internal(format!(
            "account {account_id}: {message} (status {status})"
        )))
    }
}
