//! End-to-end tests: the built worker on real workerd (`wrangler dev`), driven over HTTP.
//!
//! One test binary, one wasm build, one helper module (`helpers`), many feature modules. Each
//! test spawns its own `wrangler dev` on a free port with a throw-away state directory, so tests
//! are independent and can run in parallel; the process group is killed when the test ends.

mod helpers;

mod auth;
mod collector;
mod cron;
mod email;
mod escaping;
mod faults;
mod health;
mod inbound_api;
mod inbound_bench;
mod inbound_intents;
mod inbound_machine;
mod inbound_mixed;
mod inbound_requests;
mod inbound_support;
mod ledger_api;
mod limits;
mod load_mixed;
mod metrics;
mod preview;
mod remittance_email;
mod scenario_90_days;
mod scenario_erp;
mod scenario_inbound;
mod scenario_ladder;
mod settle;
mod size;
mod sweep_approvals;
mod sweep_bench;
mod sweep_failures;
mod sweep_fixtures;
mod sweep_idempotency;
mod sweep_queue;
mod sweep_queue_bench;
mod templates;
mod webhooks_erp;
mod webhooks_fixtures;
mod webhooks_stripe;
mod zones;
