//! What to do about one classified inbound message threaded to an account: pure, so every branch
//! is unit-tested natively. The account object applies the [`Plan`]: ledger changes made here to
//! the book are saved as a diff, with the events, tasks, approvals and the reply, in one batch.
//!
//! Why here: acting is the second half of reading a reply ([`classify`](fn@crate::classify) says
//! what the customer means, [`plan`] what to do about it), and keeping it next to the classifier
//! lets its tests drive it with real classified messages. It needs the ledger (`nudge-core`,
//! already a dependency) and the words of an answer (`nudge-outbound`'s [`MessageContext`]);
//! `nudge-outbound` depends on `nudge-core` and `nudge-policy` only, never on this crate, so
//! there is no cycle. Nothing here touches `worker`.

#![warn(missing_docs)]

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::{Dispute, DisputeCategory, DisputeStatus};
use nudge_core::ledger::{AccountBook, Contact, ContactRole, ContactStatus, Invoice, Payment};
use nudge_core::money::{Currency, Money};
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use nudge_outbound::{
    BillingUpdate, InvoiceLine, MessageContext, MessageKind, NewContact, PaymentNote, Tone,
};
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::{BounceInfo, Classification, Intent, Kind, ScoredIntent};

/// Below this confidence the primary intent is not acted on: a person reads the message.
pub const MIN_CONFIDENCE: f64 = 0.5;

/// Most automatic replies to one account in 24 hours (loop and noise safety).
pub const MAX_REPLIES_PER_DAY: u32 = 3;

/// The message as the account object sees it.
pub struct Inbound<'a> {
    /// `inbound_messages.id`.
    pub id: &'a str,
    /// The sender's address, lower-cased.
    pub sender: &'a str,
    /// The sender's display name, if the message gave one.
    pub sender_name: Option<&'a str>,
    /// What the classifier made of the message.
    pub classification: &'a Classification,
    /// When the message is acted on (test clock aware).
    pub now: DateTime<Utc>,
    /// Our company's name, for the reply's wording and signature.
    pub company_name: &'a str,
    /// Automatic replies already sent to this account in the last 24 hours.
    pub replies_today: u32,
    /// True when the sender is one of our own addresses (never answered).
    pub sender_is_own: bool,
    /// An attachment looks like a remittance advice or proof of payment.
    pub remittance_attached: bool,
}

/// Where a message ends up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Handled automatically.
    Processed,
    /// A person must look at it (a task exists, and it may have been forwarded).
    NeedsHuman,
}

impl Status {
    /// The stored name (`inbound_messages.status`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Processed => "processed",
            Status::NeedsHuman => "needs_human",
        }
    }
}

/// Work for a person.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskDraft {
    /// What kind of work (`inbound_review`, `dispute_review`, …).
    pub kind: &'static str,
    /// One line for the task list.
    pub summary: String,
    /// The facts a person needs (message id, sender, excerpt, reason).
    pub context: Value,
}

/// A proposal waiting for a person's approval.
#[derive(Debug, Clone, PartialEq)]
pub struct ApprovalDraft {
    /// What is proposed (`payment_plan`).
    pub kind: &'static str,
    /// One line for the approval queue.
    pub summary: String,
    /// The proposal's facts.
    pub payload: Value,
}

/// One event-log entry (the cause is the message).
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    /// The event type (`promise_recorded`, `contact_bounced`, …).
    pub kind: &'static str,
    /// The event's facts.
    pub data: Value,
}

/// Everything to do about one message.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Short snake_case name of what was done (`promise_recorded`, `handed_to_person`, …).
    pub action: String,
    /// Where the message ends up.
    pub status: Status,
    /// One line for people: intent, confidence, sender and the start of their words.
    pub summary: String,
    /// Event-log entries to write.
    pub events: Vec<EventDraft>,
    /// Work to open for a person.
    pub tasks: Vec<TaskDraft>,
    /// Proposals to queue for approval.
    pub approvals: Vec<ApprovalDraft>,
    /// The answer to write in the thread, if any.
    pub reply: Option<MessageContext>,
    /// Forward the original to the fallback address (with `summary`).
    pub forward: bool,
    /// An out-of-office return date to keep for the escalation state.
    pub out_of_office_until: Option<NaiveDate>,
}

impl Plan {
    fn new(action: &str, status: Status, summary: String) -> Self {
        Plan {
            action: action.to_string(),
            status,
            summary,
            events: Vec::new(),
            tasks: Vec::new(),
            approvals: Vec::new(),
            reply: None,
            forward: false,
            out_of_office_until: None,
        }
    }

