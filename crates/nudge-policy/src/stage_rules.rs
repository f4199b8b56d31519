//! The stage an account's state calls for: from the oldest overdue age along the ladder, moved by
//! payment behaviour (chronic late payers earlier, reliable payers with little overdue gentler),
//! raised by broad exposure, and never below the stage a broken promise paused at.

use nudge_core::sorted_map::SortedMap;

use nudge_core::money::Currency;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::decision::Exposure;
use crate::overrides::PolicyOverrides;
use crate::picture::Picture;
use crate::policy::Policy;
use crate::reason::{Reason, ReasonCode};
use crate::stage::Stage;

/// The stage call and the behaviour judgement that goes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct StageCall {
    pub target: Stage,
    pub chronic: bool,
}

/// Threshold of a ladder step, with the account's override if any.
fn threshold(policy_days: u32, stage: Stage, overrides: Option<&PolicyOverrides>) -> u32 {
    overrides
        .and_then(|o| o.threshold(stage))
        .unwrap_or(policy_days)
}

/// The highest ladder stage whose threshold `days` reaches.
pub(crate) fn stage_for_days(
    policy: &Policy,
    overrides: Option<&PolicyOverrides>,
    days: i64,
) -> Stage {
    let mut stage = Stage::None;
    for step in &policy.ladder {
        if days >= i64::from(threshold(step.min_days_overdue, step.stage, overrides)) {
            stage = stage.max(step.stage);
        }
    }
    stage
}

/// The ladder stage after `s` (the first ladder stage for `None`/`Courtesy`).
pub(crate) fn next_stage(policy: &Policy, s: Stage) -> Option<Stage> {
    policy.ladder.iter().map(|st| st.stage).find(|st| *st > s)
}

/// The ladder stage before `s`, if any.
pub(crate) fn previous_stage(policy: &Policy, s: Stage) -> Option<Stage> {
    policy.ladder.iter().map(|st| st.stage).rfind(|st| *st < s)
}

/// Computes the target stage for the overdue part of the account.
pub(crate) fn target_stage(
    pic: &Picture,
    policy: &Policy,
    overrides: Option<&PolicyOverrides>,
    broken_floor: Option<Stage>,
    reasons: &mut Vec<Reason>,
) -> StageCall {
    let b = &policy.behaviour;
    let m = &pic.metrics;
    let avg_late = m.avg_days_late;
    let chronic = avg_late.is_some_and(|d| d >= i64::from(b.chronic_min_days_late))
        || m.broken_promises >= b.chronic_min_broken_promises;
    let good_payer = !chronic
        && m.broken_promises == 0
        && avg_late.is_some_and(|d| d <= i64::from(b.good_payer_max_days_late));

    let mut days = m.oldest_days_overdue;
    reasons.push(Reason::with_figure(ReasonCode::OldestOverdue, days));
    reasons.push(Reason::with_figure(
        ReasonCode::OverdueInvoices,
        i64::from(m.overdue_invoices),
    ));
    if chronic {
        days += i64::from(b.chronic_shift_days);
        reasons.push(Reason::with_figure(
            ReasonCode::ChronicLatePayer,
            i64::from(b.chronic_shift_days),
        ));
    }
    let mut target = stage_for_days(policy, overrides, days);
    if target == Stage::None {
        reasons.push(Reason::new(ReasonCode::BelowFirstStep));
    }

    // Broad exposure: many overdue invoices making up a large share of the balance, or a large
    // overdue amount in any currency, raises the stage one step (never into review).
    let share = m.overdue_share_percent;
    let many = m.overdue_invoices >= b.many_invoices && share >= b.high_share_percent;
    if target != Stage::None && (many || exceeds_any(&m.exposure, &b.large_exposure)) {
        if let Some(next) = next_stage(policy, target).filter(|s| *s != Stage::Review) {
            target = next;
            let code = if many {
                ReasonCode::ManyOverdueInvoices
            } else {
                ReasonCode::LargeOverdueExposure
            };
            reasons.push(Reason::with_stage(code, next));
        }
    }
    // A reliable payer with little overdue (as a share of the balance, or in absolute terms in
    // every currency) gets no harsh notice.
    if good_payer
        && target > b.gentle_cap
        && (share <= b.small_share_percent || all_within(&m.exposure, &b.small_amount))
    {
        target = b.gentle_cap;
        reasons.push(Reason::with_stage(ReasonCode::GoodPayerSmallAmount, target));
    }
    reasons.push(Reason::with_figure(
        ReasonCode::OverdueShare,
        share.to_i64().unwrap_or(0),
    ));
    // A broken promise resumes at least where it paused.
    if let Some(floor) = broken_floor.filter(|f| *f > target && *f != Stage::Courtesy) {
        target = floor;
        reasons.push(Reason::with_stage(ReasonCode::BrokenPromiseFloor, floor));
    }
    StageCall { target, chronic }
}

/// True when the overdue amount in some currency reaches that currency's threshold.
fn exceeds_any(exposure: &[Exposure], thresholds: &SortedMap<Currency, Decimal>) -> bool {
    !thresholds.is_empty()
        && exposure
            .iter()
            .any(|e| thresholds.get(&e.currency).is_some_and(|t| e.overdue >= *t))
}

/// True when every currency with an overdue amount has a threshold and stays at or under it.
fn all_within(exposure: &[Exposure], thresholds: &SortedMap<Currency, Decimal>) -> bool {
    !thresholds.is_empty()
        && exposure
            .iter()
            .filter(|e| !e.overdue.is_zero())
            .all(|e| thresholds.get(&e.currency).is_some_and(|t| e.overdue <= *t))
}
