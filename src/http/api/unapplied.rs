//! The unapplied-cash queue: `GET /api/unapplied` (payments waiting for a person, with the
//! matcher's reason and suggestions) and `POST /api/unapplied/{payment_id}/apply`
//! (`{"allocations": [{"invoice_id", "amount"}], "operator"}`, validated with a 422 per bad
//! field, applied by the account's object).

use std::str::FromStr;

use nudge_billing::FieldError;
use nudge_core::ledger::Allocation;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use super::{params, Call};
use crate::account::{AccountClient, ApplyPayment};
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::{accounts, Db};

/// Payments waiting for a person, oldest first.
pub async fn list(call: Call<'_>) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let limit = params::limit(&call.req)?;
    let mut payments = accounts::unapplied(&db, limit).await?;
    for p in &mut payments {
        let review: Value = p["suggestions"]
            .as_str()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or(Value::Null);
        p["reason"] = review["reason"].clone();
        p["suggestions"] = review["suggestions"].clone();
    }
    Ok(json!({"payments": payments}))
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

/// A person's allocation of a queued payment.
pub async fn apply(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let text = crate::http::body::text(&mut call.req).await?;
    let body: Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::BadRequest(format!("body is not JSON: {e}")))?;
    let (allocations, operator) = parse_allocations(&body)?;
    let db = Db::from_env(call.env)?;
    let Some(account_id) = accounts::account_of_payment(&db, id).await? else {
        return Err(ApiError::Missing(format!("payment {id}")));
    };
    let applied = AccountClient::new(call.env)
        .ask_json(
            &AccountId::from(account_id),
            ApplyPayment {
                payment_id: id.to_string(),
                allocations,
                operator,
            },
        )
        .await?;
    Ok(json!({
        "ok": true,
        "payment": applied["payment"],
        "unapplied": applied["unapplied"],
        "invoices": applied["invoices"],
    }))
}
