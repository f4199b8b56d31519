//! Accounts: `GET /api/accounts?q=&limit=&offset=` (search), `GET /api/accounts/{id}` (the
//! account page: book, balances, aging, queue, the current decision with its reasons, the last
//! events), `PUT /api/accounts/{id}/policy` (overrides and switches, through the account's
//! object).
//!
//! Policy body: `{"overrides": {…PolicyOverrides…} | null, "shadow_mode": true | false | null,
//! "dunning": true | false}` — every key optional; absent keys keep their value, `null` clears.
//! Validated with field errors (422), nothing changed on error.

use nudge_core::ledger::{aging, balances};
use nudge_policy::{EscalationState, PolicyError, PolicyOverrides};
use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use super::{params, Call};
use crate::account::{AccountClient, Change, PolicyState, SetPolicy, StateQuery};
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::record::{self, Want};
use crate::store::{accounts, Db};

/// Search.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let req = &call.req;
    let db = Db::from_env(call.env)?;
    let limit = params::limit(req)?;
    let offset = params::offset(req)?;
    let q = params::query(req, "q")?
        .map(|q| q.trim().to_string())
        .filter(|q| !q.is_empty());
    let like = q.as_ref().map(|q| {
        format!(
            "%{}%",
            q.to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        )
    });
    let mut found = accounts::search(&db, q.as_deref(), like.as_deref(), limit, offset).await?;
    let more = found.len() > limit as usize;
    found.truncate(limit as usize);
    for a in &mut found {
        for key in ["deleted", "dunning_enabled"] {
            let v = a[key].as_i64().unwrap_or(0) != 0;
            a[key] = Value::Bool(v);
        }
    }
    Ok(json!({
        "accounts": found,
        "limit": limit,
        "offset": offset,
        "next_offset": if more { Some(offset + limit) } else { None },
    }))
}

/// The escalation state and approvals the account's object holds; defaults when it reports
/// none.
async fn escalation_state(
    call: &Call<'_>,
    account_id: &str,
) -> (EscalationState, Vec<nudge_core::approval::Approval>) {
    match AccountClient::new(call.env)
        .ask_part::<_, PolicyState>(&AccountId::from(account_id), StateQuery::default())
        .await
    {
        Ok(s) => (s.state, s.approvals),
        Err(_) => (EscalationState::default(), Vec::new()),
    }
}

