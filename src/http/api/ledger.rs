//! The ledger API (issue 4): `GET /api/accounts?q=`, `GET /api/accounts/{id}`,
//! `GET /api/unapplied`, `POST /api/unapplied/{id}/apply`, `POST /api/import`.

use std::str::FromStr;

use nudge_billing::FieldError;
use nudge_core::ledger::{aging, balances, Allocation};
use nudge_policy::{EscalationState, Policy, PolicyOverrides};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{D1Database, Env, Method, Request};

use crate::account::{client, ApplyPaymentCommand, Command};
use crate::config::Config;
use crate::http::error::ApiError;
use crate::store::{book, bulk, stmt, P};

/// Dispatches the ledger routes.
pub async fn route(
    method: Method,
    segments: &[&str],
    req: Request,
    env: &Env,
    config: &Config,
) -> Result<(u16, Value), ApiError> {
    match (method.clone(), segments) {
        (Method::Get, ["accounts"]) => list_accounts(&req, env).await,
        (Method::Get, ["accounts", id]) => account_detail(id, env, config).await,
        (Method::Put, ["accounts", id, "policy"]) => {
            let mut req = req;
            super::account_policy::put(id, &mut req, env, config)
                .await
                .map(|v| (200, v))
        }
        (Method::Get, ["unapplied"]) => list_unapplied(&req, env).await,
        (Method::Post, ["unapplied", id, "apply"]) => apply_unapplied(id, req, env).await,
        (Method::Post, ["import"]) => import(req, env, config).await,
        _ => Err(crate::http::not_found(&method, &req.path())),
    }
}

fn query_param(req: &Request, name: &str) -> Result<Option<String>, ApiError> {
    let url = req.url()?;
    Ok(url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned()))
}

fn offset(req: &Request) -> Result<u32, ApiError> {
    match query_param(req, "offset")? {
        None => Ok(0),
        Some(v) => v
            .parse::<u32>()
            .map_err(|_| ApiError::BadRequest("offset: must be a non-negative integer".into())),
    }
}

fn rows(result: worker::D1Result) -> Result<Vec<Value>, ApiError> {
    Ok(result.results::<Value>()?)
}

async fn list_accounts(req: &Request, env: &Env) -> Result<(u16, Value), ApiError> {
    let db = env.d1("DB")?;
    let limit = super::limit(req)?;
    let offset = offset(req)?;
    let q = query_param(req, "q")?
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
    let result = stmt(
        &db,
        "SELECT a.id, a.name, a.stripe_id, a.erp_id, a.deleted, a.dunning_enabled, a.stage,
                a.next_action_at, a.updated_at,
                (SELECT COUNT(*) FROM invoices i WHERE i.account_id = a.id AND i.status = 'open') AS open_invoices
         FROM accounts a
         WHERE ?1 IS NULL
            OR lower(a.name) LIKE ?2 ESCAPE '\\'
            OR lower(a.id) LIKE ?2 ESCAPE '\\'
            OR a.stripe_id = ?1 OR a.erp_id = ?1
            OR a.id IN (SELECT c.account_id FROM contacts c WHERE c.email LIKE ?2 ESCAPE '\\')
         ORDER BY a.name COLLATE NOCASE, a.id
         LIMIT ?3 OFFSET ?4",
        &[
            q.clone().into(),
            like.into(),
            P::Int(i64::from(limit) + 1),
            P::Int(i64::from(offset)),
        ],
    )?
    .all()
    .await?;
    let mut accounts = rows(result)?;
    let more = accounts.len() > limit as usize;
    accounts.truncate(limit as usize);
    for a in &mut accounts {
        for key in ["deleted", "dunning_enabled"] {
            let v = a[key].as_i64().unwrap_or(0) != 0;
            a[key] = Value::Bool(v);
        }
    }
    Ok((
        200,
        json!({
            "accounts": accounts,
            "limit": limit,
            "offset": offset,
            "next_offset": if more { Some(offset + limit) } else { None },
        }),
    ))
}

#[derive(Deserialize)]
struct AccountMeta {
    overrides: Option<String>,
    stage: Option<String>,
    next_action_at: Option<String>,
    reply_token: String,
    created_at: String,
    updated_at: String,
}

/// The escalation state (and approvals, when it reports them) the account's object holds;
/// defaults when it reports none.
async fn escalation_state(
    env: &Env,
    account_id: &str,
) -> (EscalationState, Vec<nudge_core::approval::Approval>) {
    match client::send(env, account_id, Command::State).await {
        Ok(v) => (
            serde_json::from_value(v["state"].clone())
                .or_else(|_| serde_json::from_value(v["escalation"].clone()))
                .unwrap_or_default(),
            serde_json::from_value(v["approvals"].clone()).unwrap_or_default(),
        ),
        Err(_) => (EscalationState::default(), Vec::new()),
    }
}

