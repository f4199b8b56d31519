//! The escalation policy as data: the ladder, cadence, send window, behaviour thresholds,
//! strategic-account rules and optional late-payment charges. Loaded from JSON and validated with
//! errors that name the offending field; every field has a sensible default, so `{}` is a policy.

use nudge_core::sorted_map::SortedMap;

use chrono::NaiveTime;
use nudge_core::calendar::BusinessCalendar;
use nudge_core::money::Currency;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::stage::{Stage, Tone};

/// Why a policy was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// The JSON did not parse or had a field of the wrong type or an unknown field (the message
    /// names it, with line and column).
    #[error("policy JSON is invalid: {0}")]
    Json(String),
    /// A field parsed but its value makes no sense.
    #[error("policy field `{field}` {problem}")]
    Invalid { field: String, problem: String },
}

/// A value of the wrong type is `Invalid` at its path; anything else (bad syntax, an unknown or
/// missing field, reported at the enclosing object) is `Json`.
impl From<nudge_core::json_path::PathError> for PolicyError {
    fn from(e: nudge_core::json_path::PathError) -> Self {
        if e.path.is_empty() {
            PolicyError::Json(e.message)
        } else {
            PolicyError::Invalid {
                field: e.path,
                problem: e.message,
            }
        }
    }
}

/// A [`PolicyError::Invalid`] for `field`.
pub(crate) fn invalid_field(field: impl Into<String>, problem: impl Into<String>) -> PolicyError {
    invalid(field, problem)
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        field: field.into(),
        problem: problem.into(),
    }
}

/// One rung of the ladder: from how many days past due (of the oldest overdue invoice) the stage
/// applies, and its tone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// The stage this rung sets.
    pub stage: Stage,
    /// Days past due (of the oldest overdue invoice) from which it applies.
    pub min_days_overdue: u32,
    /// The voice of its emails.
    pub tone: Tone,
}

/// Heads-up before a large invoice falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Courtesy {
    /// Whether courtesy notices are sent at all.
    pub enabled: bool,
    /// How many days before the due date the notice may go out.
    pub days_before_due: u32,
    /// Smallest invoice total that earns a courtesy notice, per currency; invoices in currencies
    /// not listed never get one (amounts are never converted).
    pub min_amount: SortedMap<Currency, Decimal>,
    /// The voice of the notice.
    pub tone: Tone,
}

impl Default for Courtesy {
    fn default() -> Self {
        Courtesy {
            enabled: true,
            days_before_due: 3,
            min_amount: [
                (Currency::EUR, Decimal::from(5_000)),
                (Currency::USD, Decimal::from(5_000)),
                (Currency::GBP, Decimal::from(5_000)),
                (Currency::JPY, Decimal::from(750_000)),
                (Currency::SEK, Decimal::from(50_000)),
            ]
            .into_iter()
            .collect(),
            tone: Tone::Friendly,
        }
    }
}

/// How often an account may be touched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cadence {
    /// Minimum gap between two touches (emails, tasks, approvals), in business days.
    pub min_gap_business_days: u32,
    /// Emails sent at the same stage before waiting for the state to change.
    pub max_touches_per_stage: u32,
}

impl Default for Cadence {
    fn default() -> Self {
        Cadence {
            min_gap_business_days: 5,
            max_touches_per_stage: 2,
        }
    }
}

/// Local time of day (in the account's timezone, on business days) when emails may go out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SendWindow {
    /// Local time the window opens (inclusive).
    pub start: NaiveTime,
    /// Local time the window closes (exclusive).
    pub end: NaiveTime,
}

impl Default for SendWindow {
    fn default() -> Self {
        SendWindow {
            start: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or(NaiveTime::MIN),
            end: NaiveTime::from_hms_opt(17, 0, 0).unwrap_or(NaiveTime::MIN),
        }
    }
}

