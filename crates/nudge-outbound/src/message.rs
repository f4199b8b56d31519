//! What a message is about: the facts a caller hands to [`crate::render`].
//!
//! The context carries facts, not wording: amounts as `Decimal` with their currency, dates as
//! `NaiveDate`. Formatting for the reader's locale happens at render time.

use chrono::NaiveDate;
use nudge_core::dispute::DisputeCategory;
use nudge_core::money::{Currency, Money, Totals};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How firmly a message is worded. Independent of the stage ([`MessageKind`]) so that a policy
/// can, for example, keep a strategic customer's final notice courteous.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// Friendly, assumes an oversight ("Hi Anna", "slipped through").
    Gentle,
    /// Businesslike and polite.
    Standard,
    /// Insistent: asks for payment now, names a deadline.
    Firm,
    /// Last word before escalation.
    Final,
}

impl Tone {
    /// Every tone, mildest first.
    pub const ALL: [Tone; 4] = [Tone::Gentle, Tone::Standard, Tone::Firm, Tone::Final];

    /// The snake_case name templates see as `tone`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Tone::Gentle => "gentle",
            Tone::Standard => "standard",
            Tone::Firm => "firm",
            Tone::Final => "final",
        }
    }
}

/// Which message this is: a step of the reminder ladder or an answer to a customer's reply.
/// Each kind has its own template (`templates/<locale>/<kind>.{txt,html}.j2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Before or just after the due date: a heads-up, not a demand.
    Courtesy,
    /// The first reminder after the due date.
    Reminder,
    /// A later reminder after earlier ones went unanswered.
    FirmReminder,
    /// Last message before escalation; quotes late-payment charges when given.
    FinalNotice,
    /// "As agreed, we expect payment by …".
    PromiseConfirmation,
    /// The dispute is opened, its invoices are on hold, evidence is asked for.
    DisputeAcknowledgement,
    /// Answer to an invoice-copy request: details, payment and PDF links.
    InvoiceCopy,
    /// "Already paid" and the payment was found: thanks, dunning stops.
    AlreadyPaidConfirmed,
    /// "Already paid" but no payment found: ask for remittance details.
    AlreadyPaidAskRemittance,
    /// A billing update (PO number, address, tax id) was stored.
    BillingUpdateConfirmed,
    /// The billing contact was added or switched.
    ContactChangeConfirmed,
    /// A payment-plan request was received and goes to a person for approval.
    PaymentPlanReceived,
}

impl MessageKind {
    /// Every kind, ladder first.
    pub const ALL: [MessageKind; 12] = [
        MessageKind::Courtesy,
        MessageKind::Reminder,
        MessageKind::FirmReminder,
        MessageKind::FinalNotice,
        MessageKind::PromiseConfirmation,
        MessageKind::DisputeAcknowledgement,
        MessageKind::InvoiceCopy,
        MessageKind::AlreadyPaidConfirmed,
        MessageKind::AlreadyPaidAskRemittance,
        MessageKind::BillingUpdateConfirmed,
        MessageKind::ContactChangeConfirmed,
        MessageKind::PaymentPlanReceived,
    ];

    /// The snake_case name, also the template file stem.
    pub fn as_str(&self) -> &'static str {
        match self {
            MessageKind::Courtesy => "courtesy",
            MessageKind::Reminder => "reminder",
            MessageKind::FirmReminder => "firm_reminder",
            MessageKind::FinalNotice => "final_notice",
            MessageKind::PromiseConfirmation => "promise_confirmation",
            MessageKind::DisputeAcknowledgement => "dispute_acknowledgement",
            MessageKind::InvoiceCopy => "invoice_copy",
            MessageKind::AlreadyPaidConfirmed => "already_paid_confirmed",
            MessageKind::AlreadyPaidAskRemittance => "already_paid_ask_remittance",
            MessageKind::BillingUpdateConfirmed => "billing_update_confirmed",
            MessageKind::ContactChangeConfirmed => "contact_change_confirmed",
            MessageKind::PaymentPlanReceived => "payment_plan_received",
        }
    }

    /// True for the dunning ladder (courtesy → final notice), false for replies.
    pub fn is_reminder(&self) -> bool {
        matches!(
            self,
            MessageKind::Courtesy
                | MessageKind::Reminder
                | MessageKind::FirmReminder
                | MessageKind::FinalNotice
        )
    }
}

/// One invoice as the customer should see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// The number printed on the invoice (what the customer searches for).
    pub number: String,
    /// When it was due.
    pub due_date: NaiveDate,
    /// Days past due on `today`; zero or negative when not yet overdue.
    pub days_overdue: i64,
    /// What is still open on it, in `currency`.
    pub amount_open: Decimal,
    /// The invoice's currency (amounts are shown with its exponent).
    pub currency: Currency,
    /// Link to pay this invoice; only `http(s)` links are ever shown.
    pub payment_url: Option<String>,
    /// Link to the invoice PDF; only `http(s)` links are ever shown.
    pub pdf_url: Option<String>,
}

