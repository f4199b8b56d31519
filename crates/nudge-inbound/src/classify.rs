//! From a raw message to the Classification JSON of issue 5.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::DisputeCategory;
use nudge_core::zone::Zone;
use nudge_mail::{Email, Limits, Machine, MailError, RemittanceLine};
use serde::{Deserialize, Serialize};

use crate::entities::{self, ContactAddress};
use crate::intent::{Intent, ScoredIntent};
use crate::ooo;
use crate::understand::{understand_text, Hints, PromiseDetails, Understanding};

/// Where and when a message is read: the receipt time and the account's timezone and locale.
#[derive(Debug, Clone, PartialEq)]
pub struct Context {
    /// When the message was received (relative dates count from this instant's local day).
    pub now: DateTime<Utc>,
    /// The account's timezone: "tomorrow" is tomorrow there.
    pub timezone: Zone,
    /// BCP 47 locale of the account (`en-US`, `en-GB`, `de-DE`, …): decides `12/03`.
    pub locale: String,
}

impl Context {
    /// The receipt day in the account's timezone.
    pub fn today(&self) -> NaiveDate {
        self.now.with_timezone(&self.timezone).date_naive()
    }
}

/// What kind of sender wrote the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Human,
    AutoReply,
    Bounce,
}

/// The dispute part of a classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeInfo {
    pub category: DisputeCategory,
}

/// The bounce part of a classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BounceInfo {
    /// The address that failed, when the bounce names it.
    pub recipient: Option<String>,
    /// Enhanced status code (`5.1.1`), when known.
    pub status: Option<String>,
    /// A permanent (5.x.x) failure rather than a transient one.
    pub permanent: bool,
    /// The address itself is dead (unknown user or domain), as opposed to a policy block or
    /// full mailbox: only then may the contact be marked bounced.
    pub address_dead: bool,
}

/// The Classification JSON of issue 5 (field names are the interface; do not rename).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    pub kind: Kind,
    /// Intents with confidences, most likely first; empty for machine mail.
    pub intents: Vec<ScoredIntent>,
    /// `None` for machine mail.
    pub primary_intent: Option<Intent>,
    /// `None` for machine mail and when no promise was made.
    pub promise: Option<PromiseDetails>,
    pub dispute: Option<DisputeInfo>,
    pub invoice_refs: Vec<String>,
    pub po_number: Option<String>,
    pub new_contacts: Vec<ContactAddress>,
    /// For out-of-office replies: the day the person is back, when stated.
    pub out_of_office_until: Option<NaiveDate>,
    pub bounce: Option<BounceInfo>,
    /// The customer's own words (quotes and signature removed).
    pub new_text: String,
    /// ISO 639-1 code of the language of `new_text` (`en`, `de`, `fr`, `es`, `nl`, `sv`), when
    /// it can be told; answers are written in it (else in the account's locale).
    #[serde(default)]
    pub language: Option<String>,
    /// Invoices (and amounts) named by a remittance advice: attached, or a table in the body.
    #[serde(default)]
    pub remittance: Vec<RemittanceLine>,
}

/// Why a message could not be classified. The raw message must still be kept and handed to a
/// person by the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClassifyError {
    #[error(transparent)]
    Mail(#[from] MailError),
}

/// Classifies a raw RFC 5322 message. Deterministic: the same bytes and context give the same
/// result. Errors only when the message cannot be parsed at all (or exceeds the size limit).
pub fn classify(raw: &[u8], ctx: &Context) -> Result<Classification, ClassifyError> {
    let email = nudge_mail::parse(raw, &Limits::default())?;
    Ok(classify_email(&email, ctx))
}