/// How payment behaviour moves the stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behaviour {
    /// Paid invoices and broken promises older than this are forgotten.
    pub lookback_days: u32,
    /// Average days late at or under which an account with a payment history is a good payer.
    pub good_payer_max_days_late: u32,
    /// Average days late from which an account is a chronic late payer.
    pub chronic_min_days_late: u32,
    /// Broken promises (within the lookback) from which an account is a chronic late payer.
    pub chronic_min_broken_promises: u32,
    /// Chronic payers are treated as this many days further overdue (contacted earlier).
    pub chronic_shift_days: u32,
    /// A good payer whose overdue share of the open balance is at most this (percent) gets no
    /// stage above `gentle_cap`.
    pub small_share_percent: Decimal,
    /// …or whose overdue amount is at most this in every currency it owes in (absolute "small").
    pub small_amount: SortedMap<Currency, Decimal>,
    /// The highest stage for such reliable payers.
    pub gentle_cap: Stage,
    /// Overdue invoices and overdue share (percent) from which the stage goes up one step.
    pub many_invoices: u32,
    /// See `many_invoices`.
    pub high_share_percent: Decimal,
    /// An overdue amount from which the stage goes up one step, per currency (empty = never).
    pub large_exposure: SortedMap<Currency, Decimal>,
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour {
            lookback_days: 365,
            good_payer_max_days_late: 5,
            chronic_min_days_late: 20,
            chronic_min_broken_promises: 2,
            chronic_shift_days: 7,
            small_share_percent: Decimal::from(20),
            small_amount: [
                (Currency::EUR, Decimal::from(100)),
                (Currency::USD, Decimal::from(100)),
                (Currency::GBP, Decimal::from(100)),
                (Currency::JPY, Decimal::from(15_000)),
                (Currency::SEK, Decimal::from(1_000)),
            ]
            .into_iter()
            .collect(),
            gentle_cap: Stage::Friendly,
            many_invoices: 3,
            high_share_percent: Decimal::from(50),
            large_exposure: [
                (Currency::EUR, Decimal::from(50_000)),
                (Currency::USD, Decimal::from(50_000)),
                (Currency::GBP, Decimal::from(50_000)),
                (Currency::JPY, Decimal::from(7_500_000)),
                (Currency::SEK, Decimal::from(500_000)),
            ]
            .into_iter()
            .collect(),
        }
    }
}

/// Strategic accounts: softer tone, slower cadence, capped stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Strategic {
    /// Highest stage emailed; beyond it the owner gets a task instead.
    pub cap: Stage,
    /// Their minimum gap between touches, business days.
    pub min_gap_business_days: u32,
}

impl Default for Strategic {
    fn default() -> Self {
        Strategic {
            cap: Stage::Firm,
            min_gap_business_days: 10,
        }
    }
}

/// Promise rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Promises {
    /// Business days after the promised date during which payment still keeps the promise.
    pub grace_business_days: u32,
}

impl Default for Promises {
    fn default() -> Self {
        Promises {
            grace_business_days: 2,
        }
    }
}

/// Dispute rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Disputes {
    /// Business days a rejected dispute's invoices rest before dunning resumes.
    pub rejected_grace_business_days: u32,
}

impl Default for Disputes {
    fn default() -> Self {
        Disputes {
            rejected_grace_business_days: 5,
        }
    }
}

/// How the proposed action at human review is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    /// An account invoiced within this many days is still trading: propose a credit hold.
    pub trading_recent_days: u32,
    /// Overdue exposure (per currency) from which a legal notice is proposed; empty = never.
    pub legal_notice_min: SortedMap<Currency, Decimal>,
    /// Partly paying accounts with at least this many overdue invoices get a payment plan.
    pub payment_plan_min_invoices: u32,
}

impl Default for Review {
    fn default() -> Self {
        Review {
            trading_recent_days: 90,
            legal_notice_min: SortedMap::new(),
            payment_plan_min_invoices: 3,
        }
    }
}

/// Statutory-style late-payment charges, quoted (never booked) from a stage on. Off by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LateCharges {
    /// Off by default: charges are a business and legal choice.
    pub enabled: bool,
    /// Reference rate (e.g. the central bank's), percent per year.
    pub reference_rate_percent: Decimal,
    /// Margin over the reference rate, percent per year.
    pub margin_percent: Decimal,
    /// Fixed compensation per overdue invoice, per currency (e.g. EUR 40).
    pub fixed_compensation: SortedMap<Currency, Decimal>,
    /// Charges are quoted in emails at this stage and later.
    pub from_stage: Stage,
    /// Days in the interest year (365 or 360).
    pub day_count: u32,
}

impl Default for LateCharges {
    fn default() -> Self {
        LateCharges {
            enabled: false,
            reference_rate_percent: Decimal::ZERO,
            margin_percent: Decimal::from(8),
            fixed_compensation: [(Currency::EUR, Decimal::from(40))].into_iter().collect(),
            from_stage: Stage::Final,
            day_count: 365,
        }
    }
}

