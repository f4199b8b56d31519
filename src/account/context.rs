//! What every command handler of an account object works with.

use worker::{Env, State};

use crate::config::Config;
use crate::ids::AccountId;
use crate::store::Db;

/// The account object's view of the world for one command: its storage, the environment, D1
/// (with this command's round-trip counter), the configuration and the account's id. The time
/// is read with the account's record (the test clock is a setting), see `clock::now_from`.
pub struct AccountCtx<'a> {
    pub state: &'a State,
    pub env: &'a Env,
    pub db: Db,
    pub config: Config,
    pub account_id: AccountId,
}

impl<'a> AccountCtx<'a> {
    pub fn new(state: &'a State, env: &'a Env, account_id: AccountId) -> worker::Result<Self> {
        Ok(AccountCtx {
            state,
            env,
            db: Db::from_env(env)?,
            config: Config::from_env(env),
            account_id,
        })
    }
}
