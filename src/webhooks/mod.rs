//! Billing webhooks: `POST /webhooks/stripe` and `POST /webhooks/erp`. Each verifies
//! its sender's signature (against the wall clock, never the test clock), parses into ledger
//! changes (`nudge-billing`), and hands each account's changes to its Durable Object, which
//! applies them idempotently in one D1 batch per delivery and account, then settles: the
//! account is evaluated a little later, whole, by its own alarm. Nothing is sent from here.
//!
//! Statuses: signature refused → 400 (Stripe) / 401 (ERP), nothing stored; body not JSON → 400;
//! ERP validation → 422 with one entry per bad field, nothing applied; a processing failure →
//! 500 with nothing partial (the event's batch, idempotency row included, was rolled back), so
//! the sender's retry applies it cleanly.

use nudge_core::sorted_map::SortedMap;

use nudge_billing::{erp, stripe, LedgerChange, Outcome, SignatureError};
use serde_json::{json, Value};
use worker::{Env, Request};

use crate::account::{AccountClient, LedgerAnswer, LedgerBatch, LedgerEvent, Source};
use crate::clock;
use crate::config::Config;
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::logging;
use crate::store::{webhook_events, Db};

/// Receives one webhook delivery from `source`.
pub async fn receive(source: &str, mut req: Request, env: &Env) -> Result<(u16, Value), ApiError> {
    let source = match source {
        "stripe" => Source::Stripe,
        "erp" => Source::Erp,
        _ => {
            return Err(crate::http::not_found(
                &req.method(),
                &format!("/webhooks/{source}"),
            ))
        }
    };
    let config = Config::from_env(env);
    let body = crate::http::body::read(&mut req).await?;
    let header = |name: &str| req.headers().get(name).ok().flatten().unwrap_or_default();
    let db = Db::from_env(env)?;
    let client = AccountClient::new(env);
    let result = match source {
        Source::Stripe => {
            let signature = header("stripe-signature");
            receive_stripe(&db, &client, &config, &signature, &body).await
        }
        _ => {
            let timestamp = header("x-nudge-timestamp");
            let signature = header("x-nudge-signature");
            receive_erp(&client, &config, &timestamp, &signature, &body).await
        }
    };
    // The I/O budget of a delivery, measured: object calls and D1 round trips (the worker's
    // own and those its objects reported).
    let remote = client.remote_io();
    logging::info(
        "webhook.io",
        json!({"source": source.as_str(),
               "events": result.as_ref().map(|(_, v)| v["events_in_delivery"].clone()).unwrap_or(Value::Null),
               "object_calls": client.calls(),
               "d1_round_trips": db.round_trips() + remote.d1_round_trips,
               "d1_statements": db.statements() + remote.d1_statements}),
    );
    result.map(|(status, mut body)| {
        if let Some(map) = body.as_object_mut() {
            map.remove("events_in_delivery");
        }
        (status, body)
    })
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

async fn ignored(
    db: &Db,
    event_id: &str,
    event_type: &str,
    reason: &str,
) -> Result<(u16, Value), ApiError> {
    webhook_events::record_ignored(db, "stripe", event_id, event_type, clock::wall()).await?;
    logging::info(
        "webhook.ignored",
        json!({"source": "stripe", "event_id": event_id, "type": event_type, "reason": reason}),
    );
    Ok((
        200,
        json!({"received": true, "event_id": event_id, "ignored": reason, "events_in_delivery": 1}),
    ))
}

async fn receive_stripe(
    db: &Db,
    client: &AccountClient<'_>,
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
    let changes = match outcome {
        Outcome::Ignored { reason } => {
            return ignored(db, &event.id, &event.event_type, &reason).await;
        }
        Outcome::Apply { changes } => changes,
    };
    let groups = group_by_account(db, changes).await?;
    if groups.is_empty() {
        return ignored(
            db,
            &event.id,
            &event.event_type,
            "no recorded payment for the charge",
        )
        .await;
    }
    let mut results = Vec::new();
    for (account_id, changes) in groups {
        let answer = client
            .ask(
                &account_id,
                LedgerBatch {
                    source: Source::Stripe,
                    events: vec![LedgerEvent {
                        event_id: event.id.clone(),
                        event_type: event.event_type.clone(),
                        changes,
                    }],
                },
            )
            .await?;
        results.push(summary(&answer));
    }
    Ok((
        200,
        json!({"received": true, "event_id": event.id, "type": event.event_type,
               "accounts": results, "events_in_delivery": 1}),
    ))
}

async fn receive_erp(
    client: &AccountClient<'_>,
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
    // One command per account with all of that account's events in delivery order: applied in
    // one D1 batch and evaluated once, whole, when the account has settled.
    let mut by_account: SortedMap<AccountId, Vec<LedgerEvent>> = SortedMap::new();
    for event in &events {
        by_account
            .entry(AccountId::from(event.account_ref()))
            .or_default()
            .push(LedgerEvent {
                event_id: event.id.clone(),
                event_type: event.event_type().into(),
                changes: erp::changes(event),
            });
    }
    let mut applied = 0usize;
    let mut duplicates = 0usize;
    let mut results = Vec::new();
    for (account_id, account_events) in by_account {
        let answer = client
            .ask(
                &account_id,
                LedgerBatch {
                    source: Source::Erp,
                    events: account_events,
                },
            )
            .await?;
        for outcome in &answer.events {
            if outcome.duplicate {
                duplicates += 1;
            } else {
                applied += 1;
            }
            results.push(json!({"id": outcome.event_id, "account_id": account_id,
                                "duplicate": outcome.duplicate, "queued": answer.queued}));
        }
    }
    Ok((
        200,
        json!({"received": events.len(), "applied": applied, "duplicates": duplicates,
               "events": results, "events_in_delivery": events.len()}),
    ))
}

fn summary(answer: &LedgerAnswer) -> Value {
    let duplicate = answer.events.iter().all(|e| e.duplicate);
    let events: Vec<&String> = answer.events.iter().flat_map(|e| &e.events).collect();
    json!({"account_id": answer.account_id, "duplicate": duplicate, "queued": answer.queued,
           "events": events, "settle_at": answer.settle_at})
}

/// Groups changes by account, resolving disputes and refunds that name only a charge through
/// the recorded payment's `charge_ref` / `payment_intent_ref` (one D1 look-up, only for those).
/// Changes whose account cannot be found are dropped (logged).
async fn group_by_account(
    db: &Db,
    changes: Vec<LedgerChange>,
) -> Result<SortedMap<AccountId, Vec<LedgerChange>>, ApiError> {
    let mut groups: SortedMap<AccountId, Vec<LedgerChange>> = SortedMap::new();
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
                webhook_events::account_of_charge(db, charge.as_deref(), intent.as_deref()).await?
            }
        };
        match account {
            Some(a) => groups.entry(AccountId::from(a)).or_default().push(change),
            None => logging::info(
                "webhook.change_without_account",
                json!({"change": change_kind(&change)}),
            ),
        }
    }
    Ok(groups)
}

fn change_kind(change: &LedgerChange) -> Value {
    Value::from(change.kind())
}
