//! The collector's actions on one account, each carried out by the account's object:
//! - `POST /api/accounts/{id}/promises` `{"promised_date", "amount"?, "currency"?, "invoice_ids"?, "note"?, "by"?}`
//! - `POST /api/accounts/{id}/disputes/{dispute_id}/resolve` `{"outcome": "credited"|"rejected"|"withdrawn", "note"?, "by"?}`
//! - `POST /api/accounts/{id}/pause` and `/resume` (all dunning of the account)
//! - `POST /api/accounts/{id}/invoices/{invoice_id}/pause` and `/resume` (one invoice)
//! - `POST /api/accounts/{id}/notes` `{"text", "by"?}`
//! - `PUT /api/accounts/{id}/owner` `{"strategic"?, "owner"? (null clears), "by"?}`
//! - `POST /api/accounts/{id}/contacts` `{"email", "name"?, "role"?, "preferred"?, "by"?}` (adds or changes)
//! - `POST /api/accounts/{id}/contacts/{email}/deactivate` `{"by"?}`
//! - `POST /api/accounts/{id}/chase` `{"by"?}`: evaluate now and act if the policy says so
//!
//! Bad input is a 422 naming the field, and changes nothing.

use chrono::NaiveDate;
use nudge_billing::operator::{DisputeOutcome, OperatorAction, OwnerChange};
use nudge_core::ledger::ContactRole;
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::{params, Call};
use crate::account::{AccountClient, Act, CollectorAction, SetPolicy};
use crate::http::error::ApiError;
use crate::ids::AccountId;

fn by(b: Option<String>) -> String {
    b.map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "operator".into())
}

async fn act(
    call: &Call<'_>,
    id: &str,
    action: CollectorAction,
    who: String,
) -> Result<Value, ApiError> {
    AccountClient::new(call.env)
        .ask_json(&AccountId::from(id), Act { action, by: who })
        .await
        .map_err(Into::into)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PromiseBody {
    promised_date: NaiveDate,
    #[serde(default)]
    amount: Option<Decimal>,
    #[serde(default)]
    currency: Option<Currency>,
    #[serde(default)]
    invoice_ids: Vec<String>,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    by: Option<String>,
}

/// A promise taken on a call.
pub async fn promise(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let b: PromiseBody = params::typed(&mut call.req).await?;
    let action = OperatorAction::RecordPromise {
        promised_date: b.promised_date,
        amount: b.amount,
        currency: b.currency,
        invoice_ids: b.invoice_ids,
        note: b.note,
    };
    act(&call, id, CollectorAction::Book(action), by(b.by)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolveBody {
    outcome: DisputeOutcome,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    by: Option<String>,
}

/// Resolves or withdraws a dispute: its invoices return to dunning or leave it.
pub async fn resolve_dispute(
    mut call: Call<'_>,
    id: &str,
    dispute_id: &str,
) -> Result<Value, ApiError> {
    let b: ResolveBody = params::typed(&mut call.req).await?;
    let action = OperatorAction::ResolveDispute {
        dispute_id: dispute_id.to_string(),
        outcome: b.outcome,
        note: b.note,
    };
    act(&call, id, CollectorAction::Book(action), by(b.by)).await
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ByBody {
    #[serde(default)]
    by: Option<String>,
}

/// Stops (`pause = true`) or resumes all dunning of the account.
pub async fn pause_account(mut call: Call<'_>, id: &str, pause: bool) -> Result<Value, ApiError> {
    let _: ByBody = params::body(&mut call.req).await?;
    AccountClient::new(call.env)
        .ask_json(
            &AccountId::from(id),
            SetPolicy {
                dunning: Some(!pause),
                ..SetPolicy::default()
            },
        )
        .await
        .map_err(Into::into)
}

/// Stops or resumes dunning of one invoice.
pub async fn pause_invoice(
    mut call: Call<'_>,
    id: &str,
    invoice_id: &str,
    pause: bool,
) -> Result<Value, ApiError> {
    let b: ByBody = params::body(&mut call.req).await?;
    let invoice_id = invoice_id.to_string();
    let action = if pause {
        CollectorAction::PauseInvoice { invoice_id }
    } else {
        CollectorAction::ResumeInvoice { invoice_id }
    };
    act(&call, id, action, by(b.by)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteBody {
    text: String,
    #[serde(default)]
    by: Option<String>,
}

/// A note on the account's timeline.
pub async fn note(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let b: NoteBody = params::typed(&mut call.req).await?;
    act(
        &call,
        id,
        CollectorAction::Book(OperatorAction::Note { text: b.text }),
        by(b.by),
    )
    .await
}

/// `null` and absent differ for the owner: `null` clears it.
fn some_or_null<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OwnerBody {
    #[serde(default)]
    strategic: Option<bool>,
    #[serde(default, deserialize_with = "some_or_null")]
    owner: Option<Option<String>>,
    #[serde(default)]
    by: Option<String>,
}

/// Marks the account strategic and sets its owner.
pub async fn owner(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let b: OwnerBody = params::typed(&mut call.req).await?;
    let action = OperatorAction::SetOwner {
        strategic: b.strategic,
        owner: b.owner.map(|o| match o {
            Some(owner) => OwnerChange::Set(owner),
            None => OwnerChange::Clear,
        }),
    };
    act(&call, id, CollectorAction::Book(action), by(b.by)).await
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ContactBody {
    email: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    role: Option<ContactRole>,
    #[serde(default)]
    preferred: Option<bool>,
    #[serde(default)]
    by: Option<String>,
}

/// Adds a contact or changes the one with this address.
pub async fn upsert_contact(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let b: ContactBody = params::typed(&mut call.req).await?;
    let action = OperatorAction::UpsertContact {
        email: b.email,
        name: b.name,
        role: b.role,
        preferred: b.preferred,
    };
    act(&call, id, CollectorAction::Book(action), by(b.by)).await
}

/// Nudge stops writing to the contact.
pub async fn deactivate_contact(
    mut call: Call<'_>,
    id: &str,
    email: &str,
) -> Result<Value, ApiError> {
    let b: ByBody = params::body(&mut call.req).await?;
    let action = OperatorAction::DeactivateContact {
        email: email.to_string(),
    };
    act(&call, id, CollectorAction::Book(action), by(b.by)).await
}

/// Evaluates now and acts if the policy says so.
pub async fn chase(mut call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let b: ByBody = params::body(&mut call.req).await?;
    act(&call, id, CollectorAction::ChaseNow, by(b.by)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_owner_of_null_clears_and_an_absent_owner_keeps() {
        let parse = |s: &str| nudge_core::json_path::from_str::<OwnerBody>(s).unwrap();
        assert_eq!(parse(r#"{"owner": null}"#).owner, Some(None));
        assert_eq!(parse(r#"{"strategic": true}"#).owner, None);
        assert_eq!(parse(r#"{"owner": "kim"}"#).owner, Some(Some("kim".into())));
    }
}