/// Classifies an already parsed message (the worker parses once and reuses the [`Email`]).
pub fn classify_email(email: &Email, ctx: &Context) -> Classification {
    let today = ctx.today();
    match &email.machine {
        Some(Machine::Bounce(b)) => Classification {
            kind: Kind::Bounce,
            bounce: Some(BounceInfo {
                recipient: b.recipient.clone(),
                status: b.status.clone(),
                permanent: b.permanent,
                address_dead: b.address_dead,
            }),
            ..machine(email)
        },
        Some(Machine::AutoReply(_)) => {
            let text = if email.new_text.trim().is_empty() {
                &email.text
            } else {
                &email.new_text
            };
            Classification {
                kind: Kind::AutoReply,
                out_of_office_until: ooo::return_date(text, today, &ctx.locale),
                new_contacts: contacts(email, text),
                ..machine(email)
            }
        }
        None => human(email, ctx, today),
    }
}

fn machine(email: &Email) -> Classification {
    Classification {
        kind: Kind::Human,
        intents: Vec::new(),
        primary_intent: None,
        promise: None,
        dispute: None,
        invoice_refs: Vec::new(),
        po_number: None,
        new_contacts: Vec::new(),
        out_of_office_until: None,
        bounce: None,
        new_text: email.new_text.clone(),
        language: None,
        remittance: Vec::new(),
    }
}

fn own_addresses(email: &Email) -> Vec<String> {
    email
        .from
        .iter()
        .chain(email.reply_to.iter())
        .chain(email.to.iter())
        .chain(email.cc.iter())
        .map(|m| m.email.clone())
        .collect()
}

fn contacts(email: &Email, text: &str) -> Vec<ContactAddress> {
    let known = own_addresses(email);
    entities::find_emails(text)
        .into_iter()
        .filter(|c| !known.iter().any(|k| k.eq_ignore_ascii_case(&c.email)))
        .collect()
}

/// Invoice numbers the thread already names: those next to an invoice word in the subject and
/// in the quoted history (our own reminder), so a bare "HL-10482" in the reply is recognised.
fn thread_refs(email: &Email) -> Vec<String> {
    let mut refs = Vec::new();
    if let Some(s) = &email.subject {
        refs.extend(entities::find_invoice_refs(s, &[]));
    }
    refs.extend(entities::find_invoice_refs(&email.text, &[]));
    refs
}

fn human(email: &Email, ctx: &Context, today: NaiveDate) -> Classification {
    let known_addresses = own_addresses(email);
    let known_refs = thread_refs(email);
    let hints = Hints {
        known_addresses: &known_addresses,
        known_refs: &known_refs,
        remittance_attached: email.attachments.iter().any(|a| a.looks_like_remittance),
    };
    let u = understand_text(
        &email.new_text,
        email.subject.as_deref(),
        today,
        &ctx.locale,
        hints,
    );
    let mut c = from_understanding(u, email.new_text.clone());
    with_remittance(&mut c, email);
    c
}

/// The message's remittance lines, and their invoice numbers among `invoice_refs`.
fn with_remittance(c: &mut Classification, email: &Email) {
    for line in &email.remittance {
        if !c
            .invoice_refs
            .iter()
            .any(|r| r.eq_ignore_ascii_case(&line.invoice))
        {
            c.invoice_refs.push(line.invoice.clone());
        }
    }
    c.remittance = email.remittance.clone();
}

fn from_understanding(u: Understanding, new_text: String) -> Classification {
    Classification {
        kind: Kind::Human,
        primary_intent: Some(u.primary_intent),
        promise: u.promise,
        dispute: u.dispute.map(|category| DisputeInfo { category }),
        intents: u.intents,
        invoice_refs: u.invoice_refs,
        po_number: u.po_number,
        new_contacts: u.new_contacts,
        out_of_office_until: None,
        bounce: None,
        new_text,
        language: u.language.map(str::to_string),
        remittance: Vec::new(),
    }
}

/// Understands a reply's text without a MIME message: intents and entities of `new_text`.
pub fn understand(new_text: &str, subject: Option<&str>, ctx: &Context) -> Understanding {
    understand_text(
        new_text,
        subject,
        ctx.today(),
        &ctx.locale,
        Hints::default(),
    )
}
