//! What an accepted billing event does to the ledger, as data.
//!
//! Both webhook sources and the bulk import produce [`LedgerChange`]s; the worker applies them in
//! order inside the account's Durable Object, in one D1 batch per event (all or nothing).
//! Accounts, invoices, payments and credit notes are referenced by *source ids* namespaced with
//! their source (`stripe:cus_…`, `erp:C-100`), so the worker can find or create Nudge's rows.
//!
//! Applying them (the worker's part), per accepted event, in one D1 batch:
//! 1. Skip the event if its id (`stripe:evt_…` / `erp:<id>`) was seen: idempotency.
//! 2. Resolve the account by `account_ref` (create it with [`Account::new`] when unknown; the
//!    `UpsertAccount` name, else the ref, names it). Stripe disputes and refunds may have no
//!    `account_ref`: find the payment recorded with the same `charge_ref`/`payment_intent_ref`.
//! 3. Per variant: `UpsertAccount` → [`AccountUpsert::apply_to`] (skip when the stored stamp is
//!    newer); `UpsertContact` → [`crate::merge_contact`]; `UpsertInvoice` →
//!    [`crate::merge_invoice`], storing `max(stamps)`; `RecordPayment` with
//!    `needs_cash_application` → [`crate::cashapp::match_payment`] over the account's open
//!    invoices: apply when `auto_apply`, else queue as unapplied cash with the suggestions;
//!    `adjusts_invoices` → add allocations/credits to the invoices yourself (ERP), otherwise the
//!    source's invoice snapshots already carry them (Stripe).
//! 4. Re-evaluate the account.

use chrono::{DateTime, Utc};
use nudge_core::dispute::{DisputeCategory, DisputeStatus};
use nudge_core::ledger::{Account, Contact, CreditNote, Invoice, Payment};
use nudge_core::money::Currency;
use nudge_core::zone::Zone;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `stripe:<id>`: the namespaced id of a Stripe object.
pub fn stripe_ref(id: &str) -> String {
    format!("stripe:{id}")
}

/// `erp:<id>`: the namespaced id of an ERP object.
pub fn erp_ref(id: &str) -> String {
    format!("erp:{id}")
}

/// Tag on an [`Account`] meaning the customer asked for payments without a reference to be
/// applied oldest invoice first (read by [`crate::cashapp::MatchOptions::for_account`]).
pub const OLDEST_FIRST_TAG: &str = "allocation:oldest_first";

/// The result of mapping one event: changes to apply, or a deliberate no-op.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Apply these changes, in order, atomically.
    Apply { changes: Vec<LedgerChange> },
    /// Nothing to do (unhandled event type, or an object that concerns no customer); the worker
    /// answers 200 and logs the reason.
    Ignored { reason: String },
}

impl Outcome {
    /// The changes to apply (empty when ignored).
    pub fn changes(&self) -> &[LedgerChange] {
        match self {
            Outcome::Apply { changes } => changes,
            Outcome::Ignored { .. } => &[],
        }
    }
}

/// The fields of an account a source knows about. `None` means "the source did not say": keep
/// what Nudge has (operator settings such as `owner`, `tags`, `dunning_enabled` are never touched
/// by a source unless it sends them).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountUpsert {
    pub name: Option<String>,
    pub currency: Option<Currency>,
    #[serde(default)]
    pub timezone: Option<Zone>,
    pub locale: Option<String>,
    pub payment_terms_days: Option<u32>,
    pub strategic: Option<bool>,
    pub owner: Option<String>,
    pub credit_limit: Option<Decimal>,
    pub tags: Option<Vec<String>>,
    /// The customer's standing instruction to apply unreferenced payments oldest-first.
    pub oldest_first_allocation: Option<bool>,
}

impl AccountUpsert {
    /// Applies the known fields to `account` (a new one from [`Account::new`] or the stored one),
    /// setting `stripe_id`/`erp_id` from `account_ref`.
    pub fn apply_to(&self, account_ref: &str, account: &mut Account) {
        if let Some(id) = account_ref.strip_prefix("stripe:") {
            account.stripe_id = Some(id.to_string());
        } else if let Some(id) = account_ref.strip_prefix("erp:") {
            account.erp_id = Some(id.to_string());
        }
        if let Some(name) = &self.name {
            account.name = name.clone();
        }
        if self.currency.is_some() {
            account.currency = self.currency;
        }
        if let Some(tz) = self.timezone {
            account.timezone = tz;
        }
        if let Some(locale) = &self.locale {
            account.locale = locale.clone();
        }
        if self.payment_terms_days.is_some() {
            account.payment_terms_days = self.payment_terms_days;
        }
        if let Some(strategic) = self.strategic {
            account.strategic = strategic;
        }
        if self.owner.is_some() {
            account.owner = self.owner.clone();
        }
        if self.credit_limit.is_some() {
            account.credit_limit = self.credit_limit;
        }
        if let Some(tags) = &self.tags {
            // Source tags replace the source-visible set but keep Nudge's own allocation tag.
            let keep = account.tags.iter().any(|t| t == OLDEST_FIRST_TAG);
            account.tags = tags.clone();
            if keep && !account.tags.iter().any(|t| t == OLDEST_FIRST_TAG) {
                account.tags.push(OLDEST_FIRST_TAG.to_string());
            }
        }
        match self.oldest_first_allocation {
            Some(true) if !account.tags.iter().any(|t| t == OLDEST_FIRST_TAG) => {
                account.tags.push(OLDEST_FIRST_TAG.to_string())
            }
            Some(false) => account.tags.retain(|t| t != OLDEST_FIRST_TAG),
            _ => {}
        }
    }
}

