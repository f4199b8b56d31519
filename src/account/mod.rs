//! The `ACCOUNT` Durable Object: one instance per customer account, named by the account id.
//!
//! Everything that changes an account — a webhook's ledger changes, an inbound email, a sweep,
//! its own alarm — arrives here as a [`Command`], so those events are serialised per account and
//! the escalation state (touches and their step keys, timers) is never raced. The ledger itself
//! lives in D1; the escalation state lives in this object's storage. Each command handler sits in
//! its own file: `ledger.rs` (webhooks), `inbound.rs` (email), `evaluate.rs` (policy and acting).

pub mod act;
pub mod client;
mod command;
mod context;
mod escalation;
pub mod evaluate;
mod gate;
mod inbound;
mod ledger;

pub use command::{
    ApplyPaymentCommand, Command, Envelope, EvaluateCommand, InboundCommand, LedgerCommand,
};
pub use context::AccountCtx;
pub use ledger::new_reply_token;

use serde_json::json;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, State};

use crate::http::error::{json_response, ApiError};
use crate::logging;

/// Where the object keeps the id of the account it serves (learned from its first command),
/// so that its alarm knows which account to evaluate.
const ACCOUNT_ID_KEY: &str = "account_id";

/// The per-account Durable Object.
#[durable_object]
pub struct AccountObject {
    state: State,
    env: Env,
    /// One command at a time, also across awaits on D1 (see `gate.rs`).
    gate: std::rc::Rc<gate::Gate>,
}

impl DurableObject for AccountObject {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            gate: std::rc::Rc::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _turn = self.gate.enter().await;
        let envelope: Envelope = match req.json().await {
            Ok(e) => e,
            Err(e) => {
                return Ok(ApiError::BadRequest(format!("bad account command: {e}")).to_response())
            }
        };
        let storage = self.state.storage();
        if storage.get::<String>(ACCOUNT_ID_KEY).await?.as_deref() != Some(&envelope.account_id) {
            storage.put(ACCOUNT_ID_KEY, &envelope.account_id).await?;
        }
        let ctx = AccountCtx::new(&self.state, &self.env, envelope.account_id.clone()).await?;
        let result = match envelope.command {
            Command::Ledger(cmd) => ledger::handle(&ctx, cmd).await,
            Command::Inbound(cmd) => inbound::handle(&ctx, cmd).await,
            Command::Evaluate(cmd) => evaluate::handle(&ctx, cmd).await,
            Command::State => evaluate::state(&ctx).await,
            Command::ApplyPayment(cmd) => ledger::apply_payment(&ctx, cmd).await,
        };
        Ok(match result {
            Ok(body) => json_response(&body, 200),
            Err(err) => {
                logging::error(
                    "account.command_failed",
                    json!({"account_id": envelope.account_id, "error": err.to_string()}),
                );
                err.to_response()
            }
        })
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _turn = self.gate.enter().await;
        let Some(account_id) = self.state.storage().get::<String>(ACCOUNT_ID_KEY).await? else {
            return Ok(json_response(&json!({"skipped": "no account"}), 200));
        };
        let ctx = AccountCtx::new(&self.state, &self.env, account_id.clone()).await?;
        let result = evaluate::handle(
            &ctx,
            EvaluateCommand {
                as_of: None,
                trigger: "alarm".into(),
            },
        )
        .await;
        match result {
            Ok(body) => Ok(json_response(&body, 200)),
            Err(err) => {
                logging::error(
                    "account.alarm_failed",
                    json!({"account_id": account_id, "error": err.to_string()}),
                );
                // An error makes the runtime retry the alarm with backoff.
                Err(worker::Error::RustError(err.to_string()))
            }
        }
    }
}