async fn account_detail(id: &str, env: &Env, config: &Config) -> Result<(u16, Value), ApiError> {
    let db = env.d1("DB")?;
    let Some(book) = book::load(&db, id).await? else {
        return Err(ApiError::NotFound {
            method: "GET".into(),
            path: format!("/api/accounts/{id}"),
        });
    };
    let now = crate::clock::now(&db, config).await;
    let mut results = crate::store::batch(
        &db,
        vec![
            stmt(
                &db,
                "SELECT overrides, stage, next_action_at, reply_token, created_at, updated_at FROM accounts WHERE id = ?1",
                &[id.into()],
            )?,
            stmt(
                &db,
                "SELECT id, suggestions FROM payments WHERE account_id = ?1 AND status != 'applied' AND suggestions IS NOT NULL ORDER BY received_on, id",
                &[id.into()],
            )?,
            stmt(
                &db,
                "SELECT seq, at, kind, cause, data FROM ledger_events WHERE account_id = ?1 ORDER BY seq DESC LIMIT 50",
                &[id.into()],
            )?,
        ],
    )
    .await?;
    let meta: Option<AccountMeta> = results.next()?.results::<AccountMeta>()?.into_iter().next();
    let queued = rows(results.next()?)?;
    let mut events = rows(results.next()?)?;
    for e in &mut events {
        if let Some(text) = e["data"].as_str() {
            e["data"] = serde_json::from_str(text).unwrap_or(Value::Null);
        }
    }
    let queued_ids: Vec<String> = queued
        .iter()
        .filter_map(|q| q["id"].as_str().map(String::from))
        .collect();
    let overrides: Option<PolicyOverrides> = meta
        .as_ref()
        .and_then(|m| m.overrides.as_deref())
        .and_then(|o| serde_json::from_str(o).ok());

    let today = now.with_timezone(&book.account.timezone).date_naive();
    let (state, approvals) = escalation_state(env, id).await;
    let snapshot = crate::account::evaluate::snapshot(&book, approvals, state, overrides);
    // The operator's policy, as the account object evaluates with it (defaults when unset).
    let policy = crate::store::settings::get(&db, crate::account::evaluate::POLICY_KEY)
        .await?
        .and_then(|json| Policy::from_json(&json).ok())
        .unwrap_or_default();
    let decision = serde_json::to_value(nudge_policy::evaluate(&snapshot, &policy, now))
        .unwrap_or(Value::Null);

    let invoices: Vec<Value> = book
        .invoices
        .iter()
        .map(|i| {
            let mut v = serde_json::to_value(i).unwrap_or(Value::Null);
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
    Ok((
        200,
        json!({
            "account": book.account,
            "deleted": book.deleted,
            "reply_token": meta.as_ref().map(|m| m.reply_token.clone()),
            "stage": meta.as_ref().and_then(|m| m.stage.clone()),
            "next_action_at": meta.as_ref().and_then(|m| m.next_action_at.clone()),
            "created_at": meta.as_ref().map(|m| m.created_at.clone()),
            "updated_at": meta.as_ref().map(|m| m.updated_at.clone()),
            "as_of": now,
            "contacts": book.contacts,
            "invoices": invoices,
            "payments": book.payments,
            "credit_notes": book.credit_notes,
            "balances": balances(&book.invoices),
            "aging": aging,
            "overdue": aging.overdue(),
            "credit_balance": credit,
            "unapplied": unapplied,
            "promises": book.promises,
            "disputes": book.disputes,
            "decision": decision,
            "events": events,
        }),
    ))
}

async fn list_unapplied(req: &Request, env: &Env) -> Result<(u16, Value), ApiError> {
    let db = env.d1("DB")?;
    let limit = super::limit(req)?;
    let result = stmt(
        &db,
        "SELECT p.id, p.account_id, a.name AS account_name, p.amount, p.currency, p.received_on,
                p.reference, p.unapplied, p.status, p.suggestions
         FROM payments p LEFT JOIN accounts a ON a.id = p.account_id
         WHERE p.status != 'applied' AND p.suggestions IS NOT NULL
         ORDER BY p.received_on, p.id LIMIT ?1",
        &[P::Int(i64::from(limit))],
    )?
    .all()
    .await?;
    let mut payments = rows(result)?;
    for p in &mut payments {
        let review: Value = p["suggestions"]
            .as_str()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null);
        p["reason"] = review["reason"].clone();
        p["suggestions"] = review["suggestions"].clone();
    }
    Ok((200, json!({"payments": payments})))
}

/// Reads `{"allocations": [{"invoice_id", "amount"}], "operator"?}`, naming every bad field.
fn parse_allocations(body: &Value) -> Result<(Vec<Allocation>, String), ApiError> {
    let mut errors = Vec::new();
    let mut allocations = Vec::new();
    match body.get("allocations") {
        Some(Value::Array(items)) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                let invoice_id = item["invoice_id"]
                    .as_str()
                    .map(str::trim)
                    .unwrap_or_default();
                if invoice_id.is_empty() {
                    errors.push(FieldError::new(
                        format!("allocations[{i}].invoice_id"),
                        "required: the invoice id (e.g. `erp:I-1`)",
                    ));
                }
                let amount = match &item["amount"] {
                    Value::String(s) => Decimal::from_str(s.trim()).ok(),
                    Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
                    _ => None,
                };
                match amount {
                    Some(a) if a > Decimal::ZERO => {
                        if !invoice_id.is_empty() {
                            allocations.push(Allocation {
                                invoice_id: invoice_id.to_string(),
                                amount: a,
                            })
                        }
                    }
                    Some(_) => errors.push(FieldError::new(
                        format!("allocations[{i}].amount"),
                        "must be greater than 0",
                    )),
                    None => errors.push(FieldError::new(
                        format!("allocations[{i}].amount"),
                        "required: a decimal amount such as \"120.50\"",
                    )),
                }
            }
        }
        _ => errors.push(FieldError::new(
            "allocations",
            "required: a non-empty array of {invoice_id, amount}",
        )),
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let operator = body["operator"].as_str().unwrap_or("admin").to_string();
    Ok((allocations, operator))
}

