//! What every command handler of an account object works with.

use chrono::{DateTime, Utc};
use worker::{D1Database, Env, State};

use crate::config::Config;

/// The account object's view of the world for one command: its storage, the environment, D1,
/// the configuration and the time the command runs at.
pub struct AccountCtx<'a> {
    pub state: &'a State,
    pub env: &'a Env,
    pub db: D1Database,
    pub config: Config,
    pub account_id: String,
    /// Wall-clock now, or the test clock when `TEST_CLOCKS` is on and set.
    pub now: DateTime<Utc>,
}

impl<'a> AccountCtx<'a> {
    pub async fn new(state: &'a State, env: &'a Env, account_id: String) -> worker::Result<Self> {
        let config = Config::from_env(env);
        let db = env.d1("DB")?;
        let now = crate::clock::now(&db, &config).await;
        Ok(AccountCtx {
            state,
            env,
            db,
            config,
            account_id,
            now,
        })
    }
}