/// The account page.
pub async fn detail(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let record = record::load(&db, id, &Want::default()).await?;
    let Some(book) = record.book.as_ref() else {
        return Err(ApiError::Missing(format!("account {id}")));
    };
    let now = crate::clock::now_from(&record.settings, call.config);
    let (meta, queued, mut events) = accounts::page_extras(&db, id).await?;
    for e in &mut events {
        if let Some(text) = e["data"].as_str() {
            e["data"] = serde_json::from_str(text).unwrap_or(Value::Null);
        }
    }
    let queued_ids = &record.extras.queued_payments;
    let overrides = crate::account::evaluate::overrides(&record, id);
    let (state, approvals) = escalation_state(&call, id).await;
    let snapshot = crate::account::evaluate::snapshot(book, approvals, state, overrides);
    // The operator's policy, as the account object evaluates with it (defaults when unset).
    let policy = crate::account::evaluate::policy(&record);
    let decision = crate::json::value(&nudge_policy::evaluate(&snapshot, &policy, now));

    let today = now.with_timezone(&book.account.timezone).date_naive();

    let invoices: Vec<Value> = book
        .invoices
        .iter()
        .map(|i| {
            let mut v = crate::json::value(i);
            v["open_amount"] = json!(i.open_amount().to_string());
            v["days_past_due"] = json!(i.days_past_due(today).max(0));
            v["overdue"] = json!(i.is_overdue(today) && !i.open_amount().is_zero());
            v
        })
        .collect();
    let mut credit = nudge_core::money::Totals::new();
    for p in book
        .payments
        .iter()
        .filter(|p| !p.allocations.is_empty() && !queued_ids.contains(&p.id))
    {
        let left = p.unapplied();
        if left > Decimal::ZERO {
            credit.add(p.currency, left);
        }
    }
    let unapplied: Vec<Value> = queued
        .iter()
        .filter_map(|q| {
            let id = q["id"].as_str()?;
            let p = book.payments.iter().find(|p| p.id == id)?;
            let review: Value = q["suggestions"]
                .as_str()
                .and_then(|s| serde_json::from_str(s).ok())
                .unwrap_or(Value::Null);
            Some(
                json!({"payment_id": id, "amount": p.amount.to_string(), "currency": p.currency,
                        "unapplied": p.unapplied().to_string(), "reference": p.reference,
                        "reason": review["reason"], "suggestions": review["suggestions"]}),
            )
        })
        .collect();
    let aging = aging(&book.invoices, today);
    Ok(json!({
            "account": crate::json::value(&book.account),
            "deleted": book.deleted,
            "reply_token": Some(&record.extras.reply_token).filter(|t| !t.is_empty()),
            "stage": meta.as_ref().and_then(|m| m.stage.clone()),
            "next_action_at": meta.as_ref().and_then(|m| m.next_action_at.clone()),
            "created_at": meta.as_ref().map(|m| m.created_at.clone()),
            "updated_at": meta.as_ref().map(|m| m.updated_at.clone()),
            "as_of": now,
            "contacts": crate::json::value(&book.contacts),
            "invoices": invoices,
            "payments": crate::json::value(&book.payments),
            "credit_notes": crate::json::value(&book.credit_notes),
            "balances": crate::json::value(&balances(&book.invoices)),
            "aging": crate::json::value(&aging),
            "overdue": aging.overdue(),
            "credit_balance": crate::json::value(&credit),
            "unapplied": unapplied,
            "promises": crate::json::value(&book.promises),
            "disputes": crate::json::value(&book.disputes),
            "decision": decision,
            "events": events,
    }))
}

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::Validation(vec![nudge_billing::FieldError::new(field, message)])
}

/// Validates the overrides and switches, and has the account's object store them.
pub async fn put_policy(mut call: Call<'_>, account_id: &str) -> Result<Value, ApiError> {
    let text = crate::http::body::text(&mut call.req).await?;
    let body: Map<String, Value> = serde_json::from_str(&text)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    for key in body.keys() {
        if !matches!(key.as_str(), "overrides" | "shadow_mode" | "dunning") {
            return Err(invalid(
                key,
                "unknown field (expected overrides, shadow_mode, dunning)",
            ));
        }
    }
    let mut cmd = SetPolicy::default();
    if let Some(v) = body.get("overrides") {
        cmd.overrides = if v.is_null() {
            Change::Clear
        } else {
            Change::Set(
                PolicyOverrides::from_json(&v.to_string()).map_err(|e| match e {
                    PolicyError::Invalid { field, problem } => invalid(&field, problem),
                    PolicyError::Json(m) => invalid("overrides", m),
                })?,
            )
        };
    }
    if let Some(v) = body.get("shadow_mode") {
        cmd.shadow_mode = match v {
            Value::Null => Change::Clear,
            Value::Bool(b) => Change::Set(*b),
            _ => return Err(invalid("shadow_mode", "must be true, false or null")),
        };
    }
    if let Some(v) = body.get("dunning") {
        cmd.dunning = Some(
            v.as_bool()
                .ok_or_else(|| invalid("dunning", "must be true or false"))?,
        );
    }
    let set = AccountClient::new(call.env)
        .ask_json(&AccountId::from(account_id), cmd)
        .await?;
    // Times as the rest of the API writes them.
    let updated_at = set["updated_at"]
        .as_str()
        .and_then(|t| params::time("updated_at", t).ok())
        .map(crate::store::ts);
    Ok(json!({
        "account_id": set["account_id"],
        "overrides": set["overrides"],
        "shadow_mode": set["shadow_mode"],
        "dunning": set["dunning"],
        "next_action_at": null,
        "updated_at": updated_at,
    }))
}