/// A late-payment charge quoted in a final notice (statutory interest, fixed compensation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargeLine {
    /// Said as is, e.g. "Statutory interest (9 points above the base rate)".
    pub description: String,
    /// The charge, in its currency.
    pub amount: Money,
}

/// A payment Nudge found after the customer said they had paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNote {
    /// The day the money arrived.
    pub received_on: NaiveDate,
    /// How much arrived.
    pub amount: Money,
    /// The payer's reference, when known.
    pub reference: Option<String>,
}

/// What was stored after a billing update (PO number, address, tax id).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingUpdate {
    /// The purchase order number to quote on invoices.
    pub po_number: Option<String>,
    /// Any other change, said in one line ("billing address updated").
    pub note: Option<String>,
}

/// The new contact after a contact change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContact {
    /// The person's name, when given.
    pub name: Option<String>,
    /// Where billing mail goes from now on.
    pub email: String,
}

/// Everything one message is about. Build it with [`MessageContext::new`] and set the optional
/// facts that apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageContext {
    /// Which message to write.
    pub kind: MessageKind,
    /// How firmly to word it.
    pub tone: Tone,
    /// BCP 47 tag of the reader (`de-DE`); templates fall back `de-DE` → `de` → `en`.
    pub locale: String,
    /// The sender: the company that is owed the money.
    pub company_name: String,
    /// The customer (account) name.
    pub customer_name: String,
    /// The person addressed; without one the greeting addresses the customer's team.
    pub contact_name: Option<String>,
    /// The invoices the message is about (overdue ones for reminders). Invoices named in
    /// `dispute` are shown as on hold, never in the table or the totals.
    pub invoices: Vec<InvoiceLine>,
    /// The day the message is written (dates such as "today" and deadlines are relative to it).
    pub today: NaiveDate,
    /// An agreed payment date and, when stated, amount.
    pub promise: Option<(NaiveDate, Option<Money>)>,
    /// An open dispute: its category and the invoice numbers on hold.
    pub dispute: Option<(DisputeCategory, Vec<String>)>,
    /// Late-payment charges to quote (final notices).
    pub late_charges: Option<Vec<ChargeLine>>,
    /// A date by which the customer must pay or respond (final notices).
    pub respond_by: Option<NaiveDate>,
    /// One link to pay everything (customer portal), shown besides per-invoice links.
    pub payment_portal_url: Option<String>,
    /// For [`MessageKind::AlreadyPaidConfirmed`].
    pub payment_received: Option<PaymentNote>,
    /// For [`MessageKind::BillingUpdateConfirmed`].
    pub billing_update: Option<BillingUpdate>,
    /// For [`MessageKind::ContactChangeConfirmed`].
    pub new_contact: Option<NewContact>,
    /// The sender's signature, several lines allowed.
    pub signature: String,
    /// Other answers folded into this one, when a reply said several things ("we will pay
    /// INV-2 on Friday; INV-1 is wrong"): their facts are set above and the templates mention
    /// each (`_also` partial).
    #[serde(default)]
    pub also: Vec<MessageKind>,
    /// A person will come back about something this message does not answer (a question).
    #[serde(default)]
    pub person_follows: bool,
}

impl MessageContext {
    /// A context with the required facts and no optional ones.
    pub fn new(
        kind: MessageKind,
        tone: Tone,
        locale: impl Into<String>,
        company_name: impl Into<String>,
        customer_name: impl Into<String>,
        today: NaiveDate,
        signature: impl Into<String>,
    ) -> Self {
        MessageContext {
            kind,
            tone,
            locale: locale.into(),
            company_name: company_name.into(),
            customer_name: customer_name.into(),
            contact_name: None,
            invoices: Vec::new(),
            today,
            promise: None,
            dispute: None,
            late_charges: None,
            respond_by: None,
            payment_portal_url: None,
            payment_received: None,
            billing_update: None,
            new_contact: None,
            signature: signature.into(),
            also: Vec::new(),
            person_follows: false,
        }
    }

    /// True when `number` is on hold because of the open dispute.
    pub fn is_on_hold(&self, number: &str) -> bool {
        self.dispute
            .as_ref()
            .is_some_and(|(_, numbers)| numbers.iter().any(|n| n == number))
    }

    /// The invoices the customer is asked to pay: all except those on hold.
    pub fn payable_invoices(&self) -> impl Iterator<Item = &InvoiceLine> {
        self.invoices.iter().filter(|i| !self.is_on_hold(&i.number))
    }

    /// What is owed on the payable invoices, per currency, never summed across currencies.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::new();
        for inv in self.payable_invoices() {
            totals.add(inv.currency, inv.amount_open);
        }
        totals
    }
}