    fn task(mut self, kind: &'static str, summary: String, context: Value) -> Self {
        self.tasks.push(TaskDraft {
            kind,
            summary,
            context,
        });
        self
    }
}

/// Decides what to do about `m`, changing `book` in place (the caller saves the diff).
pub fn plan(book: &mut AccountBook, m: &Inbound<'_>) -> Plan {
    let today = m.now.with_timezone(&book.account.timezone).date_naive();
    let c = m.classification;
    let mut plan = match c.kind {
        Kind::Bounce => bounce(book, m, c.bounce.as_ref()),
        Kind::AutoReply => auto_reply(m, today),
        Kind::Human => human(book, m, today),
    };
    if plan.reply.is_some() {
        let suppressed = if c.kind != Kind::Human || m.sender_is_own {
            Some("machine_or_own_sender")
        } else if book.deleted || !book.account.dunning_enabled {
            Some("account_not_written_to")
        } else if m.replies_today >= MAX_REPLIES_PER_DAY {
            Some("daily_reply_cap")
        } else {
            None
        };
        if let Some(why) = suppressed {
            plan.reply = None;
            plan.action = format!("{}; reply_suppressed:{why}", plan.action);
            if why != "machine_or_own_sender" {
                let summary = format!("Reply not sent ({why}): {}", plan.summary);
                plan = plan.task("inbound_reply_suppressed", summary, context(m));
                plan.status = Status::NeedsHuman;
            }
        }
    }
    plan
}

/// A one-line summary for the task list and the forwarded copy.
pub fn summary(c: &Classification, sender: &str) -> String {
    let what = match c.kind {
        Kind::Bounce => "bounce".to_string(),
        Kind::AutoReply => "auto-reply".to_string(),
        Kind::Human => match c.intents.first() {
            Some(i) => format!("{} ({:.2})", i.intent.as_str(), i.confidence),
            None => "other".to_string(),
        },
    };
    let words: String = c.new_text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut excerpt: String = words.chars().take(120).collect();
    if words.chars().count() > 120 {
        excerpt.push('…');
    }
    if excerpt.is_empty() {
        format!("{what} from {sender}")
    } else {
        format!("{what} from {sender}: \"{excerpt}\"")
    }
}

fn context(m: &Inbound<'_>) -> Value {
    json!({
        "inbound_message_id": m.id,
        "sender": m.sender,
        "primary_intent": m.classification.primary_intent,
        "new_text": m.classification.new_text.chars().take(2000).collect::<String>(),
    })
}

fn handover(m: &Inbound<'_>, why: &str) -> Plan {
    let s = summary(m.classification, m.sender);
    let mut plan = Plan::new("handed_to_person", Status::NeedsHuman, s.clone());
    let mut ctx = context(m);
    ctx["reason"] = json!(why);
    plan = plan.task("inbound_review", s, ctx);
    plan.forward = true;
    plan
}

/// A question asked beside something handled automatically: a person answers it, with the
/// question itself and what else the reply said in the task.
fn question(m: &Inbound<'_>) -> Plan {
    let c = m.classification;
    let asked = questions_in(&c.new_text);
    let s = summary(c, m.sender);
    let mut ctx = context(m);
    ctx["reason"] = json!("question");
    ctx["questions"] = json!(asked);
    ctx["intents"] = json!(c.intents);
    let one_line = asked.first().cloned().unwrap_or_else(|| s.clone());
    let mut plan = Plan::new("question_to_person", Status::NeedsHuman, s);
    plan = plan.task(
        "customer_question",
        format!("Answer {}: \"{one_line}\"", m.sender),
        ctx,
    );
    plan.forward = true;
    plan
}

