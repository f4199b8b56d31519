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

/// The event types Nudge handles, parsed once from the envelope's `type`; anything else is
/// [`StripeEventType::Other`] (acknowledged and ignored, so new Stripe types never break intake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StripeEventType {
    CustomerCreated,
    CustomerUpdated,
    CustomerDeleted,
    InvoiceCreated,
    InvoiceFinalized,
    InvoiceUpdated,
    InvoicePaid,
    InvoicePaymentSucceeded,
    InvoicePaymentFailed,
    InvoiceVoided,
    InvoiceMarkedUncollectible,
    CreditNoteCreated,
    CreditNoteVoided,
    ChargeDisputeCreated,
    ChargeDisputeClosed,
    ChargeRefunded,
    PaymentIntentSucceeded,
    Other,
}

impl StripeEventType {
    /// Every handled type with its Stripe name.
    pub const HANDLED: [(StripeEventType, &'static str); 17] = [
        (Self::CustomerCreated, "customer.created"),
        (Self::CustomerUpdated, "customer.updated"),
        (Self::CustomerDeleted, "customer.deleted"),
        (Self::InvoiceCreated, "invoice.created"),
        (Self::InvoiceFinalized, "invoice.finalized"),
        (Self::InvoiceUpdated, "invoice.updated"),
        (Self::InvoicePaid, "invoice.paid"),
        (Self::InvoicePaymentSucceeded, "invoice.payment_succeeded"),
        (Self::InvoicePaymentFailed, "invoice.payment_failed"),
        (Self::InvoiceVoided, "invoice.voided"),
        (
            Self::InvoiceMarkedUncollectible,
            "invoice.marked_uncollectible",
        ),
        (Self::CreditNoteCreated, "credit_note.created"),
        (Self::CreditNoteVoided, "credit_note.voided"),
        (Self::ChargeDisputeCreated, "charge.dispute.created"),
        (Self::ChargeDisputeClosed, "charge.dispute.closed"),
        (Self::ChargeRefunded, "charge.refunded"),
        (Self::PaymentIntentSucceeded, "payment_intent.succeeded"),
    ];

    /// The type of a Stripe `type` string.
    pub fn parse(name: &str) -> Self {
        Self::HANDLED
            .iter()
            .find(|(_, n)| *n == name)
            .map_or(Self::Other, |(t, _)| *t)
    }

    /// Which struct the event's object is, for a handled type.
    fn object_kind(self) -> Option<Kind> {
        use StripeEventType as T;
        Some(match self {
            T::CustomerCreated | T::CustomerUpdated | T::CustomerDeleted => Kind::Customer,
            T::InvoiceCreated
            | T::InvoiceFinalized
            | T::InvoiceUpdated
            | T::InvoicePaid
            | T::InvoicePaymentSucceeded
            | T::InvoicePaymentFailed
            | T::InvoiceVoided
            | T::InvoiceMarkedUncollectible => Kind::Invoice,
            T::CreditNoteCreated | T::CreditNoteVoided => Kind::CreditNote,
            T::ChargeDisputeCreated | T::ChargeDisputeClosed => Kind::Dispute,
            T::ChargeRefunded => Kind::Charge,
            T::PaymentIntentSucceeded => Kind::PaymentIntent,
            T::Other => return None,
        })
    }
}

/// A verified, parsed Stripe event.
#[derive(Debug, Clone, PartialEq)]
pub struct StripeEvent {
    /// `evt_…`: the idempotency key.
    pub id: String,
    /// `invoice.paid`, … as Stripe sent it (kept for logs and the idempotency record).
    pub event_type: String,
    /// The same, typed.
    pub kind: StripeEventType,
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
    let envelope: Envelope<'_> = crate::json_text::text(body)
        .and_then(serde_json::from_str)
        .map_err(|e| BillingError::InvalidJson(e.to_string()))?;
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
    let kind = StripeEventType::parse(&event_type);
    let object = match kind.object_kind() {
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
        kind,
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

fn typed<T: DeserializeOwned>(raw: &RawValue) -> Result<T, BillingError> {
    nudge_core::json_path::from_str(raw.get()).map_err(|e| {
        let path = if e.path.is_empty() {
            "data.object".to_string()
        } else {
            format!("data.object.{}", e.path)
        };
        BillingError::field(path, e.message)
    })
}

#[cfg(test)]
mod tests {
    use super::StripeEventType;

    #[test]
    fn event_types_parse_to_their_variant_and_others_are_other() {
        for (kind, name) in StripeEventType::HANDLED {
            assert_eq!(StripeEventType::parse(name), kind, "{name}");
            assert!(kind.object_kind().is_some(), "{name}");
        }
        assert_eq!(
            StripeEventType::parse("plan.created"),
            StripeEventType::Other
        );
        assert!(StripeEventType::Other.object_kind().is_none());
    }
}
