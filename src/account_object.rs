//! The `ACCOUNT` Durable Object: one instance per customer account, named by the account id.
//!
//! Everything that changes an account (webhook, inbound email, sweep, timer) goes through its
//! object, so those events are serialised and the escalation state (touches, step keys, promise
//! timers) is never raced. State lives in the object's SQLite storage; timers are DO alarms.

use serde_json::json;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, State};

use crate::http::error::json_response;

/// The per-account Durable Object.
#[durable_object]
pub struct AccountObject {
    state: State,
    #[allow(dead_code)]
    env: Env,
}

impl DurableObject for AccountObject {
    fn new(state: State, env: Env) -> Self {
        Self { state, env }
    }

    async fn fetch(&self, req: Request) -> worker::Result<Response> {
        let path = req.path();
        let alarm = self.state.storage().get_alarm().await?;
        Ok(json_response(
            &json!({"path": path, "alarm_at_ms": alarm}),
            200,
        ))
    }

    async fn alarm(&self) -> worker::Result<Response> {
        crate::logging::info("account.alarm", json!({}));
        Ok(json_response(&json!({"ok": true}), 200))
    }
}