/// The whole escalation policy. `Policy::default()` is the recommended starting point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Stages after due, in order, with strictly increasing day thresholds. `review`, if
    /// present, must be last.
    pub ladder: Vec<Step>,
    /// Heads-up before large invoices fall due.
    pub courtesy: Courtesy,
    /// Minimum gaps and repeats.
    pub cadence: Cadence,
    /// When emails may go out, in the account's local time.
    pub send_window: SendWindow,
    /// Working days and holidays for gaps, graces and windows.
    pub calendar: BusinessCalendar,
    /// How payment behaviour and exposure move the stage.
    pub behaviour: Behaviour,
    /// Softer, slower, capped handling of strategic accounts.
    pub strategic: Strategic,
    /// Promise grace period.
    pub promises: Promises,
    /// Rejected-dispute grace period.
    pub disputes: Disputes,
    /// Choice of the proposed action at human review.
    pub review: Review,
    /// Optional late-payment charges.
    pub late_charges: LateCharges,
    /// Longest wait before the next evaluation, in hours, even when nothing is due to change.
    pub max_sleep_hours: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            ladder: vec![
                Step {
                    stage: Stage::Friendly,
                    min_days_overdue: 3,
                    tone: Tone::Friendly,
                },
                Step {
                    stage: Stage::Firm,
                    min_days_overdue: 15,
                    tone: Tone::Firm,
                },
                Step {
                    stage: Stage::Final,
                    min_days_overdue: 30,
                    tone: Tone::Formal,
                },
                Step {
                    stage: Stage::Review,
                    min_days_overdue: 45,
                    tone: Tone::Formal,
                },
            ],
            courtesy: Courtesy::default(),
            cadence: Cadence::default(),
            send_window: SendWindow::default(),
            calendar: BusinessCalendar::default(),
            behaviour: Behaviour::default(),
            strategic: Strategic::default(),
            promises: Promises::default(),
            disputes: Disputes::default(),
            review: Review::default(),
            late_charges: LateCharges::default(),
            max_sleep_hours: 24,
        }
    }
}

impl Policy {
    /// Parses and validates a policy. Missing fields take their defaults.
    pub fn from_json(json: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = nudge_core::json_path::from_str(json).map_err(PolicyError::from)?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks the values serde cannot: ordering, ranges, non-empty ladder.
    pub fn validate(&self) -> Result<(), PolicyError> {
        validate_ladder("ladder", &self.ladder)?;
        if self.cadence.min_gap_business_days == 0 {
            return Err(invalid(
                "cadence.min_gap_business_days",
                "must be at least 1 (two touches on the same day are never allowed)",
            ));
        }
        if self.cadence.max_touches_per_stage == 0 {
            return Err(invalid(
                "cadence.max_touches_per_stage",
                "must be at least 1",
            ));
        }
        if self.strategic.min_gap_business_days == 0 {
            return Err(invalid(
                "strategic.min_gap_business_days",
                "must be at least 1",
            ));
        }
        if self.send_window.start >= self.send_window.end {
            return Err(invalid(
                "send_window",
                "start must be before end (same local day)",
            ));
        }
        if matches!(self.strategic.cap, Stage::None | Stage::Review) {
            return Err(invalid(
                "strategic.cap",
                "must be an email stage (courtesy, friendly, firm or final)",
            ));
        }
        if matches!(self.behaviour.gentle_cap, Stage::None | Stage::Review) {
            return Err(invalid("behaviour.gentle_cap", "must be an email stage"));
        }
        for (field, v) in [
            (
                "behaviour.small_share_percent",
                self.behaviour.small_share_percent,
            ),
            (
                "behaviour.high_share_percent",
                self.behaviour.high_share_percent,
            ),
        ] {
            if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                return Err(invalid(field, "must be a percentage between 0 and 100"));
            }
        }
        if self.max_sleep_hours == 0 {
            return Err(invalid("max_sleep_hours", "must be at least 1"));
        }
        let lc = &self.late_charges;
        if lc.reference_rate_percent < Decimal::ZERO || lc.margin_percent < Decimal::ZERO {
            return Err(invalid("late_charges", "rates must not be negative"));
        }
        if lc.day_count != 360 && lc.day_count != 365 {
            return Err(invalid("late_charges.day_count", "must be 360 or 365"));
        }
        if matches!(lc.from_stage, Stage::None | Stage::Review) {
            return Err(invalid("late_charges.from_stage", "must be an email stage"));
        }
        for (field, map) in [
            ("courtesy.min_amount", &self.courtesy.min_amount),
            ("review.legal_notice_min", &self.review.legal_notice_min),
            ("behaviour.small_amount", &self.behaviour.small_amount),
            ("behaviour.large_exposure", &self.behaviour.large_exposure),
            ("late_charges.fixed_compensation", &lc.fixed_compensation),
        ] {
            if let Some((c, _)) = map.iter().find(|(_, v)| **v < Decimal::ZERO) {
                return Err(invalid(format!("{field}.{c}"), "must not be negative"));
            }
        }
        Ok(())
    }

