//! Settle, then act. A ledger or inbound change does not evaluate the account at once: it
//! (re-)arms the object's alarm a settle delay ahead (`SETTLE_SECONDS`), so a delivery of many
//! events — or a burst of deliveries, an ERP bulk sync — is evaluated once, on the whole
//! account. The debounce is capped at [`MAX_SETTLE_FACTOR`] delays after the first unsettled
//! change, so a steady stream cannot postpone the evaluation for ever.
//!
//! One alarm serves both timers: the settle time and the policy's next evaluation (the latter
//! armed only without test clocks, whose simulated time is not wall time; the settle timer is
//! always real, because settling is about wall time between deliveries).

use chrono::{DateTime, Duration, Utc};

use super::escalation::{self, Memory};
use super::{evaluate, AccountCtx, AccountError, EvaluateCommand, Evaluation, Trigger};
use crate::clock;

/// The debounce never postpones beyond this many settle delays after the first change.
pub const MAX_SETTLE_FACTOR: i32 = 5;

fn delay(ctx: &AccountCtx<'_>) -> Duration {
    Duration::seconds(ctx.config.settle_seconds)
}

/// The time the object's alarm should fire at: the settle timer, or the next evaluation.
pub fn alarm_time(memory: &Memory, test_clocks: bool) -> Option<DateTime<Utc>> {
    let next = memory.alarm_at.filter(|_| !test_clocks);
    match (memory.settle_at, next) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Arms (or clears) the runtime alarm for `memory`.
pub async fn arm_alarm(ctx: &AccountCtx<'_>, memory: &Memory) -> Result<(), AccountError> {
    let storage = ctx.state.storage();
    match alarm_time(memory, ctx.config.test_clocks) {
        // A `DateTime`, never an `i64`: workers-rs reads an integer as an offset from now.
        Some(t) => storage.set_alarm(t).await?,
        None => storage.delete_alarm().await?,
    }
    Ok(())
}

/// Records a change made at application time `changed_at` and pushes the settle timer out.
/// Returns when the account will be evaluated.
pub async fn changed(
    ctx: &AccountCtx<'_>,
    changed_at: DateTime<Utc>,
) -> Result<DateTime<Utc>, AccountError> {
    let storage = ctx.state.storage();
    let mut memory = escalation::load(&storage).await?;
    let wall = clock::wall();
    let since = memory.settling_since.unwrap_or(wall);
    let settle_at = (wall + delay(ctx)).min(since + delay(ctx) * MAX_SETTLE_FACTOR);
    memory.settle_at = Some(settle_at);
    memory.settling_since = Some(since);
    memory.changed_at = Some(changed_at);
    escalation::save(&storage, &memory).await?;
    arm_alarm(ctx, &memory).await?;
    Ok(settle_at)
}

/// Whether changes are still settling at application time `now` (a sweep then leaves the
/// account to its settle alarm rather than act on a half-applied delivery).
pub fn is_settling(memory: &Memory, now: DateTime<Utc>, settle_seconds: i64) -> bool {
    memory.settle_at.is_some()
        && memory
            .changed_at
            .is_some_and(|c| now < c + Duration::seconds(settle_seconds))
}

/// Clears the settle timer (the account has just been evaluated whole).
pub fn settled(memory: &mut Memory) {
    memory.settle_at = None;
    memory.settling_since = None;
}

/// The alarm fired: evaluate the settled account, or carry out the policy's next evaluation.
/// Woken early (a timer moved), it only re-arms.
pub async fn on_alarm(ctx: &AccountCtx<'_>) -> Result<Option<Evaluation>, AccountError> {
    let storage = ctx.state.storage();
    let memory = escalation::load(&storage).await?;
    // The runtime may fire a little early; a second's slack avoids a needless re-arm.
    let wall = clock::wall() + Duration::seconds(1);
    let trigger = if memory.settle_at.is_some_and(|t| t <= wall) {
        Trigger::Settled
    } else if !ctx.config.test_clocks && memory.alarm_at.is_some_and(|t| t <= wall) {
        Trigger::Alarm
    } else {
        arm_alarm(ctx, &memory).await?;
        return Ok(None);
    };
    let evaluation = evaluate::handle(
        ctx,
        EvaluateCommand {
            as_of: None,
            trigger,
        },
    )
    .await?;
    Ok(Some(evaluation))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_alarm_is_the_sooner_of_settle_and_next_evaluation_without_test_clocks() {
        let memory = Memory {
            settle_at: Some(t("2026-03-02T10:01:00Z")),
            alarm_at: Some(t("2026-03-02T10:00:30Z")),
            ..Memory::default()
        };
        assert_eq!(alarm_time(&memory, false), memory.alarm_at);
        // Simulated next evaluations are never armed; the settle timer always is.
        assert_eq!(alarm_time(&memory, true), memory.settle_at);
        assert_eq!(alarm_time(&Memory::default(), false), None);
    }

    #[test]
    fn an_account_settles_a_delay_after_its_last_change() {
        let memory = Memory {
            settle_at: Some(t("2026-03-02T10:01:00Z")),
            changed_at: Some(t("2026-03-02T10:00:00Z")),
            ..Memory::default()
        };
        assert!(is_settling(&memory, t("2026-03-02T10:00:59Z"), 60));
        assert!(!is_settling(&memory, t("2026-03-02T10:01:00Z"), 60));
        assert!(!is_settling(
            &Memory::default(),
            t("2026-03-02T10:00:00Z"),
            60
        ));
    }
}
