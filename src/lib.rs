//! Nudge's Workers adapter: the imperative shell around the pure domain crates.
//!
//! Four entry points — `fetch` (webhooks, operator API), `scheduled` (dunning sweeps), `queue`
//! (the sweep's fan-out: evaluating the accounts a queue-mode sweep enqueued) and `email`
//! (customer replies) — plus the per-account Durable Object [`account::AccountObject`],
//! which serialises everything that happens to one customer account. Each entry point first
//! installs the runtime's timezone rules ([`zone`]). Each module here translates
//! between Cloudflare's runtime and the domain; decisions are made in the `nudge-*` crates.

mod account;
mod address;
mod clock;
mod config;
mod dashboard;
mod faults;
mod http;
mod ids;
mod import;
mod inbound;
mod inbound_email;
mod js_json;
mod json;
mod logging;
mod outbound;
mod storage;
mod store;
mod sweep;
mod webhooks;
mod zone;

use worker::{
    event, Context, Env, ForwardableEmailMessage, MessageBatch, Request, Response, ScheduleContext,
    ScheduledEvent,
};

pub use account::AccountObject;

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    zone::install();
    Ok(http::handle(req, env).await)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    zone::install();
    sweep::on_cron(&event.cron(), env).await;
}

#[event(queue)]
async fn queue(
    batch: MessageBatch<sweep::fanout::SweepMessage>,
    env: Env,
    _ctx: Context,
) -> worker::Result<()> {
    zone::install();
    sweep::consumer::consume(batch, env).await
}

#[event(email)]
async fn email(message: ForwardableEmailMessage, env: Env, _ctx: Context) -> worker::Result<()> {
    zone::install();
    inbound_email::receive(message, env).await
}
