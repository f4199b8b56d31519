//! Per-account exceptions to the policy, set by an operator on one account.

use serde::{Deserialize, Serialize};

use crate::policy::{invalid_field, PolicyError};
use crate::stage::{Stage, Tone};

/// A stage threshold replaced for one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageDays {
    pub stage: Stage,
    pub min_days_overdue: u32,
}

/// Per-account overrides. Every field is optional; absent means "as the policy says".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyOverrides {
    /// Minimum gap between touches, business days (replaces the policy's and the strategic one).
    pub min_gap_business_days: Option<u32>,
    /// Highest stage emailed; beyond it the owner gets a task. Applies to any account.
    pub cap: Option<Stage>,
    /// Ladder thresholds replaced for this account.
    pub thresholds: Vec<StageDays>,
    /// The harshest tone allowed for this account.
    pub tone: Option<Tone>,
    /// "No dunning": never write to this account.
    pub dunning_off: bool,
    /// Invoices a collector paused: never named, never counted towards the stage, until resumed.
    pub paused_invoices: Vec<String>,
}

impl PolicyOverrides {
    /// Checks values serde cannot.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.min_gap_business_days == Some(0) {
            return Err(invalid_field(
                "overrides.min_gap_business_days",
                "must be at least 1",
            ));
        }
        if matches!(self.cap, Some(Stage::None | Stage::Review)) {
            return Err(invalid_field("overrides.cap", "must be an email stage"));
        }
        for (i, t) in self.thresholds.iter().enumerate() {
            if matches!(t.stage, Stage::None | Stage::Courtesy) {
                return Err(invalid_field(
                    format!("overrides.thresholds[{i}].stage"),
                    "must be a ladder stage",
                ));
            }
        }
        Ok(())
    }

    /// Parses and validates overrides.
    pub fn from_json(json: &str) -> Result<Self, PolicyError> {
        let o: PolicyOverrides =
            nudge_core::json_path::from_str(json).map_err(PolicyError::from)?;
        o.validate()?;
        Ok(o)
    }

    /// The overridden threshold for `stage`, if any.
    pub fn threshold(&self, stage: Stage) -> Option<u32> {
        self.thresholds
            .iter()
            .find(|t| t.stage == stage)
            .map(|t| t.min_days_overdue)
    }
}
