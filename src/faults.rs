//! Test-only fault injection, for the e2e proofs that Nudge survives failures (issue 12): a D1
//! batch that fails mid-webhook, a send that fails, an alarm that throws.
//!
//! Armed only by the `FAULTS` var (comma-separated point names, set by the e2e harness with
//! `--var FAULTS:…`) AND only while `TEST_CLOCKS` is on: no request can arm one, and production
//! (where neither var is set) never reads a fault. Each point fails ONCE per account: its use is
//! remembered in the account object's own storage, which survives the failure it causes (a D1
//! rollback, an alarm retry) and a restart of the worker.

use worker::Storage;

/// An injection point, named in `FAULTS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `d1_fail_once:webhook`: the account's next ledger batch (a webhook delivery) ends with a
    /// statement that fails in D1, so the whole batch rolls back and the webhook answers 5xx.
    WebhookD1,
    /// `send_fail_once`: the account's next delivery fails every quick attempt, as if the
    /// `send_email` binding were down; the outbox keeps the message for the next evaluation.
    Send,
    /// `alarm_throw_once`: the account's next alarm evaluation throws after delivering and
    /// before recording the delivery in D1 (the worst moment), so the runtime retries the alarm.
    AlarmThrow,
}

impl Fault {
    /// The name used in `FAULTS` (and in the storage key that records its use).
    pub fn name(self) -> &'static str {
        match self {
            Fault::WebhookD1 => "d1_fail_once:webhook",
            Fault::Send => "send_fail_once",
            Fault::AlarmThrow => "alarm_throw_once",
        }
    }

    const ALL: [Fault; 3] = [Fault::WebhookD1, Fault::Send, Fault::AlarmThrow];
}

/// The armed injection points (none in production).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    armed: Vec<Fault>,
}

impl Faults {
    /// Parses `FAULTS`; empty unless `test_clocks`. Unknown names are ignored.
    pub fn parse(value: &str, test_clocks: bool) -> Self {
        if !test_clocks {
            return Faults::default();
        }
        let armed = value
            .split(',')
            .map(str::trim)
            .filter_map(|name| Fault::ALL.into_iter().find(|f| f.name() == name))
            .collect();
        Faults { armed }
    }

    /// The armed points' names (reported by `/healthz`, so an armed worker is visible).
    pub fn names(&self) -> Vec<&'static str> {
        self.armed.iter().map(|f| f.name()).collect()
    }

    /// Whether `fault` should strike now: true the first time only for this account object
    /// (the use is stored before the caller fails, so the retry goes through).
    pub async fn strike(&self, storage: &Storage, fault: Fault) -> worker::Result<bool> {
        if !self.armed.contains(&fault) {
            return Ok(false);
        }
        let key = format!("fault_used:{}", fault.name());
        if crate::storage::has(storage, &key).await? {
            return Ok(false);
        }
        crate::storage::put_text(storage, &key, "1").await?;
        crate::logging::info("fault.injected", serde_json::json!({"fault": fault.name()}));
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_are_armed_only_with_test_clocks_and_only_by_known_names() {
        let f = Faults::parse(" send_fail_once, nonsense,alarm_throw_once", true);
        assert_eq!(f.names(), vec!["send_fail_once", "alarm_throw_once"]);
        assert_eq!(
            Faults::parse("send_fail_once,d1_fail_once:webhook", false),
            Faults::default()
        );
        assert!(Faults::parse("", true).names().is_empty());
    }
}
