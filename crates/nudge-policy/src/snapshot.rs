//! Everything `evaluate` looks at for one account.

use nudge_core::approval::Approval;
use nudge_core::dispute::Dispute;
use nudge_core::ledger::{Account, Contact, Invoice, Payment};
use nudge_core::promise::Promise;
use serde::{Deserialize, Serialize};

use crate::overrides::PolicyOverrides;
use crate::state::EscalationState;

/// One account's ledger and escalation state as of an evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountSnapshot {
    pub account: Account,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub invoices: Vec<Invoice>,
    /// Recent payments (those received since the oldest active promise was made suffice).
    #[serde(default)]
    pub payments: Vec<Payment>,
    #[serde(default)]
    pub promises: Vec<Promise>,
    #[serde(default)]
    pub disputes: Vec<Dispute>,
    /// Approval requests for final escalations (their outcome steers the review stage).
    #[serde(default)]
    pub approvals: Vec<Approval>,
    #[serde(default)]
    pub state: EscalationState,
    #[serde(default)]
    pub overrides: Option<PolicyOverrides>,
}