/// One change to the ledger. Every variant carries the account it belongs to (by source id,
/// except Stripe disputes/refunds whose object names only a charge: then `account_ref` is `None`
/// and the worker resolves it through the recorded payment's `charge_ref`/`payment_intent_ref`)
/// and `source_updated_at`, the source's own time for the fact (Stripe's `event.created`, the
/// ERP's `occurred_at`), used to ignore stale snapshots.
///
/// In JSON (the worker's command to the account object) a change is an object with one key, its
/// [`kind`](LedgerChange::kind): `{"upsert_invoice": {"account_ref": …}}`. Not a `"kind"` field
/// inside: serde reads such an internally tagged enum by buffering every change into a generic
/// tree first, a second deserialiser for each type a change carries (issue 12).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerChange {
    /// Create the account or update the fields the source knows.
    UpsertAccount {
        account_ref: String,
        account: AccountUpsert,
        source_updated_at: DateTime<Utc>,
    },
    /// Create or update a contact (matched by lower-cased email within the account). Keep the
    /// stored contact's `status` (bounces and opt-outs are Nudge's knowledge): use
    /// [`crate::merge_contact`].
    UpsertContact {
        account_ref: String,
        contact: Contact,
        source_updated_at: DateTime<Utc>,
    },
    /// A full snapshot of an invoice; combine with the stored one through
    /// [`crate::merge_invoice`] so a late, older snapshot never reopens a paid or void invoice.
    UpsertInvoice {
        account_ref: String,
        invoice: Invoice,
        source_updated_at: DateTime<Utc>,
    },
    /// The source voided an invoice it had sent before (ERP `invoice.void`).
    VoidInvoice {
        account_ref: String,
        invoice_ref: String,
        source_updated_at: DateTime<Utc>,
    },
    /// Money received. `payment.id` is the namespaced source id, `payment.account_id` the
    /// account_ref. With `needs_cash_application` the payment came without allocations and the
    /// worker runs [`crate::cashapp::match_payment`] on it; otherwise `payment.allocations` is what
    /// the source says. `adjusts_invoices` says whether the worker must add the allocations to the
    /// invoices' `paid` (ERP) or whether the source also sends invoice snapshots that already
    /// include them (Stripe: adding again would count the money twice).
    RecordPayment {
        account_ref: String,
        payment: Payment,
        needs_cash_application: bool,
        adjusts_invoices: bool,
        /// Stripe charge behind the payment, to link later disputes and refunds.
        charge_ref: Option<String>,
        payment_intent_ref: Option<String>,
        source_updated_at: DateTime<Utc>,
    },
    /// A credit note. `adjusts_invoices` as for payments: true when the worker must add the
    /// amount to the invoice's `credited` itself.
    IssueCreditNote {
        account_ref: String,
        credit_note: CreditNote,
        adjusts_invoices: bool,
        source_updated_at: DateTime<Utc>,
    },
    /// A credit note was voided: its amount no longer reduces the invoice.
    VoidCreditNote {
        account_ref: String,
        credit_note_ref: String,
        invoice_ref: Option<String>,
        adjusts_invoices: bool,
        source_updated_at: DateTime<Utc>,
    },
    /// A payment dispute (a Stripe chargeback) opened: the invoice it paid leaves dunning while
    /// it is open.
    OpenDispute {
        dispute_ref: String,
        account_ref: Option<String>,
        charge_ref: Option<String>,
        payment_intent_ref: Option<String>,
        amount: Decimal,
        currency: Currency,
        category: DisputeCategory,
        /// The source's own reason code (`product_not_received`).
        source_reason: String,
        opened_at: DateTime<Utc>,
        source_updated_at: DateTime<Utc>,
    },
    /// A dispute closed with `status` (won → `ResolvedRejected`: the payment stands; lost →
    /// `ResolvedCredited`: the money went back to the customer).
    CloseDispute {
        dispute_ref: String,
        account_ref: Option<String>,
        charge_ref: Option<String>,
        status: DisputeStatus,
        source_status: String,
        source_updated_at: DateTime<Utc>,
    },
    /// Money returned to the customer. `amount_refunded` is the charge's cumulative refunded
    /// amount (so replays and partial refunds converge), not a delta.
    Refund {
        account_ref: Option<String>,
        charge_ref: String,
        payment_intent_ref: Option<String>,
        invoice_ref: Option<String>,
        amount_refunded: Decimal,
        currency: Currency,
        source_updated_at: DateTime<Utc>,
    },
    /// The customer was deleted at the source: stop all dunning for the account (the worker keeps
    /// history, disabling rather than erasing).
    DeleteAccount {
        account_ref: String,
        source_updated_at: DateTime<Utc>,
    },
}

