//! Billing webhooks (issue 4): `POST /webhooks/stripe` and `POST /webhooks/erp`. Each verifies
//! its sender's signature (against the wall clock, never the test clock), parses into ledger
//! changes (`nudge-billing`), and hands each account's changes to its Durable Object, which
//! applies them idempotently in one D1 batch per event.
//!
//! Statuses: signature refused → 400 (Stripe) / 401 (ERP), nothing stored; body not JSON → 400;
//! ERP validation → 422 with one entry per bad field, nothing applied; a processing failure →
//! 500 with nothing partial (the event's batch, idempotency row included, was rolled back), so
//! the sender's retry applies it cleanly.

mod openapi;

use std::collections::BTreeMap;

use nudge_billing::{erp, stripe, LedgerChange, Outcome, SignatureError};
use serde_json::{json, Value};
use worker::{D1Database, Env, Request};

use crate::account::{client, Command, LedgerCommand};
use crate::clock;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::logging;
use crate::store::{stmt, ts};

pub use openapi::openapi;

/// Receives one webhook delivery from `source`.
pub async fn receive(source: &str, mut req: Request, env: &Env) -> Result<(u16, Value), ApiError> {
    match source {
        "stripe" | "erp" => {}
        _ => {
            return Err(crate::http::not_found(
                &req.method(),
                &format!("/webhooks/{source}"),
            ))
        }
    }
    let config = Config::from_env(env);
    let body = req
        .bytes()
        .await
        .map_err(|e| ApiError::BadRequest(format!("unreadable body: {e}")))?;
    let header = |name: &str| req.headers().get(name).ok().flatten().unwrap_or_default();
    match source {
        "stripe" => {
            let signature = header("stripe-signature");
            receive_stripe(env, &config, &signature, &body).await
        }
        _ => {
            let timestamp = header("x-nudge-timestamp");
            let signature = header("x-nudge-signature");
            receive_erp(env, &config, &timestamp, &signature, &body).await
        }
    }
}

fn signature_error(source: &str, status: u16, err: SignatureError) -> ApiError {
    logging::info(
        "webhook.signature_refused",
        json!({"source": source, "reason": err.to_string()}),
    );
    match err {
        SignatureError::NoSecret => {
            ApiError::Internal(format!("{source} webhook secret is not configured"))
        }
        other => ApiError::Signature {
            status,
            message: format!("invalid signature: {other}"),
        },
    }
}

async fn receive_stripe(
    env: &Env,
    config: &Config,
    signature: &str,
    body: &[u8],
) -> Result<(u16, Value), ApiError> {
    let secrets: Vec<&str> = config
        .stripe_webhook_secrets
        .iter()
        .map(String::as_str)
        .collect();
    stripe::verify_signature(
        signature,
        body,
        &secrets,
        clock::wall(),
        stripe::DEFAULT_TOLERANCE_SECS,
    )
    .map_err(|e| signature_error("stripe", 400, e))?;
    let event = stripe::parse_event(body).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let outcome = stripe::changes(&event).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let db = env.d1("DB")?;
    let changes = match outcome {
        Outcome::Ignored { reason } => {
            record_ignored(&db, "stripe", &event.id, &event.event_type, &reason).await?;
            return Ok((
                200,
                json!({"received": true, "event_id": event.id, "ignored": reason}),
            ));
        }
        Outcome::Apply { changes } => changes,
    };
    let groups = group_by_account(&db, changes).await?;
    if groups.is_empty() {
        let reason = "no recorded payment for the charge";
        record_ignored(&db, "stripe", &event.id, &event.event_type, reason).await?;
        return Ok((
            200,
            json!({"received": true, "event_id": event.id, "ignored": reason}),
        ));
    }
    let mut results = Vec::new();
    for (account_id, changes) in groups {
        let answer = client::send(
            env,
            &account_id,
            Command::Ledger(LedgerCommand {
                source: "stripe".into(),
                event_id: event.id.clone(),
                event_type: event.event_type.clone(),
                changes,
            }),
        )
        .await?;
        results.push(summary(&account_id, &answer));
    }
    Ok((
        200,
        json!({"received": true, "event_id": event.id, "type": event.event_type, "accounts": results}),
    ))
}

