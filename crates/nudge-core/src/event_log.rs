//! The append-only event log: every change to an account's ledger or escalation state, with the
//! cause that produced it. It is the audit trail the dashboard shows and operators trust, so it
//! can only grow: entries are never edited or removed, and time never runs backwards in it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Why an event was refused by the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventLogError {
    #[error("event kind `{0}` is not snake_case (lower-case letters, digits and `_`, starting with a letter)")]
    InvalidKind(String),
    #[error("event cause is empty: every change must say why it happened")]
    MissingCause,
    #[error("event at {at} is earlier than the last logged event at {last}")]
    OutOfOrder {
        at: DateTime<Utc>,
        last: DateTime<Utc>,
    },
}

/// One entry: what happened (`kind`, e.g. `payment_applied`), when, why (`cause`, e.g.
/// `stripe:evt_123` or `operator:jane@acme.test`) and the details as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LedgerEvent {
    pub at: DateTime<Utc>,
    /// snake_case name of the change.
    pub kind: String,
    /// What caused it: a webhook event id, an operator, a policy decision's step key.
    pub cause: String,
    pub data: serde_json::Value,
}

impl LedgerEvent {
    /// A checked event: `kind` must be snake_case and `cause` non-empty.
    pub fn new(
        at: DateTime<Utc>,
        kind: impl Into<String>,
        cause: impl Into<String>,
        data: serde_json::Value,
    ) -> Result<Self, EventLogError> {
        let event = LedgerEvent {
            at,
            kind: kind.into(),
            cause: cause.into(),
            data,
        };
        event.validate()?;
        Ok(event)
    }

    /// Checks the kind and cause (used for events read back from storage, too).
    pub fn validate(&self) -> Result<(), EventLogError> {
        if !is_snake_case(&self.kind) {
            return Err(EventLogError::InvalidKind(self.kind.clone()));
        }
        if self.cause.trim().is_empty() {
            return Err(EventLogError::MissingCause);
        }
        Ok(())
    }
}

fn is_snake_case(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !s.ends_with('_')
        && !s.contains("__")
}

/// An append-only sequence of [`LedgerEvent`]s in time order. There is deliberately no way to
/// remove or edit an entry; serde round-trips it as a plain JSON array (and re-checks it on load).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct EventLog(Vec<LedgerEvent>);

impl EventLog {
    pub fn new() -> Self {
        EventLog(Vec::new())
    }

    /// Appends `event`, refusing invalid events and events older than the last one (equal times
    /// are fine: one cause often produces several changes at once).
    pub fn append(&mut self, event: LedgerEvent) -> Result<(), EventLogError> {
        event.validate()?;
        if let Some(last) = self.0.last() {
            if event.at < last.at {
                return Err(EventLogError::OutOfOrder {
                    at: event.at,
                    last: last.at,
                });
            }
        }
        self.0.push(event);
        Ok(())
    }

    pub fn events(&self) -> &[LedgerEvent] {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Events since `t` (inclusive), e.g. for incremental sync to the dashboard.
    pub fn since(&self, t: DateTime<Utc>) -> &[LedgerEvent] {
        let start = self.0.partition_point(|e| e.at < t);
        self.0.get(start..).unwrap_or(&[])
    }
}

impl<'de> Deserialize<'de> for EventLog {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let events = Vec::<LedgerEvent>::deserialize(d)?;
        let mut log = EventLog(Vec::with_capacity(events.len()));
        for e in events {
            log.append(e).map_err(serde::de::Error::custom)?;
        }
        Ok(log)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 30, h, 0, 0).unwrap()
    }

    #[test]
    fn appends_in_order_and_refuses_going_back_in_time() {
        let mut log = EventLog::new();
        let e1 = LedgerEvent::new(
            t(9),
            "invoice_opened",
            "stripe:evt_1",
            serde_json::json!({}),
        )
        .unwrap();
        let e2 = LedgerEvent::new(
            t(10),
            "payment_applied",
            "stripe:evt_2",
            serde_json::json!({"amount": "10.00"}),
        )
        .unwrap();
        log.append(e1.clone()).unwrap();
        log.append(e2.clone()).unwrap();
        log.append(e2.clone()).unwrap();
        assert_eq!(log.len(), 3);
        assert_eq!(
            log.append(e1),
            Err(EventLogError::OutOfOrder {
                at: t(9),
                last: t(10)
            })
        );
        assert_eq!(log.since(t(10)).len(), 2);
        assert_eq!(log.since(t(11)).len(), 0);
    }

    #[test]
    fn kinds_must_be_snake_case_and_causes_present() {
        assert!(LedgerEvent::new(t(9), "PaymentApplied", "x", serde_json::Value::Null).is_err());
        assert!(LedgerEvent::new(t(9), "payment applied", "x", serde_json::Value::Null).is_err());
        assert!(LedgerEvent::new(t(9), "_x", "x", serde_json::Value::Null).is_err());
        assert_eq!(
            LedgerEvent::new(t(9), "payment_applied", " ", serde_json::Value::Null),
            Err(EventLogError::MissingCause)
        );
        assert!(LedgerEvent::new(t(9), "stage_2_sent", "policy", serde_json::Value::Null).is_ok());
    }

    #[test]
    fn serde_round_trips_and_rechecks_order() {
        let mut log = EventLog::new();
        log.append(LedgerEvent::new(t(9), "a", "c", serde_json::json!(1)).unwrap())
            .unwrap();
        log.append(LedgerEvent::new(t(10), "b", "c", serde_json::json!(2)).unwrap())
            .unwrap();
        let json = serde_json::to_string(&log).unwrap();
        assert_eq!(serde_json::from_str::<EventLog>(&json).unwrap(), log);
        let swapped = format!(
            "[{},{}]",
            serde_json::to_string(&log.events()[1]).unwrap(),
            serde_json::to_string(&log.events()[0]).unwrap()
        );
        assert!(serde_json::from_str::<EventLog>(&swapped).is_err());
    }
}
