//! Approvals: final escalations (agency referral, credit hold, payment plan, legal notice) are
//! proposed by the policy and carried out only once a person approves them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an approval request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Rejected,
    /// The account settled (or the proposal was superseded) before anyone decided.
    Withdrawn,
}

/// A proposed action waiting for (or given) a person's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub id: String,
    pub account_id: String,
    /// What is proposed, snake_case (`agency_referral`, `credit_hold`, `payment_plan`,
    /// `legal_notice`).
    pub kind: String,
    /// The policy decision's step key that proposed it (links the approval to the audit log).
    pub step_key: String,
    pub invoice_ids: Vec<String>,
    pub requested_at: DateTime<Utc>,
    pub status: ApprovalStatus,
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided (an operator's email).
    pub decided_by: Option<String>,
    pub note: Option<String>,
}

/// Why a decision on an approval was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApprovalError {
    #[error("approval `{id}` is already {status:?}; only pending approvals can be decided")]
    AlreadyDecided { id: String, status: ApprovalStatus },
    #[error("an approval decision must be approved, rejected or withdrawn, not pending")]
    NotADecision,
}

impl Approval {
    /// Records a person's decision. Decisions are final: a decided approval cannot change again.
    pub fn decide(
        &mut self,
        status: ApprovalStatus,
        by: impl Into<String>,
        at: DateTime<Utc>,
    ) -> Result<(), ApprovalError> {
        if status == ApprovalStatus::Pending {
            return Err(ApprovalError::NotADecision);
        }
        if self.status != ApprovalStatus::Pending {
            return Err(ApprovalError::AlreadyDecided {
                id: self.id.clone(),
                status: self.status,
            });
        }
        self.status = status;
        self.decided_by = Some(by.into());
        self.decided_at = Some(at);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::at;

    #[test]
    fn decisions_are_final() {
        let mut a = Approval {
            id: "apr_1".into(),
            account_id: "acc_1".into(),
            kind: "credit_hold".into(),
            step_key: "review:4".into(),
            invoice_ids: vec!["in_1".into()],
            requested_at: at(2026, 11, 30, 9),
            status: ApprovalStatus::Pending,
            decided_at: None,
            decided_by: None,
            note: None,
        };
        assert_eq!(
            a.decide(ApprovalStatus::Pending, "ops@us.test", at(2026, 11, 30, 10)),
            Err(ApprovalError::NotADecision)
        );
        a.decide(
            ApprovalStatus::Approved,
            "ops@us.test",
            at(2026, 11, 30, 10),
        )
        .unwrap();
        assert_eq!(a.decided_by.as_deref(), Some("ops@us.test"));
        assert!(a
            .decide(ApprovalStatus::Rejected, "x@us.test", at(2026, 11, 30, 11))
            .is_err());
        let json = serde_json::to_value(&a).unwrap();
        assert_eq!(json["status"], "approved");
    }
}