/// The sentences of `text` that end in a question mark (at most five, 300 characters each).
fn questions_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, ch) in text.char_indices() {
        match ch {
            '.' | '!' | '\n' => start = i + ch.len_utf8(),
            '?' => {
                let q: String = text
                    .get(start..=i)
                    .unwrap_or("")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ");
                if q.len() > 1 && out.len() < 5 {
                    out.push(q.chars().take(300).collect());
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

// ---- machine mail ------------------------------------------------------------------------------

fn bounce(book: &mut AccountBook, m: &Inbound<'_>, info: Option<&BounceInfo>) -> Plan {
    let s = summary(m.classification, m.sender);
    let Some(b) = info else {
        return Plan::new("bounce_unreadable", Status::NeedsHuman, s.clone()).task(
            "bounce_review",
            s,
            context(m),
        );
    };
    let recipient = b.recipient.clone().unwrap_or_default().to_ascii_lowercase();
    let details = json!({
        "inbound_message_id": m.id, "recipient": recipient, "status": b.status,
        "permanent": b.permanent, "address_dead": b.address_dead,
    });
    if !b.permanent {
        // Transient: the sender retries; nothing to change.
        return Plan::new("bounce_transient_logged", Status::Processed, s);
    }
    if !b.address_dead {
        return Plan::new("bounce_permanent_review", Status::NeedsHuman, s).task(
            "bounce_review",
            format!(
                "Mail to {recipient} was refused permanently ({}), but the address may still work",
                b.status.as_deref().unwrap_or("no status")
            ),
            details,
        );
    }
    let Some(idx) = book.contacts.iter().position(|c| c.email == recipient) else {
        return Plan::new("bounce_unknown_recipient", Status::NeedsHuman, s).task(
            "bounce_review",
            format!("Bounce for {recipient}, which is not a contact of this account"),
            details,
        );
    };
    let was_preferred = book.contacts.get(idx).is_some_and(|c| c.preferred);
    let role = book.contacts.get(idx).map(|c| c.role);
    if let Some(c) = book.contacts.get_mut(idx) {
        c.status = ContactStatus::Bounced;
        c.preferred = false;
    }
    // The next reachable contact of the same role takes over the preference.
    if was_preferred {
        if let Some(next) = book
            .contacts
            .iter_mut()
            .find(|c| c.reachable() && Some(c.role) == role)
        {
            next.preferred = true;
        }
    }
    let mut plan = Plan::new("contact_bounced", Status::Processed, s);
    plan.events.push(EventDraft {
        kind: "contact_bounced",
        data: details.clone(),
    });
    if !book.contacts.iter().any(Contact::reachable) {
        plan.status = Status::NeedsHuman;
        plan.action = "contact_bounced_none_left".into();
        plan = plan.task(
            "find_contact",
            format!(
                "{recipient} bounced and {} has no reachable contact left",
                book.account.name
            ),
            details,
        );
    }
    plan
}

fn auto_reply(m: &Inbound<'_>, today: NaiveDate) -> Plan {
    let s = summary(m.classification, m.sender);
    match m.classification.out_of_office_until {
        Some(d) if d > today => {
            let mut plan = Plan::new("out_of_office_recorded", Status::Processed, s);
            plan.out_of_office_until = Some(d);
            plan.events.push(EventDraft {
                kind: "out_of_office_recorded",
                data: json!({"inbound_message_id": m.id, "until": d, "contact": m.sender}),
            });
            plan
        }
        _ => Plan::new("auto_reply_ignored", Status::Processed, s),
    }
}

// ---- human replies -----------------------------------------------------------------------------

fn human(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate) -> Plan {
    // A person writing from a contact marked bounced proves the address works again.
    let revived = match book.contacts.iter_mut().find(|x| x.email == m.sender) {
        Some(x) if x.status == ContactStatus::Bounced => {
            x.status = ContactStatus::Active;
            true
        }
        _ => false,
    };
    let mut plan = act_on_intent(book, m, today);
    if revived {
        plan.events.push(EventDraft {
            kind: "contact_reactivated",
            data: json!({"email": m.sender, "inbound_message_id": m.id}),
        });
    }
    plan
}

/// What one intent of a reply is about, for its handler.
struct Part<'r> {
    /// The invoice references the intent is about (empty: the reply names none for it).
    refs: &'r [String],
    /// Invoice ids the reply's other acted-on intents are about ("the other invoice is wrong"
    /// next to a promise on INV-2 does not put INV-2 on hold).
    elsewhere: Vec<String>,
    /// Invoice ids a dispute in the same reply is about.
    disputed: Vec<String>,
}

/// The intents of a reply that are acted on, primary first: those at or above
/// [`MIN_CONFIDENCE`], except `other`, a question that another intent answers, and a promise
/// where a payment plan is asked for (the plan's first instalment is part of the proposal).
fn acted_intents(c: &Classification) -> Vec<&ScoredIntent> {
    let mut out: Vec<&ScoredIntent> = Vec::new();
    let plan_asked = c
        .intents
        .iter()
        .any(|i| i.intent == Intent::PaymentPlanRequest && i.confidence >= MIN_CONFIDENCE);
    let contact_changes = c
        .intents
        .iter()
        .any(|i| i.intent == Intent::ContactChange && i.confidence >= MIN_CONFIDENCE);
    for (n, i) in c.intents.iter().enumerate() {
        let primary = n == 0;
        if i.confidence < MIN_CONFIDENCE || out.iter().any(|o| o.intent == i.intent) {
            continue;
        }
        let skip = match i.intent {
            Intent::Other => !primary,
            Intent::PromiseToPay => plan_asked,
            // "Send invoices to Tom from now on" names where invoices go, not a copy wanted.
            Intent::InvoiceCopyRequest => !primary && contact_changes,
            _ => false,
        };
        if !skip {
            out.push(i);
        }
    }
    out
}

fn act_on_intent(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate) -> Plan {
    let c = m.classification;
    let primary = c.primary_intent.unwrap_or(Intent::Other);
    let confidence = c
        .intents
        .iter()
        .find(|i| i.intent == primary)
        .map_or(0.0, |i| i.confidence);
    if confidence < MIN_CONFIDENCE {
        return handover(m, "low_confidence");
    }
    let acted = acted_intents(c);
    if acted.len() <= 1 {
        // One intent: it is about every invoice the customer named.
        let refs = acted
            .first()
            .filter(|i| !i.invoice_refs.is_empty())
            .map_or(c.invoice_refs.as_slice(), |i| i.invoice_refs.as_slice());
        let part = Part {
            refs,
            elsewhere: Vec::new(),
            disputed: Vec::new(),
        };
        return act_on_one(book, m, today, primary, &part);
    }
    // Several intents: each acts on its own invoices, and the answers go out as one reply
    // (the primary intent's, telling what else was done).
    let ids: Vec<Vec<String>> = acted
        .iter()
        .map(|i| referenced_ids(book, &i.invoice_refs))
        .collect();
    let disputed: Vec<String> = acted
        .iter()
        .zip(&ids)
        .filter(|(i, _)| i.intent == Intent::Dispute)
        .flat_map(|(_, v)| v.iter().cloned())
        .collect();
    let mut plans: Vec<(Intent, Plan)> = Vec::new();
    for (n, i) in acted.iter().enumerate() {
        let elsewhere: Vec<String> = ids
            .iter()
            .enumerate()
            .filter(|(k, _)| *k != n)
            .flat_map(|(_, v)| v.iter().cloned())
            .collect();
        let part = Part {
            refs: &i.invoice_refs,
            elsewhere,
            disputed: disputed.clone(),
        };
        let p = if i.intent == Intent::Question && n > 0 {
            question(m)
        } else {
            act_on_one(book, m, today, i.intent, &part)
        };
        plans.push((i.intent, p));
    }
    merge(plans)
}

fn act_on_one(
    book: &mut AccountBook,
    m: &Inbound<'_>,
    today: NaiveDate,
    intent: Intent,
    part: &Part<'_>,
) -> Plan {
    match intent {
        Intent::PromiseToPay => promise(book, m, today, part),
        Intent::PaymentPlanRequest => payment_plan(book, m, today),
        Intent::Dispute => dispute(book, m, today, part),
        Intent::InvoiceCopyRequest => invoice_copy(book, m, today, part),
        Intent::BillingUpdate => billing_update(book, m, today, part),
        Intent::AlreadyPaid => already_paid(book, m, today, part),
        Intent::ContactChange => contact_change(book, m, today),
        Intent::Question | Intent::Unsubscribe | Intent::LegalThreat | Intent::Other => {
            handover(m, intent.as_str())
        }
    }
}

/// One plan from the plans of several intents of one reply: every event, task and approval;
/// the message needs a person when any part does; the action names every part
/// (`dispute_opened+promise_recorded+handed_to_person`). One reply is sent: the first part's
/// that has one, carrying the facts of the others (`MessageContext::also`) and saying when a
/// person follows up. A legal threat or an opt-out gets no automatic answer at all.
fn merge(plans: Vec<(Intent, Plan)>) -> Plan {
    let silent = plans
        .iter()
        .any(|(i, _)| matches!(i, Intent::LegalThreat | Intent::Unsubscribe));
    let person_follows = plans.iter().any(|(i, p)| {
        p.reply.is_none() && (p.status == Status::NeedsHuman || *i == Intent::Question)
    });
    let mut out: Option<Plan> = None;
    let mut extra_replies: Vec<MessageContext> = Vec::new();
    for (_, p) in plans {
        let Some(acc) = out.as_mut() else {
            out = Some(p);
            continue;
        };
        acc.action = format!("{}+{}", acc.action, p.action);
        if p.status == Status::NeedsHuman {
            acc.status = Status::NeedsHuman;
        }
        acc.events.extend(p.events);
        acc.tasks.extend(p.tasks);
        acc.approvals.extend(p.approvals);
        acc.forward |= p.forward;
        acc.out_of_office_until = acc.out_of_office_until.or(p.out_of_office_until);
        match (acc.reply.is_some(), p.reply) {
            (false, Some(r)) => acc.reply = Some(r),
            (true, Some(r)) => extra_replies.push(r),
            _ => {}
        }
    }
    let mut plan =
        out.unwrap_or_else(|| Plan::new("handed_to_person", Status::NeedsHuman, String::new()));
    if silent {
        plan.reply = None;
        return plan;
    }
    if let Some(reply) = plan.reply.as_mut() {
        for other in extra_replies {
            fold_into(reply, other);
        }
        reply.person_follows = person_follows;
    }
    plan
}

/// Adds the facts of another answer to `reply`, so one message answers every part.
fn fold_into(reply: &mut MessageContext, other: MessageContext) {
    if other.kind != reply.kind && !reply.also.contains(&other.kind) {
        reply.also.push(other.kind);
    }
    if reply.promise.is_none() {
        reply.promise = other.promise;
    }
    if reply.dispute.is_none() {
        reply.dispute = other.dispute;
    }
    if reply.billing_update.is_none() {
        reply.billing_update = other.billing_update;
    }
    if reply.new_contact.is_none() {
        reply.new_contact = other.new_contact;
    }
    if reply.payment_received.is_none() {
        reply.payment_received = other.payment_received;
    }
    for line in other.invoices {
        if !reply.invoices.iter().any(|l| l.number == line.number) {
            reply.invoices.push(line);
        }
    }
}

fn reply_context(
    book: &AccountBook,
    m: &Inbound<'_>,
    kind: MessageKind,
    today: NaiveDate,
) -> MessageContext {
    let mut ctx = MessageContext::new(
        kind,
        if book.account.strategic {
            Tone::Gentle
        } else {
            Tone::Standard
        },
        reply_locale(&book.account.locale, m.classification.language.as_deref()),
        m.company_name,
        book.account.name.clone(),
        today,
        format!("Accounts Receivable\n{}", m.company_name),
    );
    ctx.contact_name = m
        .sender_name
        .map(str::to_string)
        .or_else(|| {
            book.contacts
                .iter()
                .find(|c| c.email == m.sender)
                .and_then(|c| c.name.clone())
        })
        .map(|n| n.split_whitespace().next().unwrap_or(&n).to_string());
    ctx
}

/// The locale to answer in: the language the customer wrote in, else the account's locale.
/// The account's own tag is kept when it is of that language (`de-AT` stays `de-AT`), so
/// numbers and dates follow the account's region.
pub fn reply_locale(account_locale: &str, written_in: Option<&str>) -> String {
    let account_language = account_locale
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match written_in {
        Some(lang) if !lang.is_empty() && !lang.eq_ignore_ascii_case(&account_language) => {
            lang.to_ascii_lowercase()
        }
        _ => account_locale.to_string(),
    }
}

fn line(inv: &Invoice, today: NaiveDate) -> InvoiceLine {
    InvoiceLine {
        number: inv.number.clone(),
        due_date: inv.due_date,
        days_overdue: inv.days_past_due(today),
        amount_open: inv.open_amount(),
        currency: inv.currency,
        payment_url: inv.payment_url.clone(),
        pdf_url: inv.pdf_url.clone(),
    }
}

fn normalise_number(n: &str) -> String {
    n.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Invoices of the book named by `refs` (number compared without punctuation or case; a bare
/// serial matches a number ending in it after a separator, e.g. `10482` ↔ `INV-10482`).
pub fn referenced_ids(book: &AccountBook, refs: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for r in refs {
        let want = normalise_number(r);
        if want.is_empty() {
            continue;
        }
        for inv in &book.invoices {
            let have = normalise_number(&inv.number);
            let suffix_match = want.len() >= 4
                && want.chars().all(|c| c.is_ascii_digit())
                && inv
                    .number
                    .rsplit(|c: char| !c.is_ascii_alphanumeric())
                    .next()
                    .is_some_and(|tail| normalise_number(tail) == want);
            if (have == want || suffix_match) && !out.contains(&inv.id) {
                out.push(inv.id.clone());
            }
        }
    }
    out
}

fn open_invoices(book: &AccountBook) -> Vec<&Invoice> {
    book.invoices
        .iter()
        .filter(|i| i.open_amount() > Decimal::ZERO)
        .collect()
}

fn overdue_ids(book: &AccountBook, today: NaiveDate) -> Vec<String> {
    book.invoices
        .iter()
        .filter(|i| i.is_overdue(today))
        .map(|i| i.id.clone())
        .collect()
}

fn numbers(book: &AccountBook, ids: &[String]) -> Vec<String> {
    ids.iter()
        .filter_map(|id| book.invoice(id).map(|i| i.number.clone()))
        .collect()
}

fn lines_for(book: &AccountBook, ids: &[String], today: NaiveDate) -> Vec<InvoiceLine> {
    ids.iter()
        .filter_map(|id| book.invoice(id))
        .map(|i| line(i, today))
        .collect()
}

fn promise(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate, part: &Part<'_>) -> Plan {
    let c = m.classification;
    let Some(details) = c.promise.as_ref() else {
        return handover(m, "promise_without_details");
    };
    let Some(date) = details.date else {
        return handover(m, "promise_without_date");
    };
    if date < today {
        return handover(m, "promise_date_in_the_past");
    }
    // A promise names the invoices it pays; those disputed in the same reply are not among them.
    let invoice_ids: Vec<String> = referenced_ids(book, part.refs)
        .into_iter()
        .filter(|id| !part.disputed.contains(id))
        .collect();
    let currency = details
        .currency
        .as_deref()
        .and_then(|code| Currency::parse(code).ok())
        .or(book.account.currency)
        .or_else(|| open_invoices(book).first().map(|i| i.currency));
    let id = format!("email:{}", m.id);
    if !book.promises.iter().any(|p| p.id == id) {
        // A new promise replaces the ones still running.
        for p in book
            .promises
            .iter_mut()
            .filter(|p| p.status == PromiseStatus::Active)
        {
            p.status = PromiseStatus::Cancelled;
        }
        book.promises.push(Promise {
            id: id.clone(),
            promised_date: date,
            amount: details.amount,
            currency: details.amount.and(currency),
            invoice_ids: invoice_ids.clone(),
            source: PromiseSource::Email,
            status: PromiseStatus::Active,
            made_at: m.now,
            paused_at_stage: None,
        });
    }
    let s = summary(c, m.sender);
    let mut plan = Plan::new("promise_recorded", Status::Processed, s);
    plan.events.push(EventDraft {
        kind: "promise_recorded",
        data: json!({"promise_id": id, "promised_date": date, "amount": details.amount,
                     "currency": currency.map(|c| c.code().to_string()), "invoice_ids": invoice_ids,
                     "inbound_message_id": m.id}),
    });
    let mut ctx = reply_context(book, m, MessageKind::PromiseConfirmation, today);
    let shown = if invoice_ids.is_empty() {
        overdue_ids(book, today)
    } else {
        invoice_ids
    };
    ctx.invoices = lines_for(book, &shown, today);
    ctx.promise = Some((
        date,
        details
            .amount
            .zip(currency)
            .map(|(a, cur)| Money::new(a, cur)),
    ));
    plan.reply = Some(ctx);
    plan
}

fn payment_plan(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate) -> Plan {
    let c = m.classification;
    let s = summary(c, m.sender);
    let overdue = overdue_ids(book, today);
    let mut plan = Plan::new(
        "payment_plan_approval_requested",
        Status::Processed,
        s.clone(),
    );
    plan.approvals.push(ApprovalDraft {
        kind: "payment_plan",
        summary: format!("Payment plan requested: {s}"),
        payload: json!({
            "inbound_message_id": m.id,
            "sender": m.sender,
            "invoices": numbers(book, &overdue),
            "new_text": c.new_text.chars().take(2000).collect::<String>(),
        }),
    });
    let mut ctx = reply_context(book, m, MessageKind::PaymentPlanReceived, today);
    ctx.invoices = lines_for(book, &overdue, today);
    plan.reply = Some(ctx);
    plan
}

fn dispute(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate, part: &Part<'_>) -> Plan {
    let c = m.classification;
    let category = c
        .dispute
        .map(|d| d.category)
        .unwrap_or(DisputeCategory::Other);
    // A dispute holds only the invoices it names as wrong. Naming none, it is about the
    // thread's invoices (the classifier gives it the subject's), else about every overdue
    // invoice the reply does not speak of otherwise ("we'll pay INV-2; the other one is wrong").
    let mut ids = referenced_ids(book, part.refs);
    if ids.is_empty() {
        ids = overdue_ids(book, today);
        ids.retain(|id| !part.elsewhere.contains(id));
    }
    if ids.is_empty() {
        return handover(m, "dispute_without_invoice");
    }
    let id = format!("email:{}", m.id);
    let already = book
        .disputes
        .iter()
        .any(|d| d.id == id || (d.is_open() && ids.iter().all(|i| d.invoice_ids.contains(i))));
    let first_line = c
        .new_text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| l.chars().take(200).collect::<String>());
    if !already {
        book.disputes.push(Dispute {
            id: id.clone(),
            category,
            invoice_ids: ids.clone(),
            status: DisputeStatus::Open,
            opened_at: m.now,
            resolved_at: None,
            summary: first_line,
        });
    }
    let s = summary(c, m.sender);
    let held = numbers(book, &ids);
    let mut plan = Plan::new(
        if already {
            "dispute_already_open"
        } else {
            "dispute_opened"
        },
        Status::Processed,
        s.clone(),
    );
    if !already {
        plan.events.push(EventDraft {
            kind: "dispute_opened",
            data: json!({"dispute_id": id, "category": category, "invoice_ids": ids,
                         "inbound_message_id": m.id}),
        });
        plan = plan.task(
            "dispute_review",
            format!("Review dispute on {}: {s}", held.join(", ")),
            context(m),
        );
    }
    let mut ctx = reply_context(book, m, MessageKind::DisputeAcknowledgement, today);
    ctx.invoices = open_invoices(book)
        .into_iter()
        .map(|i| line(i, today))
        .collect();
    ctx.dispute = Some((category, held));
    plan.reply = Some(ctx);
    plan
}

fn invoice_copy(
    book: &mut AccountBook,
    m: &Inbound<'_>,
    today: NaiveDate,
    part: &Part<'_>,
) -> Plan {
    let c = m.classification;
    let s = summary(c, m.sender);
    let named = referenced_ids(book, part.refs);
    let ids: Vec<String> = if !named.is_empty() {
        named
    } else if part.refs.is_empty() {
        open_invoices(book).iter().map(|i| i.id.clone()).collect()
    } else {
        Vec::new()
    };
    let mut plan = Plan::new("invoice_copy_sent", Status::Processed, s.clone());
    if ids.is_empty() {
        plan.action = "invoice_copy_not_found".into();
        plan.status = Status::NeedsHuman;
        plan = plan.task(
            "invoice_copy",
            format!("Send an invoice copy by hand: {s}"),
            context(m),
        );
    }
    let mut ctx = reply_context(book, m, MessageKind::InvoiceCopy, today);
    ctx.invoices = lines_for(book, &ids, today);
    plan.reply = Some(ctx);
    plan
}

fn billing_update(
    book: &mut AccountBook,
    m: &Inbound<'_>,
    today: NaiveDate,
    part: &Part<'_>,
) -> Plan {
    let c = m.classification;
    let mut ids = referenced_ids(book, part.refs);
    if ids.is_empty() {
        // A PO given without naming an invoice can only belong to the one open invoice.
        let open = open_invoices(book);
        if let [only] = open.as_slice() {
            ids.push(only.id.clone());
        }
    }
    let Some(po) = c.po_number.clone().filter(|_| !ids.is_empty()) else {
        return handover(m, "billing_update_needs_person");
    };
    for id in &ids {
        if let Some(inv) = book.invoice_mut(id) {
            inv.po_number = Some(po.clone());
        }
    }
    let mut plan = Plan::new("po_number_stored", Status::Processed, summary(c, m.sender));
    plan.events.push(EventDraft {
        kind: "po_number_updated",
        data: json!({"po_number": po, "invoice_ids": ids, "inbound_message_id": m.id}),
    });
    let mut ctx = reply_context(book, m, MessageKind::BillingUpdateConfirmed, today);
    ctx.invoices = lines_for(book, &ids, today);
    ctx.billing_update = Some(BillingUpdate {
        po_number: Some(po),
        note: None,
    });
    plan.reply = Some(ctx);
    plan
}

/// A payment that plausibly is the one the customer says they made: the named invoices are
/// already settled by a recorded payment, or an unapplied payment names one of them in its
/// reference or equals what is open on them (or on everything overdue).
pub fn find_payment<'b>(
    book: &'b AccountBook,
    invoice_ids: &[String],
    stated: Option<Decimal>,
    today: NaiveDate,
) -> Option<&'b Payment> {
    let named: Vec<&Invoice> = invoice_ids.iter().filter_map(|i| book.invoice(i)).collect();
    if !named.is_empty() && named.iter().all(|i| i.open_amount().is_zero()) {
        let settling = book
            .payments
            .iter()
            .filter(|p| {
                p.allocations
                    .iter()
                    .any(|a| invoice_ids.contains(&a.invoice_id))
            })
            .max_by_key(|p| p.received_on);
        if settling.is_some() {
            return settling;
        }
    }
    let open_named: Decimal = named.iter().map(|i| i.open_amount()).sum();
    let overdue: Decimal = book
        .invoices
        .iter()
        .filter(|i| i.is_overdue(today))
        .map(Invoice::open_amount)
        .sum();
    book.payments
        .iter()
        .filter(|p| p.unapplied() > Decimal::ZERO)
        .find(|p| {
            let by_reference = p.reference.as_deref().is_some_and(|r| {
                let r = normalise_number(r);
                named
                    .iter()
                    .any(|i| !i.number.is_empty() && r.contains(&normalise_number(&i.number)))
            });
            let amount = p.unapplied();
            let by_amount = (!open_named.is_zero() && amount == open_named)
                || (!overdue.is_zero() && amount == overdue)
                || stated.is_some_and(|s| s == amount);
            by_reference || by_amount
        })
}

fn already_paid(
    book: &mut AccountBook,
    m: &Inbound<'_>,
    today: NaiveDate,
    part: &Part<'_>,
) -> Plan {
    let c = m.classification;
    let s = summary(c, m.sender);
    let ids = referenced_ids(book, part.refs);
    let stated = c.promise.as_ref().and_then(|p| p.amount);
    match find_payment(book, &ids, stated, today) {
        Some(p) => {
            let mut plan = Plan::new("payment_confirmed", Status::Processed, s.clone());
            if p.unapplied() > Decimal::ZERO {
                plan = plan.task(
                    "apply_payment",
                    format!(
                        "Customer says paid; unapplied payment {} of {} {} matches: apply it",
                        p.id,
                        p.amount,
                        p.currency.code()
                    ),
                    json!({"inbound_message_id": m.id, "payment_id": p.id, "invoice_ids": ids}),
                );
            }
            let note = PaymentNote {
                received_on: p.received_on,
                amount: Money::new(p.amount, p.currency),
                reference: p.reference.clone(),
            };
            let mut ctx = reply_context(book, m, MessageKind::AlreadyPaidConfirmed, today);
            ctx.invoices = lines_for(book, &ids, today);
            ctx.payment_received = Some(note);
            plan.reply = Some(ctx);
            plan
        }
        None if m.remittance_attached => {
            // They sent the proof already: asking for it again would be wrong. A person
            // matches it (the forwarded copy carries the attachment).
            let mut plan = Plan::new("remittance_received", Status::NeedsHuman, s.clone());
            plan = plan.task(
                "match_remittance",
                format!("Remittance attached, no matching payment yet: {s}"),
                context(m),
            );
            plan.forward = true;
            plan
        }
        None => {
            let mut plan = Plan::new("remittance_requested", Status::NeedsHuman, s.clone());
            plan = plan.task(
                "payment_not_found",
                format!("Customer says paid but no payment found: {s}"),
                context(m),
            );
            let mut ctx = reply_context(book, m, MessageKind::AlreadyPaidAskRemittance, today);
            let shown = if ids.is_empty() {
                overdue_ids(book, today)
            } else {
                ids
            };
            ctx.invoices = lines_for(book, &shown, today);
            plan.reply = Some(ctx);
            plan
        }
    }
}

fn contact_change(book: &mut AccountBook, m: &Inbound<'_>, today: NaiveDate) -> Plan {
    let c = m.classification;
    let Some(new) = c
        .new_contacts
        .iter()
        .find(|n| !n.email.eq_ignore_ascii_case(m.sender))
    else {
        return handover(m, "contact_change_without_address");
    };
    let email = new.email.trim().to_ascii_lowercase();
    // The new AP contact is preferred; the others stay on file, no longer preferred.
    for other in book
        .contacts
        .iter_mut()
        .filter(|x| x.role == ContactRole::Ap && x.email != email)
    {
        other.preferred = false;
    }
    let existed = match book.contacts.iter_mut().find(|x| x.email == email) {
        Some(x) => {
            x.status = ContactStatus::Active;
            x.role = ContactRole::Ap;
            x.preferred = true;
            if x.name.is_none() {
                x.name = new.name.clone();
            }
            true
        }
        None => {
            book.contacts.push(Contact {
                email: email.clone(),
                name: new.name.clone(),
                role: ContactRole::Ap,
                status: ContactStatus::Active,
                preferred: true,
            });
            false
        }
    };
    let mut plan = Plan::new(
        if existed {
            "contact_switched"
        } else {
            "contact_added"
        },
        Status::Processed,
        summary(c, m.sender),
    );
    plan.events.push(EventDraft {
        kind: if existed {
            "contact_switched"
        } else {
            "contact_added"
        },
        data: json!({"email": email, "name": new.name, "role": "ap", "previous": m.sender,
                     "inbound_message_id": m.id}),
    });
    let mut ctx = reply_context(book, m, MessageKind::ContactChangeConfirmed, today);
    ctx.new_contact = Some(NewContact {
        name: new.name.clone(),
        email,
    });
    plan.reply = Some(ctx);
    plan
}

#[cfg(test)]
mod tests;
