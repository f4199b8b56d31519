//! The `ACCOUNT` Durable Object: one instance per customer account, named by the account id,
//! and the one writer of that account's rows.
//!
//! Everything that changes an account — a webhook delivery's ledger changes, an inbound email,
//! an approval decided, a sweep, its own alarm — arrives here as a typed [`Command`] and runs
//! one at a time (`gate.rs`), so the escalation state is never raced. Ledger and inbound changes
//! do not act at once: they re-arm the settle timer (`settle.rs`), and the alarm evaluates the
//! whole, settled account. Handlers: `ledger.rs` (webhooks, manual cash application),
//! `inbound.rs` (email), `evaluate.rs` (policy and acting), `decide.rs` (approvals), with the
//! object's own storage in `escalation.rs` and mail sent only through `outbound::mailer`.

mod act;
pub mod client;
mod collector;
mod command;
mod context;
mod decide;
mod error;
mod escalation;
pub mod evaluate;
mod gate;
pub mod inbound;
mod ledger;
mod policy;
mod settle;

pub use client::AccountClient;
pub use command::*;
pub use context::AccountCtx;
pub use error::AccountError;
pub use inbound::kind_name;
pub use ledger::new_reply_token;

use serde::Serialize;
use serde_json::json;
use worker::{durable_object, wasm_bindgen, DurableObject, Env, Request, Response, State};

use crate::http::error::{json_response, json_text_response};
use crate::ids::AccountId;
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

/// The object's answer: the typed answer or the error, with this command's D1 cost.
fn reply<A: Serialize>(result: Result<A, AccountError>, ctx: &AccountCtx<'_>) -> Response {
    let io = Io {
        d1_round_trips: ctx.db.round_trips(),
        d1_statements: ctx.db.statements(),
    };
    let (status, body) = match result {
        // Straight to text: through a `Value` would compile a second serialiser per answer.
        Ok(answer) => (200, serde_json::to_string(&Reply::Ok { answer, io })),
        Err(error) => {
            logging::error(
                "account.command_failed",
                json!({"account_id": ctx.account_id, "error": error.to_string()}),
            );
            (
                error.status(),
                serde_json::to_string(&Reply::<()>::Err { error, io }),
            )
        }
    };
    match body {
        Ok(body) => json_text_response(body, status),
        Err(e) => json_response(
            &json!({"err": {"error": {"runtime": e.to_string()}, "io": io}}),
            500,
        ),
    }
}

impl DurableObject for AccountObject {
    fn new(state: State, env: Env) -> Self {
        // The object's fetch and alarm are entry points of their own (no Worker handler ran
        // in this isolate necessarily); installing here covers both.
        crate::zone::install();
        Self {
            state,
            env,
            gate: std::rc::Rc::default(),
        }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let _turn = self.gate.enter().await;
        // Text, then serde_json: the runtime's own JSON decoding turns `null` into a unit value
        // that optional decimals refuse.
        let text = req.text().await?;
        let envelope: Envelope = match crate::js_json::parse(&text) {
            Ok(e) => e,
            Err(e) => {
                let error = AccountError::Runtime(format!("bad account command: {e}"));
                let body = Reply::<()>::Err {
                    error,
                    io: Io::default(),
                };
                return Ok(json_text_response(
                    serde_json::to_string(&body).unwrap_or_else(|_| "null".into()),
                    400,
                ));
            }
        };
        let storage = self.state.storage();
        if crate::storage::text(&storage, ACCOUNT_ID_KEY)
            .await?
            .as_deref()
            != Some(envelope.account_id.as_str())
        {
            crate::storage::put_text(&storage, ACCOUNT_ID_KEY, envelope.account_id.as_str())
                .await?;
        }
        let ctx = AccountCtx::new(&self.state, &self.env, envelope.account_id)?;
        Ok(match envelope.command {
            Command::Ledger(cmd) => reply(ledger::handle(&ctx, cmd).await, &ctx),
            Command::ApplyPayment(cmd) => reply(ledger::apply_payment(&ctx, cmd).await, &ctx),
            Command::Inbound(cmd) => reply(inbound::handle(&ctx, *cmd).await, &ctx),
            Command::Evaluate(cmd) => reply(evaluate::handle(&ctx, cmd).await, &ctx),
            Command::Decide(cmd) => reply(decide::handle(&ctx, cmd).await, &ctx),
            Command::SetPolicy(cmd) => reply(policy::handle(&ctx, cmd).await, &ctx),
            Command::Act(cmd) => reply(collector::handle(&ctx, *cmd).await, &ctx),
            Command::State(_) => reply(evaluate::state(&ctx).await, &ctx),
        })
    }

    async fn alarm(&self) -> worker::Result<Response> {
        let _turn = self.gate.enter().await;
        let Some(account_id) = crate::storage::text(&self.state.storage(), ACCOUNT_ID_KEY).await?
        else {
            return Ok(json_response(&json!({"skipped": "no account"}), 200));
        };
        let ctx = AccountCtx::new(&self.state, &self.env, AccountId::from(account_id))?;
        match settle::on_alarm(&ctx).await {
            Ok(evaluation) => Ok(json_text_response(
                serde_json::to_string(&evaluation).unwrap_or_else(|_| "null".into()),
                200,
            )),
            Err(err) => {
                logging::error(
                    "account.alarm_failed",
                    json!({"account_id": ctx.account_id, "error": err.to_string()}),
                );
                // An error makes the runtime retry the alarm with backoff.
                Err(worker::Error::RustError(err.to_string()))
            }
        }
    }
}
