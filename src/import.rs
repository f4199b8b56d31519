//! The initial load (`POST /api/import`): accounts that do not exist yet are written in bulk,
//! bypassing their Durable Objects — there is no state to serialise against (nothing has
//! happened to them), and sending 10,000 invoices one object call at a time would not fit a
//! request's budget. Every new account is due at once (`next_action_at = now`). Accounts that
//! already exist go through their object as an ordinary ledger delivery (source `import`), so
//! imported snapshots are merged with what webhooks recorded, never overwrite it. Re-running the
//! same import is safe: the accounts then exist and are merged through the objects.

use chrono::{DateTime, Utc};
use nudge_billing::apply::{self, Applied, Stamps};
use nudge_billing::LedgerChange;
use nudge_core::sorted_map::SortedMap;
use serde_json::{json, Value};
use worker::Env;

use crate::account::{new_reply_token, AccountClient, LedgerBatch, LedgerEvent, Source};
use crate::http::error::ApiError;
use crate::ids::AccountId;
use crate::store::{bulk, Db};

/// Writes an import's changes; returns counts of what was written and how.
pub async fn write(
    db: &Db,
    env: &Env,
    changes: Vec<LedgerChange>,
    now: DateTime<Utc>,
) -> Result<Value, ApiError> {
    let import_id = crate::ids::new_id("import", now);
    let cause = format!("import:{import_id}");
    let mut by_account: SortedMap<String, Vec<LedgerChange>> = SortedMap::new();
    for change in changes {
        if let Some(account) = change.account_ref() {
            by_account
                .entry(account.to_string())
                .or_default()
                .push(change);
        }
    }
    let ids: Vec<&String> = by_account.keys().collect();
    let existing = bulk::existing_accounts(db, &ids).await?;

    let mut books = Vec::new();
    let mut merged = Vec::new();
    for (account_id, changes) in &by_account {
        if existing.contains(account_id) {
            merged.push(account_id.clone());
            continue;
        }
        let mut book = apply::new_book(account_id, changes);
        let mut stamps = Stamps::default();
        let mut applied = Applied::default();
        for change in changes {
            apply::apply(&mut book, &mut stamps, change, &cause, now, &mut applied);
        }
        books.push(book);
    }
    // Tokens first: a failing random source refuses the import before anything is written.
    let tokens = books
        .iter()
        .map(|_| new_reply_token())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let written = bulk::insert_new(db, &books, &tokens, &cause, now).await?;

    // Existing accounts: merged by their objects like any ledger delivery.
    let client = AccountClient::new(env);
    for account_id in &merged {
        let changes = by_account.remove(account_id).unwrap_or_default();
        client
            .ask_json(
                &AccountId::from(account_id.as_str()),
                LedgerBatch {
                    source: Source::Import,
                    events: vec![LedgerEvent {
                        event_id: format!("{import_id}:{account_id}"),
                        event_type: "import".into(),
                        changes,
                    }],
                },
            )
            .await?;
    }
    Ok(json!({
        "import_id": import_id,
        "new_accounts": books.len(),
        "existing_accounts": merged.len(),
        "statements": written.statements,
        "batches": written.batches,
    }))
}
