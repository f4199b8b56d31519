//! From a policy decision to the bytes of one reminder: which template (stage → message kind),
//! which words (tone), which facts (the overdue invoices, promise and dispute context, late
//! charges) and which headers (the account's thread, a deterministic Message-ID, the reply-to
//! token). Pure: the caller passes the time, the book and the thread.
//!
//! It lives here rather than in the worker so that it tests natively. It needs the policy's
//! vocabulary (`Send`, `Stage`, the policy `Tone`), so this crate depends on `nudge-policy`;
//! `nudge-policy` depends only on `nudge-core`, so there is no cycle.

#![warn(missing_docs)]

use crate::{
    build_mime, message_id, render, thread_subject, ChargeLine, InvoiceLine, Mailbox,
    MessageContext, MessageKind, Outbound, Templates, Thread,
};
use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::ledger::AccountBook;
use nudge_core::money::Money;
use nudge_core::promise::PromiseStatus;
use nudge_policy::{Policy, Send, Stage, Tone};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The message kind of a ladder stage; `None` for stages that are never an email.
pub fn message_kind(stage: Stage) -> Option<MessageKind> {
    match stage {
        Stage::Courtesy => Some(MessageKind::Courtesy),
        Stage::Friendly => Some(MessageKind::Reminder),
        Stage::Firm => Some(MessageKind::FirmReminder),
        Stage::Final => Some(MessageKind::FinalNotice),
        Stage::None | Stage::Review => None,
    }
}

/// The policy's tone in the template vocabulary.
pub fn tone(t: Tone) -> crate::Tone {
    match t {
        Tone::Gentle => crate::Tone::Gentle,
        Tone::Friendly => crate::Tone::Standard,
        Tone::Firm => crate::Tone::Firm,
        Tone::Formal => crate::Tone::Final,
    }
}

/// The domain of an address (`ar@nudge.example.com` → `nudge.example.com`).
pub fn domain_of(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim().trim_end_matches('>'))
        .unwrap_or("nudge.invalid")
}

/// The sender's identity and the account's thread.
#[derive(Debug, Clone)]
pub struct Sender<'a> {
    /// Our company's name: the `From:` display name and the signature.
    pub company_name: &'a str,
    /// The `From:` address.
    pub from_address: &'a str,
    /// The address replies come back to; its domain carries the `ar+<token>@…` Reply-To.
    pub inbound_address: &'a str,
    /// The account's reply token (`accounts.reply_token`).
    pub reply_token: &'a str,
}

/// One composed message, ready to send (or to draft for approval).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Composed {
    /// The policy step this message is for (one message per account and step).
    pub step_key: String,
    /// The message kind (`MessageKind::as_str`, e.g. `firm_reminder`).
    pub kind: String,
    /// The ladder stage that asked for it.
    pub stage: Stage,
    /// Envelope and header recipient.
    pub to: String,
    /// The `Subject:` header (the thread's subject, `Re:` once the thread has history).
    pub subject: String,
    /// This message's own one-line summary ("Reminder: 2 overdue invoices").
    pub summary: String,
    /// Without angle brackets.
    pub message_id: String,
    /// The whole RFC 5322 message.
    pub raw: String,
    /// The plain-text part, for the approval queue.
    pub text: String,
}

/// Why a message could not be composed (nothing is sent then; the decision is logged).
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The decision's stage is not one we write to the customer about (`Review`, `None`).
    #[error("stage {0} is not an email stage")]
    NotAnEmail(Stage),
    /// The template set failed to render the message.
    #[error("template: {0}")]
    Template(#[from] crate::TemplateError),
    /// The rendered message could not be built into MIME.
    #[error("mime: {0}")]
    Mime(#[from] crate::BuildError),
}

/// The local date of `now` in the account's timezone.
pub fn local_today(book: &AccountBook, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&book.account.timezone).date_naive()
}

