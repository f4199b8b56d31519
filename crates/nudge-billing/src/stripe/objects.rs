//! Stripe API objects, reduced to the fields Nudge reads.
//!
//! Tolerance is the design rule: unknown fields are ignored, every field Stripe documents as
//! nullable (and several it does not, to survive API-version drift) is an `Option`, and
//! expandable references accept either the id string or the expanded object. Fields removed in
//! newer API versions (`invoice.charge`, `charge.invoice`, `payment_intent.invoice`) are read when
//! an older account version still sends them.

use nudge_core::sorted_map::SortedMap;

use serde::Deserialize;

/// An expandable reference: Stripe sends the id (`"cus_123"`) unless the field was expanded, in
/// which case the whole object arrives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Expandable {
    Id(String),
    Object(ExpandedObject),
}

/// The part of an expanded object we read: its id and, for charges, its customer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ExpandedObject {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub customer: Option<Box<Expandable>>,
}

impl Expandable {
    /// The referenced object's id, whichever form arrived.
    pub fn id(&self) -> Option<&str> {
        match self {
            Expandable::Id(id) => Some(id.as_str()).filter(|s| !s.is_empty()),
            Expandable::Object(obj) => obj.id.as_deref().filter(|s| !s.is_empty()),
        }
    }

    /// The customer of an expanded object (a charge), if it carries one.
    pub fn customer_id(&self) -> Option<&str> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(obj) => obj.customer.as_deref().and_then(Expandable::id),
        }
    }
}

/// Stripe metadata: string keys and (documented) string values; kept loose because integrations
/// write numbers and nulls there too.
pub type Metadata = SortedMap<String, serde_json::Value>;

/// A postal address (only the country is read, for locale defaults).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Address {
    #[serde(default)]
    pub country: Option<String>,
}

/// `customer`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Customer {
    pub id: String,
    #[serde(default)]
    pub deleted: Option<bool>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub preferred_locales: Option<Vec<String>>,
    #[serde(default)]
    pub address: Option<Address>,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub metadata: Option<Metadata>,
}

/// `invoice.status_transitions`: when the invoice changed state.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct StatusTransitions {
    #[serde(default)]
    pub finalized_at: Option<i64>,
    #[serde(default)]
    pub paid_at: Option<i64>,
    #[serde(default)]
    pub voided_at: Option<i64>,
    #[serde(default)]
    pub marked_uncollectible_at: Option<i64>,
}

/// `invoice.custom_fields[]`: free name/value pairs printed on the invoice (where a PO number
/// usually lives).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CustomField {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub value: Option<String>,
}

/// `invoice`. Amounts are integers in the currency's minor unit.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Invoice {
    pub id: String,
    #[serde(default)]
    pub customer: Option<Expandable>,
    #[serde(default)]
    pub number: Option<String>,
    /// `draft`, `open`, `paid`, `void`, `uncollectible`.
    #[serde(default)]
    pub status: Option<String>,
    pub currency: String,
    #[serde(default)]
    pub total: Option<i64>,
    #[serde(default)]
    pub amount_due: Option<i64>,
    #[serde(default)]
    pub amount_paid: Option<i64>,
    #[serde(default)]
    pub amount_remaining: Option<i64>,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub effective_at: Option<i64>,
    #[serde(default)]
    pub due_date: Option<i64>,
    /// `charge_automatically` or `send_invoice`.
    #[serde(default)]
    pub collection_method: Option<String>,
    #[serde(default)]
    pub attempted: Option<bool>,
    #[serde(default)]
    pub attempt_count: Option<i64>,
    /// Null once Stripe will not retry (after the final failed attempt), or when it never will.
    #[serde(default)]
    pub next_payment_attempt: Option<i64>,
    #[serde(default)]
    pub auto_advance: Option<bool>,
    #[serde(default)]
    pub hosted_invoice_url: Option<String>,
    #[serde(default)]
    pub invoice_pdf: Option<String>,
    #[serde(default)]
    pub customer_email: Option<String>,
    #[serde(default)]
    pub customer_name: Option<String>,
    #[serde(default)]
    pub status_transitions: Option<StatusTransitions>,
    #[serde(default)]
    pub custom_fields: Option<Vec<CustomField>>,
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Removed in API 2025-03-31; read when an older version sends it.
    #[serde(default)]
    pub charge: Option<Expandable>,
    /// Removed in API 2025-03-31; read when an older version sends it.
    #[serde(default)]
    pub payment_intent: Option<Expandable>,
}

/// `credit_note`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CreditNote {
    pub id: String,
    #[serde(default)]
    pub customer: Option<Expandable>,
    #[serde(default)]
    pub invoice: Option<Expandable>,
    #[serde(default)]
    pub number: Option<String>,
    /// Total including tax, in minor units.
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub total: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub effective_at: Option<i64>,
    /// `issued` or `void`.
    #[serde(default)]
    pub status: Option<String>,
    /// `pre_payment` or `post_payment`.
    #[serde(default, rename = "type")]
    pub note_type: Option<String>,
    #[serde(default)]
    pub voided_at: Option<i64>,
}

/// `charge.billing_details`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct BillingDetails {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
}

/// `charge`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Charge {
    pub id: String,
    #[serde(default)]
    pub customer: Option<Expandable>,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub amount_captured: Option<i64>,
    #[serde(default)]
    pub amount_refunded: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub paid: Option<bool>,
    #[serde(default)]
    pub refunded: Option<bool>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub payment_intent: Option<Expandable>,
    /// Removed in API 2025-03-31; read when an older version sends it.
    #[serde(default)]
    pub invoice: Option<Expandable>,
    #[serde(default)]
    pub billing_details: Option<BillingDetails>,
    #[serde(default)]
    pub description: Option<String>,
}

/// `dispute` (a chargeback on a charge).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Dispute {
    pub id: String,
    #[serde(default)]
    pub charge: Option<Expandable>,
    #[serde(default)]
    pub payment_intent: Option<Expandable>,
    #[serde(default)]
    pub amount: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub created: Option<i64>,
    /// `general`, `fraudulent`, `duplicate`, `product_not_received`, …
    #[serde(default)]
    pub reason: Option<String>,
    /// `warning_needs_response`, `needs_response`, `under_review`, `won`, `lost`, …
    #[serde(default)]
    pub status: Option<String>,
}

/// `payment_intent`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PaymentIntent {
    pub id: String,
    #[serde(default)]
    pub customer: Option<Expandable>,
    #[serde(default)]
    pub amount: Option<i64>,
    #[serde(default)]
    pub amount_received: Option<i64>,
    pub currency: String,
    #[serde(default)]
    pub created: Option<i64>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub latest_charge: Option<Expandable>,
    /// Removed in API 2025-03-31; read when an older version sends it.
    #[serde(default)]
    pub invoice: Option<Expandable>,
    #[serde(default)]
    pub metadata: Option<Metadata>,
}
