//! What a customer's reply asks for or tells us.

use serde::{Deserialize, Serialize};

/// The intents of issue 5. Several may apply to one reply, each with a confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intent {
    /// The customer says when they will pay.
    PromiseToPay,
    /// The customer asks to pay in instalments or for more time.
    PaymentPlanRequest,
    /// The customer says an invoice is wrong.
    Dispute,
    /// The customer asks for (a copy of) the invoice.
    InvoiceCopyRequest,
    /// The customer gives a PO number, billing address or tax id.
    BillingUpdate,
    /// The customer says they have paid.
    AlreadyPaid,
    /// The customer names another person or address to write to.
    ContactChange,
    /// The customer asks something else.
    Question,
    /// The customer wants no more emails.
    Unsubscribe,
    /// The customer mentions lawyers or legal action.
    LegalThreat,
    /// None of the above.
    Other,
}

impl Intent {
    /// Every intent, in declaration order.
    pub const ALL: [Intent; 11] = [
        Intent::PromiseToPay,
        Intent::PaymentPlanRequest,
        Intent::Dispute,
        Intent::InvoiceCopyRequest,
        Intent::BillingUpdate,
        Intent::AlreadyPaid,
        Intent::ContactChange,
        Intent::Question,
        Intent::Unsubscribe,
        Intent::LegalThreat,
        Intent::Other,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::PromiseToPay => "promise_to_pay",
            Intent::PaymentPlanRequest => "payment_plan_request",
            Intent::Dispute => "dispute",
            Intent::InvoiceCopyRequest => "invoice_copy_request",
            Intent::BillingUpdate => "billing_update",
            Intent::AlreadyPaid => "already_paid",
            Intent::ContactChange => "contact_change",
            Intent::Question => "question",
            Intent::Unsubscribe => "unsubscribe",
            Intent::LegalThreat => "legal_threat",
            Intent::Other => "other",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(name: &str) -> Option<Intent> {
        Intent::ALL.into_iter().find(|i| i.as_str() == name)
    }

    /// Tie-break when two intents are about equally likely: the one that must reach a person
    /// or stop dunning first wins, because acting on the milder reading would be the costlier
    /// mistake (a promise read where a dispute was meant keeps chasing a disputed invoice).
    pub(crate) fn precedence(self) -> f64 {
        match self {
            Intent::LegalThreat => 0.20,
            Intent::Unsubscribe => 0.12,
            Intent::Dispute => 0.10,
            Intent::AlreadyPaid => 0.06,
            Intent::PaymentPlanRequest => 0.05,
            Intent::PromiseToPay => 0.04,
            Intent::InvoiceCopyRequest => 0.03,
            Intent::ContactChange => 0.02,
            Intent::BillingUpdate => 0.01,
            Intent::Question => -0.10,
            Intent::Other => -0.20,
        }
    }
}

/// One intent with its confidence in 0..1 and the invoices it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoredIntent {
    pub intent: Intent,
    pub confidence: f64,
    /// The invoices this intent is about, as the customer wrote them: those named in the
    /// clauses that carry it ("we dispute INV-A; INV-B is fine" → the dispute is about INV-A
    /// only), else the thread's (the subject's). Empty: the reply names none, so it is about
    /// the account; what that means is the planner's call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub invoice_refs: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for i in Intent::ALL {
            assert_eq!(Intent::parse(i.as_str()), Some(i));
            let json = serde_json::to_string(&i).unwrap();
            assert_eq!(json, format!("\"{}\"", i.as_str()));
        }
    }
}