    /// The ladder step for `stage`, if the ladder has it.
    pub fn step(&self, stage: Stage) -> Option<&Step> {
        self.ladder.iter().find(|s| s.stage == stage)
    }
}

/// Checks a ladder: non-empty, only after-due stages, strictly increasing, review last.
pub(crate) fn validate_ladder(field: &str, ladder: &[Step]) -> Result<(), PolicyError> {
    if ladder.is_empty() {
        return Err(invalid(field, "must have at least one step"));
    }
    let mut prev: Option<&Step> = None;
    for (i, step) in ladder.iter().enumerate() {
        if matches!(step.stage, Stage::None | Stage::Courtesy) {
            return Err(invalid(
                format!("{field}[{i}].stage"),
                "must be friendly, firm, final or review (courtesy is configured under `courtesy`)",
            ));
        }
        if let Some(p) = prev {
            if step.stage <= p.stage {
                return Err(invalid(
                    format!("{field}[{i}].stage"),
                    format!("`{}` must come after `{}`", step.stage, p.stage),
                ));
            }
            if step.min_days_overdue <= p.min_days_overdue {
                return Err(invalid(
                    format!("{field}[{i}].min_days_overdue"),
                    format!(
                        "must be greater than the previous step's {}",
                        p.min_days_overdue
                    ),
                ));
            }
        }
        prev = Some(step);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_valid_and_round_trips() {
        let p = Policy::default();
        p.validate().unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(Policy::from_json(&json).unwrap(), p);
        assert_eq!(Policy::from_json("{}").unwrap(), p);
    }

    #[test]
    fn partial_json_overrides_only_what_it_names() {
        let p = Policy::from_json(
            r#"{"cadence": {"min_gap_business_days": 3}, "send_window": {"start": "08:30:00", "end": "18:00:00"},
                "late_charges": {"enabled": true, "reference_rate_percent": "3.15"}}"#,
        )
        .unwrap();
        assert_eq!(p.cadence.min_gap_business_days, 3);
        assert_eq!(p.cadence.max_touches_per_stage, 2);
        assert!(p.late_charges.enabled);
        assert_eq!(p.late_charges.margin_percent, Decimal::from(8));
    }

    fn field_of(json: &str) -> String {
        match Policy::from_json(json) {
            Err(PolicyError::Invalid { field, .. }) => field,
            other => panic!("expected an invalid field, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        assert_eq!(
            field_of(r#"{"cadence": {"min_gap_business_days": 0}}"#),
            "cadence.min_gap_business_days"
        );
        assert_eq!(field_of(r#"{"ladder": []}"#), "ladder");
        assert_eq!(
            field_of(
                r#"{"ladder": [{"stage": "firm", "min_days_overdue": 10, "tone": "firm"},
                                    {"stage": "friendly", "min_days_overdue": 20, "tone": "friendly"}]}"#
            ),
            "ladder[1].stage"
        );
        assert_eq!(
            field_of(
                r#"{"ladder": [{"stage": "friendly", "min_days_overdue": 10, "tone": "firm"},
                                    {"stage": "firm", "min_days_overdue": 10, "tone": "firm"}]}"#
            ),
            "ladder[1].min_days_overdue"
        );
        assert_eq!(
            field_of(r#"{"send_window": {"start": "17:00:00", "end": "09:00:00"}}"#),
            "send_window"
        );
        assert_eq!(
            field_of(r#"{"strategic": {"cap": "review"}}"#),
            "strategic.cap"
        );
        assert_eq!(
            field_of(r#"{"late_charges": {"day_count": 100}}"#),
            "late_charges.day_count"
        );
        assert_eq!(
            field_of(r#"{"courtesy": {"min_amount": {"EUR": "-1"}}}"#),
            "courtesy.min_amount.EUR"
        );
        let unknown = Policy::from_json(r#"{"cadense": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("cadense"), "{unknown}");
        let wrong_type =
            Policy::from_json(r#"{"cadence": {"min_gap_business_days": "five"}}"#).unwrap_err();
        assert!(
            matches!(&wrong_type, PolicyError::Invalid { field, .. } if field == "cadence.min_gap_business_days"),
            "{wrong_type}"
        );
        assert!(Policy::from_json(r#"{"courtesy": {"min_amount": {"EURO": "1"}}}"#).is_err());
    }
}