async fn receive_erp(
    env: &Env,
    config: &Config,
    timestamp: &str,
    signature: &str,
    body: &[u8],
) -> Result<(u16, Value), ApiError> {
    let secret = config.erp_webhook_secret.as_deref().unwrap_or_default();
    erp::verify_signature(
        timestamp,
        signature,
        body,
        secret,
        clock::wall(),
        erp::DEFAULT_TOLERANCE_SECS,
    )
    .map_err(|e| signature_error("erp", 401, e))?;
    let events = erp::parse_batch(body).map_err(|errors| match errors.as_slice() {
        [only] if only.path == "body" => ApiError::BadRequest(only.to_string()),
        _ => ApiError::Validation(errors),
    })?;
    // Events of one account in order, accounts one after the other; each event is its own
    // idempotent unit (one D1 batch in the account's object).
    let mut by_account: BTreeMap<String, Vec<&erp::ErpEvent>> = BTreeMap::new();
    for event in &events {
        by_account
            .entry(event.account_ref().to_string())
            .or_default()
            .push(event);
    }
    let mut applied = 0usize;
    let mut duplicates = 0usize;
    let mut results = Vec::new();
    for (account_id, events) in by_account {
        for event in events {
            let answer = client::send(
                env,
                &account_id,
                Command::Ledger(LedgerCommand {
                    source: "erp".into(),
                    event_id: event.id.clone(),
                    event_type: event.event_type().into(),
                    changes: erp::changes(event),
                }),
            )
            .await?;
            if answer["duplicate"] == true {
                duplicates += 1;
            } else {
                applied += 1;
            }
            results.push(json!({"id": event.id, "account_id": account_id,
                                "duplicate": answer["duplicate"], "queued": answer["queued"]}));
        }
    }
    Ok((
        200,
        json!({"received": events.len(), "applied": applied, "duplicates": duplicates, "events": results}),
    ))
}

fn summary(account_id: &str, answer: &Value) -> Value {
    json!({"account_id": account_id, "duplicate": answer["duplicate"], "queued": answer["queued"],
           "events": answer["events"]})
}

/// Groups changes by account, resolving disputes and refunds that name only a charge through
/// the recorded payment's `charge_ref` / `payment_intent_ref`. Changes whose account cannot be
/// found are dropped (logged).
async fn group_by_account(
    db: &D1Database,
    changes: Vec<LedgerChange>,
) -> Result<BTreeMap<String, Vec<LedgerChange>>, ApiError> {
    let mut groups: BTreeMap<String, Vec<LedgerChange>> = BTreeMap::new();
    for change in changes {
        let account = match change.account_ref() {
            Some(a) => Some(a.to_string()),
            None => {
                let (charge, intent) = match &change {
                    LedgerChange::OpenDispute {
                        charge_ref,
                        payment_intent_ref,
                        ..
                    } => (charge_ref.clone(), payment_intent_ref.clone()),
                    LedgerChange::CloseDispute { charge_ref, .. } => (charge_ref.clone(), None),
                    LedgerChange::Refund {
                        charge_ref,
                        payment_intent_ref,
                        ..
                    } => (Some(charge_ref.clone()), payment_intent_ref.clone()),
                    _ => (None, None),
                };
                account_of_charge(db, charge.as_deref(), intent.as_deref()).await?
            }
        };
        match account {
            Some(a) => groups.entry(a).or_default().push(change),
            None => logging::info(
                "webhook.change_without_account",
                json!({"change": change_kind(&change)}),
            ),
        }
    }
    Ok(groups)
}

fn change_kind(change: &LedgerChange) -> Value {
    serde_json::to_value(change)
        .map(|v| v["kind"].clone())
        .unwrap_or(Value::Null)
}

async fn account_of_charge(
    db: &D1Database,
    charge: Option<&str>,
    intent: Option<&str>,
) -> Result<Option<String>, ApiError> {
    #[derive(serde::Deserialize)]
    struct Row {
        account_id: String,
    }
    if charge.is_none() && intent.is_none() {
        return Ok(None);
    }
    let row: Option<Row> = stmt(
        db,
        "SELECT account_id FROM payments
         WHERE (?1 IS NOT NULL AND charge_ref = ?1) OR (?2 IS NOT NULL AND payment_intent_ref = ?2)
         LIMIT 1",
        &[charge.into(), intent.into()],
    )?
    .first(None)
    .await?;
    Ok(row.map(|r| r.account_id))
}

/// Records an acknowledged event that changes nothing (so a replay is recognised as such).
async fn record_ignored(
    db: &D1Database,
    source: &str,
    event_id: &str,
    event_type: &str,
    reason: &str,
) -> Result<(), ApiError> {
    stmt(
        db,
        "INSERT INTO webhook_events (source, event_id, type, account_id, received_at, outcome)
         VALUES (?1, ?2, ?3, NULL, ?4, 'ignored') ON CONFLICT (source, event_id) DO NOTHING",
        &[
            source.into(),
            event_id.into(),
            event_type.into(),
            ts(clock::wall()).into(),
        ],
    )?
    .run()
    .await?;
    logging::info(
        "webhook.ignored",
        json!({"source": source, "event_id": event_id, "type": event_type, "reason": reason}),
    );
    Ok(())
}
