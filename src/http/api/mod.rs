//! The operator API under `/api/` (bearer token checked by the router before we get here): one
//! file per resource, and this one route table. Reads go to D1 through `store/`; every change
//! to an account goes to its Durable Object.

mod accounts;
mod approvals;
mod classify;
mod clock;
mod collector;
mod import;
mod inbound;
mod metrics;
mod outbound;
pub(crate) mod params;
mod preview;
mod settings;
mod sweeps;
mod tasks;
mod templates;
mod test_support;
mod timeline;
mod unapplied;

use serde_json::Value;
use worker::{Env, Method, Request};

use super::error::ApiError;
use crate::config::Config;

/// What a handler gets: the request, the environment and the configuration.
pub struct Call<'a> {
    pub req: Request,
    pub env: &'a Env,
    pub config: &'a Config,
}

/// Dispatches `/api/<segments>`.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    let path = req.path();
    let call = Call { req, env, config };
    use Method::{Get, Post, Put};
    let body = match (method.clone(), segments) {
        (Get, ["accounts"]) => accounts::list(call).await,
        (Get, ["accounts", id]) => accounts::detail(call, id).await,
        (Put, ["accounts", id, "policy"]) => accounts::put_policy(call, id).await,
        (Post, ["accounts", id, "promises"]) => collector::promise(call, id).await,
        (Post, ["accounts", id, "disputes", d, "resolve"]) => {
            collector::resolve_dispute(call, id, d).await
        }
        (Post, ["accounts", id, "pause"]) => collector::pause_account(call, id, true).await,
        (Post, ["accounts", id, "resume"]) => collector::pause_account(call, id, false).await,
        (Post, ["accounts", id, "invoices", inv, "pause"]) => {
            collector::pause_invoice(call, id, inv, true).await
        }
        (Post, ["accounts", id, "invoices", inv, "resume"]) => {
            collector::pause_invoice(call, id, inv, false).await
        }
        (Post, ["accounts", id, "notes"]) => collector::note(call, id).await,
        (Put, ["accounts", id, "owner"]) => collector::owner(call, id).await,
        (Post, ["accounts", id, "contacts"]) => collector::upsert_contact(call, id).await,
        (Post, ["accounts", id, "contacts", email, "deactivate"]) => {
            collector::deactivate_contact(call, id, email).await
        }
        (Post, ["accounts", id, "chase"]) => collector::chase(call, id).await,
        (Get, ["accounts", id, "preview"]) => preview::account(call, id).await,
        (Get, ["accounts", id, "timeline"]) => timeline::get(call, id).await,
        (Get, ["preview"]) => preview::all(call).await,
        (Get, ["worklist"]) => preview::worklist(call).await,
        (Get, ["metrics"]) => metrics::get(call).await,
        (Get, ["policy"]) => settings::get_policy(call).await,
        (Put, ["policy"]) => settings::put_policy(call).await,
        (Get, ["shadow"]) => settings::get_shadow(call).await,
        (Put, ["shadow"]) => settings::put_shadow(call).await,
        (Get, ["unapplied"]) => unapplied::list(call).await,
        (Post, ["unapplied", id, "apply"]) => unapplied::apply(call, id).await,
        (Post, ["import"]) => import::import(call).await,
        (Get, ["inbound"]) => inbound::list(call).await,
        (Get, ["inbound", id]) => inbound::get(call, id).await,
        (Post, ["classify"]) => classify::classify(call).await,
        (Post, ["sweep"]) => sweeps::run(call).await,
        (Get, ["sweeps"]) => sweeps::list(call).await,
        (Get, ["sweeps", "accounts", id]) => sweeps::account_state(call, id).await,
        (Get, ["clock"]) => clock::get(call).await,
        (Post, ["clock"]) => clock::set(call).await,
        (Get, ["approvals"]) => approvals::list(call).await,
        (Get, ["approvals", id]) => approvals::get(call, id).await,
        (Post, ["approvals", id, "approve"]) => approvals::decide(call, id, true).await,
        (Post, ["approvals", id, "reject"]) => approvals::decide(call, id, false).await,
        (Get, ["tasks"]) => tasks::list(call).await,
        (Post, ["tasks", id, "done"]) => tasks::done(call, id).await,
        (Get, ["outbound"]) => outbound::list(call).await,
        (Get, ["templates"]) => templates::list(call).await,
        (Put, ["templates", locale, file]) => templates::put(call, locale, file).await,
        (Method::Delete, ["templates", locale, file]) => {
            templates::delete(call, locale, file).await
        }
        // Test-only routes: they answer only with TEST_CLOCKS on.
        (Post, ["sweeps", "seed"]) => test_support::seed(call).await,
        (Get, ["test", "book", id]) if config.test_clocks => test_support::book(call, id).await,
        (m, _) => Err(super::not_found(&m, &path)),
    }?;
    Ok((200, body))
}