impl LedgerChange {
    /// The change's kind as it appears in its JSON (`"upsert_invoice"`), for logs. A
    /// match rather than serialising the change to read the tag back: that would compile a
    /// second serialiser for the change and everything it carries (issue 12).
    pub fn kind(&self) -> &'static str {
        match self {
            LedgerChange::UpsertAccount { .. } => "upsert_account",
            LedgerChange::UpsertContact { .. } => "upsert_contact",
            LedgerChange::UpsertInvoice { .. } => "upsert_invoice",
            LedgerChange::VoidInvoice { .. } => "void_invoice",
            LedgerChange::RecordPayment { .. } => "record_payment",
            LedgerChange::IssueCreditNote { .. } => "issue_credit_note",
            LedgerChange::VoidCreditNote { .. } => "void_credit_note",
            LedgerChange::OpenDispute { .. } => "open_dispute",
            LedgerChange::CloseDispute { .. } => "close_dispute",
            LedgerChange::Refund { .. } => "refund",
            LedgerChange::DeleteAccount { .. } => "delete_account",
        }
    }

    /// The account this change belongs to, when the event names it.
    pub fn account_ref(&self) -> Option<&str> {
        match self {
            LedgerChange::UpsertAccount { account_ref, .. }
            | LedgerChange::UpsertContact { account_ref, .. }
            | LedgerChange::UpsertInvoice { account_ref, .. }
            | LedgerChange::VoidInvoice { account_ref, .. }
            | LedgerChange::RecordPayment { account_ref, .. }
            | LedgerChange::IssueCreditNote { account_ref, .. }
            | LedgerChange::VoidCreditNote { account_ref, .. }
            | LedgerChange::DeleteAccount { account_ref, .. } => Some(account_ref),
            LedgerChange::OpenDispute { account_ref, .. }
            | LedgerChange::CloseDispute { account_ref, .. }
            | LedgerChange::Refund { account_ref, .. } => account_ref.as_deref(),
        }
    }

    /// The source's time for this fact.
    pub fn source_updated_at(&self) -> DateTime<Utc> {
        match self {
            LedgerChange::UpsertAccount {
                source_updated_at, ..
            }
            | LedgerChange::UpsertContact {
                source_updated_at, ..
            }
            | LedgerChange::UpsertInvoice {
                source_updated_at, ..
            }
            | LedgerChange::VoidInvoice {
                source_updated_at, ..
            }
            | LedgerChange::RecordPayment {
                source_updated_at, ..
            }
            | LedgerChange::IssueCreditNote {
                source_updated_at, ..
            }
            | LedgerChange::VoidCreditNote {
                source_updated_at, ..
            }
            | LedgerChange::OpenDispute {
                source_updated_at, ..
            }
            | LedgerChange::CloseDispute {
                source_updated_at, ..
            }
            | LedgerChange::Refund {
                source_updated_at, ..
            }
            | LedgerChange::DeleteAccount {
                source_updated_at, ..
            } => *source_updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upsert_touches_only_what_the_source_says() {
        let mut account = Account::new("acc_1", "Old name");
        account.owner = Some("sales@us.example".into());
        account.tags = vec!["vip".into()];
        let upsert = AccountUpsert {
            name: Some("Globex".into()),
            timezone: Some("Europe/Berlin".parse().unwrap()),
            oldest_first_allocation: Some(true),
            ..AccountUpsert::default()
        };
        upsert.apply_to("erp:C-100", &mut account);
        assert_eq!(account.erp_id.as_deref(), Some("C-100"));
        assert_eq!(account.name, "Globex");
        assert_eq!(account.owner.as_deref(), Some("sales@us.example"));
        assert_eq!(
            account.tags,
            vec!["vip".to_string(), OLDEST_FIRST_TAG.to_string()]
        );
        // Source tags replace the source's set but keep the allocation instruction.
        let retag = AccountUpsert {
            tags: Some(vec!["enterprise".into()]),
            ..AccountUpsert::default()
        };
        retag.apply_to("erp:C-100", &mut account);
        assert_eq!(
            account.tags,
            vec!["enterprise".to_string(), OLDEST_FIRST_TAG.to_string()]
        );
        AccountUpsert {
            oldest_first_allocation: Some(false),
            ..AccountUpsert::default()
        }
        .apply_to("stripe:cus_1", &mut account);
        assert_eq!(account.tags, vec!["enterprise".to_string()]);
        assert_eq!(account.stripe_id.as_deref(), Some("cus_1"));
    }

    #[test]
    fn kind_is_the_serialised_tag_of_every_variant() {
        use nudge_core::test_support::{at, d, invoice, payment};
        let t = at(2026, 1, 2, 3);
        let r = || "erp:C-1".to_string();
        let contact = Contact {
            email: "ap@example.com".into(),
            name: None,
            role: nudge_core::ledger::ContactRole::Ap,
            status: nudge_core::ledger::ContactStatus::Active,
            preferred: true,
        };
        let credit_note = CreditNote {
            id: "erp:CN-1".into(),
            invoice_id: Some("erp:I-1".into()),
            amount: Decimal::ONE,
            currency: Currency::parse("USD").unwrap(),
            issued_on: d(2026, 1, 2),
            voided: false,
        };
        let changes = [
            LedgerChange::UpsertAccount {
                account_ref: r(),
                account: AccountUpsert::default(),
                source_updated_at: t,
            },
            LedgerChange::UpsertContact {
                account_ref: r(),
                contact,
                source_updated_at: t,
            },
            LedgerChange::UpsertInvoice {
                account_ref: r(),
                invoice: invoice("erp:I-1", d(2026, 1, 2), "10", "0"),
                source_updated_at: t,
            },
            LedgerChange::VoidInvoice {
                account_ref: r(),
                invoice_ref: "erp:I-1".into(),
                source_updated_at: t,
            },
            LedgerChange::RecordPayment {
                account_ref: r(),
                payment: payment("erp:P-1", d(2026, 1, 2), "10", &[]),
                needs_cash_application: true,
                adjusts_invoices: true,
                charge_ref: None,
                payment_intent_ref: None,
                source_updated_at: t,
            },
            LedgerChange::IssueCreditNote {
                account_ref: r(),
                credit_note,
                adjusts_invoices: true,
                source_updated_at: t,
            },
            LedgerChange::VoidCreditNote {
                account_ref: r(),
                credit_note_ref: "erp:CN-1".into(),
                invoice_ref: None,
                adjusts_invoices: true,
                source_updated_at: t,
            },
            LedgerChange::OpenDispute {
                dispute_ref: "stripe:dp_1".into(),
                account_ref: None,
                charge_ref: None,
                payment_intent_ref: None,
                amount: Decimal::ONE,
                currency: Currency::parse("USD").unwrap(),
                category: DisputeCategory::Pricing,
                source_reason: "general".into(),
                opened_at: t,
                source_updated_at: t,
            },
            LedgerChange::CloseDispute {
                dispute_ref: "stripe:dp_1".into(),
                account_ref: None,
                charge_ref: None,
                status: DisputeStatus::Open,
                source_status: "won".into(),
                source_updated_at: t,
            },
            LedgerChange::Refund {
                account_ref: None,
                charge_ref: "stripe:ch_1".into(),
                payment_intent_ref: None,
                invoice_ref: None,
                amount_refunded: Decimal::ONE,
                currency: Currency::parse("USD").unwrap(),
                source_updated_at: t,
            },
            LedgerChange::DeleteAccount {
                account_ref: r(),
                source_updated_at: t,
            },
        ];
        let mut kinds = std::collections::BTreeSet::new();
        for change in &changes {
            let json = serde_json::to_value(change).unwrap();
            let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
            assert_eq!(keys, [change.kind()], "{change:?}");
            kinds.insert(change.kind());
        }
        assert_eq!(kinds.len(), changes.len(), "one kind per variant");
    }

    #[test]
    fn changes_serialise_as_their_kind_and_read_back() {
        let change = LedgerChange::DeleteAccount {
            account_ref: stripe_ref("cus_1"),
            source_updated_at: DateTime::from_timestamp(0, 0).unwrap_or_default(),
        };
        let json = serde_json::to_value(&change).unwrap();
        assert_eq!(json["delete_account"]["account_ref"], "stripe:cus_1");
        let back: LedgerChange = serde_json::from_str(&json.to_string()).unwrap();
        assert_eq!(back, change);
    }
}