/// The facts of a reminder: kind, tone, the invoices named by the decision, the active promise,
/// the open dispute and the quoted late charges.
pub fn context(
    book: &AccountBook,
    send: &Send<'_>,
    policy: &Policy,
    today: NaiveDate,
    company_name: &str,
) -> Result<MessageContext, ComposeError> {
    let kind = message_kind(send.stage).ok_or(ComposeError::NotAnEmail(send.stage))?;
    let signature = format!("Accounts Receivable\n{}", company_name.trim());
    let mut ctx = MessageContext::new(
        kind,
        tone(send.tone),
        book.account.locale.clone(),
        company_name,
        book.account.name.clone(),
        today,
        signature,
    );
    ctx.contact_name = book
        .contacts
        .iter()
        .find(|c| c.email.eq_ignore_ascii_case(&send.to))
        .and_then(|c| c.name.clone());
    ctx.invoices = send
        .invoice_ids
        .iter()
        .filter_map(|id| book.invoice(id))
        .map(|i| InvoiceLine {
            number: i.number.clone(),
            due_date: i.due_date,
            days_overdue: i.days_past_due(today),
            amount_open: i.open_amount(),
            currency: i.currency,
            payment_url: i.payment_url.clone(),
            pdf_url: i.pdf_url.clone(),
        })
        .collect();
    // The customer's latest promise that is still open or was broken: an active one is quoted
    // ("as agreed, by …"), a broken one is held to ("you told us … but we have not received it").
    ctx.promise = book
        .promises
        .iter()
        .filter(|p| matches!(p.status, PromiseStatus::Active | PromiseStatus::Broken))
        .max_by_key(|p| p.made_at)
        .map(|p| {
            let amount = p
                .amount
                .zip(p.currency.or(book.account.currency))
                .map(|(a, c)| Money::new(a, c));
            (p.promised_date, amount)
        });
    ctx.dispute = book.disputes.iter().find(|d| d.is_open()).map(|d| {
        let numbers = d
            .invoice_ids
            .iter()
            .filter_map(|id| book.invoice(id))
            .map(|i| i.number.clone())
            .collect();
        (d.category, numbers)
    });
    if !send.late_charges.is_empty() {
        let mut lines = Vec::new();
        for c in &send.late_charges {
            let number = book
                .invoice(&c.invoice_id)
                .map_or(c.invoice_id.as_str(), |i| i.number.as_str());
            if c.interest > Decimal::ZERO {
                lines.push(ChargeLine {
                    description: format!(
                        "Late-payment interest on {number} ({} days)",
                        c.days_overdue
                    ),
                    amount: Money::new(c.interest, c.currency),
                });
            }
            if c.compensation > Decimal::ZERO {
                lines.push(ChargeLine {
                    description: format!("Fixed recovery compensation on {number}"),
                    amount: Money::new(c.compensation, c.currency),
                });
            }
        }
        ctx.late_charges = (!lines.is_empty()).then_some(lines);
    }
    if kind == MessageKind::FinalNotice {
        ctx.respond_by = Some(
            policy
                .calendar
                .add_business_days(today, policy.cadence.min_gap_business_days.max(1)),
        );
    }
    Ok(ctx)
}

/// Composes the message for `send`: renders it and builds the MIME message threaded on
/// `previous_ids` (oldest first) under the account's stable `subject`.
#[allow(clippy::too_many_arguments)]
pub fn compose(
    book: &AccountBook,
    send: &Send<'_>,
    policy: &Policy,
    sender: &Sender<'_>,
    thread: &Thread,
    templates: &Templates,
    now: DateTime<Utc>,
) -> Result<Composed, ComposeError> {
    let today = local_today(book, now);
    let ctx = context(book, send, policy, today, sender.company_name)?;
    let rendered = render(&ctx, templates)?;
    let account_id = book.account.id.as_str();
    let id = message_id(&send.step_key, account_id, domain_of(sender.from_address));
    let to_name = ctx.contact_name.clone();
    let outbound = Outbound {
        from: Mailbox::new(Some(sender.company_name), sender.from_address),
        reply_to: crate::reply_address(sender.reply_token, domain_of(sender.inbound_address)),
        to: vec![Mailbox::new(to_name.as_deref(), send.to.as_ref())],
        // Cc'd contacts would need their own envelope (send_email has one recipient per
        // message); reminders go to the chosen contact only.
        cc: Vec::new(),
        message_id: id.clone(),
        thread: thread.clone(),
        rendered: rendered.clone(),
        date: now,
    };
    let raw = build_mime(&outbound)?;
    let raw = String::from_utf8_lossy(&raw).into_owned();
    // What the `Subject:` header says, decoded (build_mime writes it RFC 2047-encoded).
    let base = if thread.subject.trim().is_empty() {
        rendered.subject.clone()
    } else {
        thread.subject.trim().to_string()
    };
    let subject = if thread.previous_message_ids.is_empty() || base.starts_with("Re: ") {
        base
    } else {
        format!("Re: {base}")
    };
    Ok(Composed {
        step_key: send.step_key.clone(),
        kind: ctx.kind.as_str().to_string(),
        stage: send.stage,
        to: send.to.to_string(),
        subject,
        summary: rendered.subject,
        message_id: id,
        raw,
        text: rendered.text,
    })
}

