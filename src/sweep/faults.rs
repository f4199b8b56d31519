//! Test-only faults of the queue consumer, so that the e2e suite can show retries, the
//! dead-letter queue and idempotent redelivery. Active only with `TEST_CLOCKS` on (never in
//! production) and a `TEST_QUEUE_FAULTS` var: comma-separated `kind:account_id:n` entries.
//!
//! - `lose_ack:<account>:<n>`: the message holding the account is evaluated, then handed back
//!   for redelivery as if the consumer had died before acknowledging it — its first `n`
//!   deliveries;
//! - `fail:<account>:<n>`: the account's evaluation fails (its object is not called) on the
//!   first `n` deliveries of its message, so the message is retried, and dead-lettered once
//!   `n` passes `max_retries`.
//!
//! Deliveries are counted in D1 (`settings`, one row per fault), since a message's redelivery
//! may reach another isolate.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use worker::Env;

use crate::config::Config;
use crate::store::{settings, Db};

/// What a fault does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    LoseAck,
    Fail,
}

/// One configured fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: Kind,
    pub account_id: String,
    pub times: i64,
}

/// The faults of one message delivery.
#[derive(Debug, Default)]
pub struct Effects {
    /// Hand the message back after evaluating it.
    pub lose_ack: bool,
    /// Accounts whose evaluation fails.
    pub failing: HashSet<String>,
}

/// Parses `TEST_QUEUE_FAULTS`; bad entries are ignored (test-only).
pub fn parse(spec: &str) -> Vec<Fault> {
    spec.split(',')
        .filter_map(|entry| {
            let entry = entry.trim();
            let (kind, rest) = entry.split_once(':')?;
            let (account, times) = rest.rsplit_once(':')?;
            let kind = match kind {
                "lose_ack" => Kind::LoseAck,
                "fail" => Kind::Fail,
                _ => return None,
            };
            Some(Fault {
                kind,
                account_id: account.to_string(),
                times: times.parse().ok()?,
            })
        })
        .filter(|f| !f.account_id.is_empty())
        .collect()
}

/// The configured faults (none without `TEST_CLOCKS`).
pub fn from_env(env: &Env, config: &Config) -> Vec<Fault> {
    if !config.test_clocks {
        return Vec::new();
    }
    env.var("TEST_QUEUE_FAULTS")
        .map(|v| parse(&v.to_string()))
        .unwrap_or_default()
}

/// The effects of the faults on one delivery of a message holding `account_ids` (counting the
/// delivery for each fault that names one of them).
pub async fn effects(
    db: &Db,
    faults: &[Fault],
    account_ids: &[String],
    now: DateTime<Utc>,
) -> Effects {
    let mut fx = Effects::default();
    for f in faults {
        if !account_ids.contains(&f.account_id) {
            continue;
        }
        let kind = match f.kind {
            Kind::LoseAck => "lose_ack",
            Kind::Fail => "fail",
        };
        let key = format!("test_queue_fault:{kind}:{}", f.account_id);
        // A counter that cannot be read counts as the first delivery (test-only).
        let delivery = settings::bump(db, &key, now).await.unwrap_or(1);
        if delivery <= f.times {
            match f.kind {
                Kind::LoseAck => fx.lose_ack = true,
                Kind::Fail => {
                    fx.failing.insert(f.account_id.clone());
                }
            }
        }
    }
    fx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_name_a_kind_an_account_with_colons_and_a_count() {
        let f = parse("lose_ack:erp:A1:1, fail:erp:B:2:4,bogus:x:1,fail:y:z");
        assert_eq!(
            f,
            vec![
                Fault {
                    kind: Kind::LoseAck,
                    account_id: "erp:A1".into(),
                    times: 1
                },
                Fault {
                    kind: Kind::Fail,
                    account_id: "erp:B:2".into(),
                    times: 4
                },
            ]
        );
        assert!(parse("").is_empty());
    }
}