async fn apply_unapplied(id: &str, mut req: Request, env: &Env) -> Result<(u16, Value), ApiError> {
    let body: Value = req
        .json()
        .await
        .map_err(|e| ApiError::BadRequest(format!("body is not JSON: {e}")))?;
    let (allocations, operator) = parse_allocations(&body)?;
    let db = env.d1("DB")?;
    #[derive(Deserialize)]
    struct Row {
        account_id: String,
    }
    let row: Option<Row> = stmt(
        &db,
        "SELECT account_id FROM payments WHERE id = ?1",
        &[id.into()],
    )?
    .first(None)
    .await?;
    let Some(row) = row else {
        return Err(ApiError::NotFound {
            method: "POST".into(),
            path: format!("/api/unapplied/{id}/apply"),
        });
    };
    let answer = client::send(
        env,
        &row.account_id,
        Command::ApplyPayment(ApplyPaymentCommand {
            payment_id: id.to_string(),
            allocations,
            operator,
        }),
    )
    .await?;
    if answer["ok"] != true {
        let errors: Vec<FieldError> =
            serde_json::from_value(answer["errors"].clone()).unwrap_or_default();
        return Err(ApiError::Validation(errors));
    }
    Ok((200, answer))
}

async fn import(mut req: Request, env: &Env, config: &Config) -> Result<(u16, Value), ApiError> {
    let format = query_param(&req, "format")?;
    let content_type = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let text = req
        .text()
        .await
        .map_err(|e| ApiError::BadRequest(format!("unreadable body: {e}")))?;
    if text.trim().is_empty() {
        return Err(ApiError::BadRequest("body: empty import".into()));
    }
    let ndjson = match format.as_deref() {
        Some("csv") => false,
        Some("ndjson" | "jsonl") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "format: `{other}` is not csv or ndjson"
            )))
        }
        None if content_type.contains("ndjson") || content_type.contains("jsonl") => true,
        None if content_type.contains("csv") => false,
        None => text.trim_start().starts_with('{'),
    };
    let db: D1Database = env.d1("DB")?;
    let now = crate::clock::now(&db, config).await;
    let batch = if ndjson {
        nudge_billing::import::parse_ndjson(&text, now)
    } else {
        nudge_billing::import::parse_csv(&text, now)
    };
    drop(text);
    let written = bulk::write_import(&db, env, batch.changes, now).await?;
    crate::logging::info(
        "import.done",
        json!({"rows": batch.summary.rows, "invoices": batch.summary.invoices,
               "rejected_rows": batch.summary.rejected_rows, "written": written}),
    );
    Ok((
        200,
        json!({"format": if ndjson { "ndjson" } else { "csv" }, "summary": batch.summary,
               "written": written, "errors": batch.errors}),
    ))
}
