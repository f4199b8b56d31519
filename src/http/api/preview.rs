//! What Nudge would do, with no side effects: `GET /api/accounts/{id}/preview?days=N` and
//! `GET /api/preview?days=N` (the accounts due within the window, soonest first, at most
//! `limit`), each the policy's simulation (`nudge_policy::preview`) of the next N days under the
//! current policy and calendar — to whom, when (UTC and the account's local time), what and
//! why — assuming nobody pays, replies or decides meanwhile; and `GET /api/worklist`: the
//! accounts that need a person, ranked per currency by value at risk, with the reasons.

use chrono::{DateTime, Duration, Utc};
use nudge_core::approval::Approval;
use nudge_policy::{AccountSnapshot, EscalationState, Policy};
use serde_json::{json, Value};

use super::{params, Call};
use crate::account::{evaluate, AccountClient, PolicyState, StateQuery};
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::record::{self, Want};
use crate::store::{accounts, ts, Db};

/// Most days a preview looks ahead.
const MAX_DAYS: i64 = 90;

fn days(call: &Call<'_>) -> Result<i64, ApiError> {
    match params::query(&call.req, "days")? {
        None => Ok(14),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=MAX_DAYS).contains(d))
            .ok_or_else(|| {
                ApiError::Validation(vec![nudge_billing::FieldError::new(
                    "days",
                    format!("must be an integer from 0 to {MAX_DAYS}"),
                )])
            }),
    }
}

/// The account as the policy sees it now: its record from D1 and its object's state. `None`
/// for an unknown account.
async fn snapshot(
    call: &Call<'_>,
    db: &Db,
    id: &str,
) -> Result<Option<(AccountSnapshot, Policy, DateTime<Utc>)>, ApiError> {
    let record = record::load(db, id, &Want::default()).await?;
    let Some(book) = record.book.as_ref() else {
        return Ok(None);
    };
    let now = crate::clock::now_from(&record.settings, call.config);
    let (state, approvals): (EscalationState, Vec<Approval>) = match AccountClient::new(call.env)
        .ask_part::<_, PolicyState>(&AccountId::from(id), StateQuery::default())
        .await
    {
        Ok(s) => (s.state, s.approvals),
        Err(_) => (EscalationState::default(), record.extras.approvals.clone()),
    };
    let mut state = state;
    state.out_of_office_until = state
        .out_of_office_until
        .max(record.extras.out_of_office_until);
    let snap = evaluate::snapshot(book, approvals, state, evaluate::overrides(&record, id));
    Ok(Some((snap, evaluate::policy(&record), now)))
}

fn one(snap: &AccountSnapshot, policy: &Policy, now: DateTime<Utc>, days: i64) -> Value {
    let p = nudge_policy::preview(snap, policy, now, now + Duration::days(days));
    json!({"account_id": snap.account.id, "account_name": snap.account.name,
           "from": ts(now), "until": ts(now + Duration::days(days)), "preview": p})
}

/// One account's next N days.
pub async fn account(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let days = days(&call)?;
    let db = Db::from_env(call.env)?;
    let Some((snap, policy, now)) = snapshot(&call, &db, id).await? else {
        return Err(ApiError::Missing(format!("account {id}")));
    };
    Ok(one(&snap, &policy, now, days))
}

/// Every account due within the window.
pub async fn all(call: Call<'_>) -> Result<Value, ApiError> {
    let days = days(&call)?;
    let limit = params::limit(&call.req)?;
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    let ids = accounts::due_by(&db, &ts(now + Duration::days(days)), limit).await?;
    let mut out = Vec::new();
    for id in &ids {
        if let Some((snap, policy, now)) = snapshot(&call, &db, id).await? {
            let v = one(&snap, &policy, now, days);
            if v["preview"]["outcome"] == "planned" {
                out.push(v);
            }
        }
    }
    Ok(
        json!({"from": ts(now), "until": ts(now + Duration::days(days)), "accounts": out,
              "looked_at": ids.len()}),
    )
}

/// The accounts that need a person, by value at risk.
pub async fn worklist(call: Call<'_>) -> Result<Value, ApiError> {
    let limit = params::limit(&call.req)?;
    let db = Db::from_env(call.env)?;
    let candidates = accounts::needing_attention(&db, limit).await?;
    let mut items = Vec::new();
    for (id, tasks) in &candidates {
        if let Some((snap, policy, now)) = snapshot(&call, &db, id).await? {
            let decision = nudge_policy::evaluate(&snap, &policy, now);
            let kinds: Vec<&str> = tasks.iter().map(String::as_str).collect();
            if let Some(item) =
                nudge_policy::worklist::assess(&snap, &decision, &policy, now, &kinds)
            {
                items.push(item);
            }
        }
    }
    Ok(crate::json::value(&nudge_policy::worklist::rank(&items)))
}
