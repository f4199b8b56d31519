//! The worker side of the account objects: send a command to one account's object and read back
//! its typed answer. A client counts the object calls it made and the D1 round trips those
//! objects reported, so a request can log what it cost.

use std::cell::Cell;

use serde::de::DeserializeOwned;

use worker::{Env, Method};

use super::command::{Ask, Envelope, Io};
use super::AccountError;
use crate::ids::AccountId;

/// Sends commands to account objects, counting calls and their I/O.
pub struct AccountClient<'a> {
    env: &'a Env,
    calls: Cell<u32>,
    remote: Cell<Io>,
}

impl<'a> AccountClient<'a> {
    pub fn new(env: &'a Env) -> Self {
        AccountClient {
            env,
            calls: Cell::new(0),
            remote: Cell::new(Io::default()),
        }
    }

    /// Object calls made so far.
    pub fn calls(&self) -> u32 {
        self.calls.get()
    }

    /// The D1 cost the called objects reported, summed.
    pub fn remote_io(&self) -> Io {
        self.remote.get()
    }

    fn add(&self, io: Io) {
        let mut sum = self.remote.get();
        sum.d1_round_trips = sum.d1_round_trips.saturating_add(io.d1_round_trips);
        sum.d1_statements = sum.d1_statements.saturating_add(io.d1_statements);
        self.remote.set(sum);
    }

    /// Sends `command` to the object of `account_id` and returns its answer. The object's own
    /// failures come back as the [`AccountError`] it answered with.
    pub async fn ask<C: Ask>(
        &self,
        account_id: &AccountId,
        command: C,
    ) -> Result<C::Answer, AccountError> {
        self.send(account_id, command.into()).await
    }

    /// [`ask`](Self::ask), with the answer as JSON: for handlers that only pass it on, so that
    /// no deserialiser of the answer's type is compiled just to serialise it again (issue 12).
    pub async fn ask_json<C: Ask>(
        &self,
        account_id: &AccountId,
        command: C,
    ) -> Result<serde_json::Value, AccountError> {
        self.ask_part(account_id, command).await
    }

    /// [`ask`](Self::ask), reading only `P`, a part of the answer (its fields are the answer's;
    /// the others are skipped unread).
    pub async fn ask_part<C: Ask, P: DeserializeOwned>(
        &self,
        account_id: &AccountId,
        command: C,
    ) -> Result<P, AccountError> {
        self.send(account_id, command.into()).await
    }

    async fn send<A: DeserializeOwned>(
        &self,
        account_id: &AccountId,
        command: super::command::Command,
    ) -> Result<A, AccountError> {
        let runtime =
            |e: worker::Error| AccountError::Runtime(format!("account {account_id}: {e}"));
        let namespace = self.env.durable_object("ACCOUNT").map_err(runtime)?;
        let stub = namespace
            .id_from_name(account_id.as_str())
            .and_then(|id| id.get_stub())
            .map_err(runtime)?;
        let envelope = Envelope {
            account_id: account_id.clone(),
            command,
        };
        let body = serde_json::to_string(&envelope)
            .map_err(|e| AccountError::Runtime(format!("encode account command: {e}")))?;
        // Durable Object fetches need an absolute URL; the host is never resolved.
        let req = crate::http::request(&Method::Post, "https://account.nudge/command", Some(&body))
            .map_err(runtime)?;
        self.calls.set(self.calls.get().saturating_add(1));
        let mut resp = stub.fetch_with_request(req).await.map_err(runtime)?;
        let status = resp.status_code();
        let text = resp.text().await.map_err(runtime)?;
        match read_reply::<A>(&text) {
            Ok((io, result)) => {
                self.add(io);
                result
            }
            Err(e) => Err(AccountError::Runtime(format!(
                "account {account_id}: unreadable answer (status {status}): {e}"
            ))),
        }
    }
}

/// A [`Reply`](super::command::Reply) read part by part: `{"ok": {"answer", "io"}}` or `{"err": {"error", "io"}}`.
fn read_reply<A: DeserializeOwned>(text: &str) -> Result<(Io, Result<A, AccountError>), String> {
    use worker::js_sys::{Reflect, JSON};
    use worker::wasm_bindgen::JsValue;
    let field = |v: &JsValue, key: &str| {
        Reflect::get(v, &JsValue::from_str(key)).map_err(|_| format!("no `{key}`"))
    };
    let reply = JSON::parse(text).map_err(|_| "not JSON".to_string())?;
    let ok = field(&reply, "ok")?;
    let (body, ok) = if ok.is_object() {
        (ok, true)
    } else {
        (field(&reply, "err")?, false)
    };
    let io: Io = crate::js_json::from_js(field(&body, "io")?)?;
    let result = if ok {
        Ok(crate::js_json::from_js(field(&body, "answer")?)?)
    } else {
        Err(crate::js_json::from_js(field(&body, "error")?)?)
    };
    Ok((io, result))
}