/// The account thread's stable subject (computed once and kept by the caller).
pub fn stable_subject(book: &AccountBook, company_name: &str, templates: &Templates) -> String {
    thread_subject(
        company_name,
        &book.account.name,
        &book.account.locale,
        templates,
    )
    .unwrap_or_else(|_| format!("Your account with {company_name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use nudge_core::ledger::{
        Account, Contact, ContactRole, ContactStatus, Invoice, InvoiceStatus,
    };
    use nudge_core::money::Currency;
    use std::borrow::Cow;

    fn book() -> AccountBook {
        let mut a = Account::new("erp:C-1", "Globex");
        a.timezone = chrono_tz::Europe::Berlin.into();
        let mut b = AccountBook::new(a);
        b.contacts.push(Contact {
            email: "anna@globex.example".into(),
            name: Some("Anna".into()),
            role: ContactRole::Ap,
            status: ContactStatus::Active,
            preferred: true,
        });
        b.invoices.push(Invoice {
            id: "erp:I-1".into(),
            number: "INV-1".into(),
            issue_date: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            due_date: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap(),
            currency: Currency::EUR,
            total: Decimal::new(120_000, 2),
            paid: Decimal::ZERO,
            credited: Decimal::ZERO,
            status: InvoiceStatus::Open,
            paid_on: None,
            po_number: None,
            payment_url: Some("https://pay.example/1".into()),
            pdf_url: None,
            auto_collection: false,
            auto_collection_exhausted: false,
        });
        b
    }

    fn send(stage: Stage, t: Tone) -> Send<'static> {
        Send {
            stage,
            tone: t,
            to: Cow::Borrowed("anna@globex.example"),
            cc: vec![],
            invoice_ids: vec![Cow::Borrowed("erp:I-1")],
            step_key: format!("{stage}:1"),
            late_charges: vec![],
        }
    }

    #[test]
    fn stages_map_to_kinds_and_tones_to_template_tones() {
        assert_eq!(message_kind(Stage::Friendly), Some(MessageKind::Reminder));
        assert_eq!(message_kind(Stage::Final), Some(MessageKind::FinalNotice));
        assert_eq!(message_kind(Stage::Review), None);
        assert_eq!(tone(Tone::Formal), crate::Tone::Final);
        assert_eq!(domain_of("ar@nudge.example.com"), "nudge.example.com");
        assert_eq!(domain_of("nope"), "nudge.invalid");
    }

    #[test]
    fn a_reminder_is_threaded_with_a_deterministic_id_and_reply_token() {
        let b = book();
        let templates = Templates::builtin();
        let now = Utc.with_ymd_and_hms(2026, 2, 5, 9, 30, 0).unwrap();
        let sender = Sender {
            company_name: "Example Supplies Ltd",
            from_address: "ar@nudge.example.com",
            inbound_address: "ar@nudge.example.com",
            reply_token: "abc123",
        };
        let thread = Thread {
            subject: stable_subject(&b, sender.company_name, &templates),
            previous_message_ids: vec!["prev@nudge.example.com".into()],
        };
        let s = send(Stage::Firm, Tone::Firm);
        let c = compose(
            &b,
            &s,
            &Policy::default(),
            &sender,
            &thread,
            &templates,
            now,
        )
        .unwrap();
        assert_eq!(
            c.message_id,
            message_id("firm:1", "erp:C-1", "nudge.example.com")
        );
        assert!(c.raw.contains("In-Reply-To: <prev@nudge.example.com>"));
        assert!(c.raw.contains("ar+abc123@nudge.example.com"));
        assert!(c.raw.contains("Auto-Submitted: auto-generated"));
        assert_eq!(
            c.subject,
            "Re: Your account with Example Supplies Ltd — Globex"
        );
        assert!(c.text.contains("INV-1"));
        assert_eq!(c.kind, "firm_reminder");
        let again = compose(
            &b,
            &s,
            &Policy::default(),
            &sender,
            &thread,
            &templates,
            now,
        )
        .unwrap();
        assert_eq!(again, c, "same step, same bytes");
    }

    #[test]
    fn a_review_stage_is_never_composed() {
        let b = book();
        let now = Utc.with_ymd_and_hms(2026, 2, 5, 9, 30, 0).unwrap();
        let ctx = context(
            &b,
            &send(Stage::Review, Tone::Formal),
            &Policy::default(),
            local_today(&b, now),
            "X",
        );
        assert!(matches!(ctx, Err(ComposeError::NotAnEmail(Stage::Review))));
    }

    #[test]
    fn final_notices_name_a_respond_by_date() {
        let b = book();
        let today = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        let ctx = context(
            &b,
            &send(Stage::Final, Tone::Formal),
            &Policy::default(),
            today,
            "X",
        )
        .unwrap();
        assert!(ctx.respond_by.is_some_and(|d| d > today));
        assert_eq!(ctx.invoices.len(), 1);
        assert_eq!(ctx.invoices[0].days_overdue, 33);
    }
}
