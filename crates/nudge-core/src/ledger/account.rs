//! Accounts (the customer we collect from) and the people we write to there.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::money::Currency;
use crate::zone::Zone;

/// A customer account. Nudge escalates per account, never per invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Nudge's own id for the account (stable, used as the Durable Object name).
    pub id: String,
    /// The Stripe customer id (`cus_…`), when the account comes from Stripe.
    pub stripe_id: Option<String>,
    /// The ERP's customer id, when the account comes from an ERP.
    pub erp_id: Option<String>,
    pub name: String,
    /// The account's usual invoicing currency; invoices may still be in others.
    pub currency: Option<Currency>,
    /// IANA timezone used for send windows and for reading dates in replies.
    pub timezone: Zone,
    /// BCP 47 locale (`de-DE`), chooses template language and day/month order.
    pub locale: String,
    /// Payment terms in days (net 30), informational.
    pub payment_terms_days: Option<u32>,
    /// Strategic accounts get a softer tone, slower cadence and a capped stage.
    pub strategic: bool,
    /// The person (email) who owns the relationship; gets tasks instead of harsh emails.
    pub owner: Option<String>,
    pub credit_limit: Option<Decimal>,
    pub tags: Vec<String>,
    /// Per-account switch: when false, Nudge never writes to this account.
    pub dunning_enabled: bool,
}

impl Account {
    /// A new account with defaults: UTC, `en-US`, dunning enabled.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        Account {
            id: id.into(),
            stripe_id: None,
            erp_id: None,
            name: name.into(),
            currency: None,
            timezone: Zone::UTC,
            locale: "en-US".to_string(),
            payment_terms_days: None,
            strategic: false,
            owner: None,
            credit_limit: None,
            tags: Vec::new(),
            dunning_enabled: true,
        }
    }
}

/// What a contact does at the customer; decides who gets which message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    /// Accounts payable: receives reminders.
    Ap,
    /// The buyer who ordered: scope and pricing disputes.
    Buyer,
    /// Approves invoices: stuck approvals.
    Approver,
    /// Business owner at the customer.
    Owner,
    Other,
}

/// Whether a contact can be written to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactStatus {
    Active,
    /// A permanent bounce said the address is dead.
    Bounced,
    /// The person asked not to be written to.
    OptedOut,
    /// A collector deactivated the contact (left the company, wrong person).
    Inactive,
}

/// A person at the customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Lower-cased email address; unique within an account.
    pub email: String,
    pub name: Option<String>,
    pub role: ContactRole,
    pub status: ContactStatus,
    /// Chosen first among contacts of the same role.
    pub preferred: bool,
}

impl Contact {
    /// True when Nudge may write to this contact.
    pub fn reachable(&self) -> bool {
        self.status == ContactStatus::Active
    }
}
