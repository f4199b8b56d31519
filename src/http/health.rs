//! `GET /healthz`: is the worker up, and is every binding it needs present?

use serde_json::json;
use worker::Env;

use crate::config::Config;
use crate::store::schema_version;

/// Reports the version, each binding's presence and the D1 schema version.
/// Always 200 while the worker runs: the body says what is missing.
pub async fn healthz(env: &Env, config: &Config) -> serde_json::Value {
    let db = crate::store::Db::from_env(env).ok();
    let schema = match &db {
        Some(db) => schema_version(db).await.ok().flatten(),
        None => None,
    };
    json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "bindings": {
            "DB": db.is_some(),
            "ACCOUNT": env.durable_object("ACCOUNT").is_ok(),
            "EMAIL": env.send_email("EMAIL").is_ok(),
        },
        "schema_version": schema,
        "config": {
            "company_name": config.company_name,
            "from_address": config.from_address,
            "inbound_address": config.inbound_address,
            "fallback_address": config.fallback_address,
            "default_timezone": config.default_timezone,
            "default_locale": config.default_locale,
            "shadow_mode": config.shadow_mode,
            "test_clocks": config.test_clocks,
            // Test-only fault injection points armed (always empty in production).
            "faults": config.faults.names(),
        },
        // Whether each secret is set; never its value.
        "secrets": {
            "ADMIN_TOKEN": config.admin_token.is_some(),
            "STRIPE_WEBHOOK_SECRET": !config.stripe_webhook_secrets.is_empty(),
            "ERP_WEBHOOK_SECRET": config.erp_webhook_secret.is_some(),
        },
    })
}
