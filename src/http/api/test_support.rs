//! Test-only routes (they answer only with `TEST_CLOCKS` on, which production keeps off):
//! `POST /api/sweeps/seed` stores whole account books, so sweeps can be tested and benchmarked
//! apart from the webhooks; `GET /api/test/book/{id}` reads one back with its extras.

use nudge_core::ledger::AccountBook;
use serde::Deserialize;
use serde_json::{json, Value};

use super::Call;
use crate::http::error::ApiError;
use crate::store::record::{self, Want};
use crate::store::{bulk, Db};

/// One account to seed.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedAccount {
    book: AccountBook,
    #[serde(default)]
    shadow_mode: Option<bool>,
    #[serde(default)]
    overrides: Option<Value>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedBody {
    #[serde(default)]
    accounts: Vec<SeedAccount>,
}

/// Stores the books (validating each account's overrides first).
pub async fn seed(mut call: Call<'_>) -> Result<Value, ApiError> {
    if !call.config.test_clocks {
        return Err(ApiError::BadRequest("seeding needs TEST_CLOCKS on".into()));
    }
    // Read like the stored books it writes (JSON.parse + serde_wasm_bindgen, see js_json):
    // a test-only route, so no second deserialiser for every ledger type.
    let text = crate::http::body::text(&mut call.req).await?;
    let b: SeedBody = crate::js_json::parse(&text)
        .map_err(|e| ApiError::BadRequest(format!("invalid JSON body: {e}")))?;
    let db = Db::from_env(call.env)?;
    let now = crate::clock::now(&db, call.config).await;
    let secret = call
        .config
        .admin_token
        .clone()
        .unwrap_or_else(|| "nudge-test".into());
    let mut seeds = Vec::new();
    for (i, a) in b.accounts.into_iter().enumerate() {
        if let Some(o) = &a.overrides {
            nudge_policy::PolicyOverrides::from_json(&o.to_string())
                .map_err(|e| ApiError::BadRequest(format!("accounts[{i}].overrides: {e}")))?;
        }
        let token = nudge_outbound::reply_token(&a.book.account.id, secret.as_bytes());
        seeds.push((
            a.book,
            token,
            a.shadow_mode,
            a.overrides.as_ref().map(Value::to_string),
        ));
    }
    bulk::seed(&db, &seeds, now).await?;
    let ids: Vec<&String> = seeds.iter().map(|s| &s.0.account.id).collect();
    Ok(json!({ "seeded": ids.len(), "account_ids": ids }))
}

/// The account's book with its reply token and out-of-office date.
pub async fn book(call: Call<'_>, id: &str) -> Result<Value, ApiError> {
    let db = Db::from_env(call.env)?;
    let record = record::load(&db, id, &Want::default()).await?;
    let book = record
        .book
        .ok_or_else(|| ApiError::Missing(format!("account {id}")))?;
    Ok(json!({
        "account": book.account, "deleted": book.deleted,
        "reply_token": record.extras.reply_token,
        "out_of_office_until": record.extras.out_of_office_until,
        "contacts": book.contacts, "invoices": book.invoices, "payments": book.payments,
        "promises": book.promises, "disputes": book.disputes,
    }))
}
