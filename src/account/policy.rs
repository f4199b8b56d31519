//! `Command::SetPolicy`: a person changes the account's policy overrides, its shadow switch or
//! stops and resumes its dunning. Applies at the next evaluation (the account is due again).

use super::{AccountCtx, AccountError, Change, PolicySet, SetPolicy};
use crate::clock;
use crate::store::record::{self, Want};

/// Merges the change into the stored overrides and switches and writes them.
pub async fn handle(ctx: &AccountCtx<'_>, cmd: SetPolicy) -> Result<PolicySet, AccountError> {
    let db = &ctx.db;
    let record = record::load(db, ctx.account_id.as_str(), &Want::default()).await?;
    if record.book.is_none() {
        return Err(AccountError::NotFound(format!(
            "account {}",
            ctx.account_id
        )));
    }
    let now = clock::now_from(&record.settings, &ctx.config);
    let mut overrides = super::evaluate::overrides(&record, ctx.account_id.as_str());
    match cmd.overrides {
        Change::Keep => {}
        Change::Clear => overrides = None,
        Change::Set(o) => overrides = Some(o),
    }
    let mut shadow = record.extras.shadow_mode;
    match cmd.shadow_mode {
        Change::Keep => {}
        Change::Clear => shadow = None,
        Change::Set(s) => shadow = Some(s),
    }
    if let Some(on) = cmd.dunning {
        overrides.get_or_insert_with(Default::default).dunning_off = !on;
    }
    let overrides_json = overrides
        .as_ref()
        .map(|o| serde_json::to_string(o).unwrap_or_default());
    db.run(crate::store::accounts::set_policy(
        db,
        ctx.account_id.as_str(),
        overrides_json.as_deref(),
        shadow,
    )?)
    .await?;
    Ok(PolicySet {
        account_id: ctx.account_id.clone(),
        dunning: !overrides.as_ref().is_some_and(|o| o.dunning_off),
        overrides,
        shadow_mode: shadow,
        updated_at: now,
    })
}
