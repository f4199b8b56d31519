//! A Stripe event envelope and its `data.object`, typed by the event type.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::objects::{Charge, CreditNote, Customer, Dispute, Invoice, PaymentIntent};
use crate::error::BillingError;

/// The object an event is about, parsed into the struct its event type implies.
#[derive(Debug, Clone, PartialEq)]
pub enum StripeObject {
    Customer(Customer),
    Invoice(Box<Invoice>),
    CreditNote(CreditNote),
    Charge(Charge),
    Dispute(Dispute),
    PaymentIntent(PaymentIntent),
    /// An object of an event type Nudge does not handle (not parsed further).
    Other,
}

/// A verified, parsed Stripe event.
#[derive(Debug, Clone, PartialEq)]
pub struct StripeEvent {
    /// `evt_…`: the idempotency key.
    pub id: String,
    /// `invoice.paid`, …
    pub event_type: String,
    /// When Stripe created the event: the source time used to order snapshots.
    pub created: DateTime<Utc>,
    pub livemode: bool,
    pub object: StripeObject,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    id: Option<String>,
    #[serde(rename = "type")]
    event_type: Option<String>,
    created: Option<i64>,
    #[serde(default)]
    livemode: Option<bool>,
    #[serde(borrow)]
    data: Option<Data<'a>>,
}

#[derive(Deserialize)]
struct Data<'a> {
    #[serde(borrow)]
    object: Option<&'a RawValue>,
}

/// Parses a Stripe event body. Handled event types get their `data.object` parsed into the
/// matching struct; a missing or wrongly typed field is reported with its path
/// (`data.object.currency: invalid type: null, expected a string`). Unhandled types parse only
/// the envelope, so new Stripe objects never break intake.
pub fn parse_event(body: &[u8]) -> Result<StripeEvent, BillingError> {
    let envelope: Envelope<'_> =
        serde_json::from_slice(body).map_err(|e| BillingError::InvalidJson(e.to_string()))?;
    let id = envelope
        .id
        .filter(|s| !s.is_empty())
        .ok_or_else(|| BillingError::field("id", "missing"))?;
    let event_type = envelope
        .event_type
        .filter(|s| !s.is_empty())
        .ok_or_else(|| BillingError::field("type", "missing"))?;
    let created = envelope
        .created
        .ok_or_else(|| BillingError::field("created", "missing"))?;
    let created = DateTime::from_timestamp(created, 0)
        .ok_or_else(|| BillingError::field("created", "out of range"))?;
    let raw = envelope.data.and_then(|d| d.object);
    let object = match object_kind(&event_type) {
        None => StripeObject::Other,
        Some(kind) => {
            let raw = raw.ok_or_else(|| BillingError::field("data.object", "missing"))?;
            match kind {
                Kind::Customer => StripeObject::Customer(typed(raw)?),
                Kind::Invoice => StripeObject::Invoice(Box::new(typed(raw)?)),
                Kind::CreditNote => StripeObject::CreditNote(typed(raw)?),
                Kind::Charge => StripeObject::Charge(typed(raw)?),
                Kind::Dispute => StripeObject::Dispute(typed(raw)?),
                Kind::PaymentIntent => StripeObject::PaymentIntent(typed(raw)?),
            }
        }
    };
    Ok(StripeEvent {
        id,
        event_type,
        created,
        livemode: envelope.livemode.unwrap_or(false),
        object,
    })
}

enum Kind {
    Customer,
    Invoice,
    CreditNote,
    Charge,
    Dispute,
    PaymentIntent,
}

/// Which struct a handled event type's object is.
fn object_kind(event_type: &str) -> Option<Kind> {
    Some(match event_type {
        "customer.created" | "customer.updated" | "customer.deleted" => Kind::Customer,
        "invoice.created"
        | "invoice.finalized"
        | "invoice.updated"
        | "invoice.paid"
        | "invoice.payment_succeeded"
        | "invoice.payment_failed"
        | "invoice.voided"
        | "invoice.marked_uncollectible" => Kind::Invoice,
        "credit_note.created" | "credit_note.voided" => Kind::CreditNote,
        "charge.dispute.created" | "charge.dispute.closed" => Kind::Dispute,
        "charge.refunded" => Kind::Charge,
        "payment_intent.succeeded" => Kind::PaymentIntent,
        _ => return None,
    })
}

fn typed<T: DeserializeOwned>(raw: &RawValue) -> Result<T, BillingError> {
    let mut de = serde_json::Deserializer::from_str(raw.get());
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." {
            "data.object".to_string()
        } else {
            format!("data.object.{path}")
        };
        BillingError::field(path, e.into_inner().to_string())
    })
}
