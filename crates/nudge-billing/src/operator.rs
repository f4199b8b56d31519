//! A collector's own changes to an account's book: a promise taken on a call, a dispute
//! resolved (credited, rejected or withdrawn, so its invoices leave dunning or return to it), the
//! account's owner and strategic flag, contacts added, changed or deactivated, a note. Pure: the
//! account's object loads the book, applies the action here and writes the result with the
//! event this returns. Invalid input names its field and changes nothing.

use chrono::{DateTime, NaiveDate, Utc};
use nudge_core::dispute::DisputeStatus;
use nudge_core::event_log::LedgerEvent;
use nudge_core::ledger::{AccountBook, Contact, ContactRole, ContactStatus};
use nudge_core::money::Currency;
use nudge_core::promise::{Promise, PromiseSource, PromiseStatus};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::error::FieldError;

/// How a dispute ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// In the customer's favour, with a credit note: what is still open stays out of dunning
    /// only as far as the billing system credits it.
    Credited,
    /// Against the customer: the invoice returns to dunning after a fresh grace period.
    Rejected,
    /// The customer withdrew it: the invoice returns to dunning.
    Withdrawn,
}

/// A new owner, or none. (An explicit enum: `Option<Option<_>>` does not survive JSON.)
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerChange {
    Clear,
    Set(String),
}

/// One action of a collector on an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum OperatorAction {
    /// A promise to pay taken by a person (a call): replaces the promises still running.
    RecordPromise {
        promised_date: NaiveDate,
        amount: Option<Decimal>,
        currency: Option<Currency>,
        /// The invoices it covers; empty = the account's overdue balance.
        invoice_ids: Vec<String>,
        note: Option<String>,
    },
    /// Closes an open dispute.
    ResolveDispute {
        dispute_id: String,
        outcome: DisputeOutcome,
        note: Option<String>,
    },
    /// Marks the account strategic (or not) and sets or clears its owner.
    SetOwner {
        strategic: Option<bool>,
        /// `None` keeps the owner.
        owner: Option<OwnerChange>,
    },
    /// Adds a contact, or changes the one with this address.
    UpsertContact {
        email: String,
        name: Option<String>,
        role: Option<ContactRole>,
        preferred: Option<bool>,
    },
    /// Nudge stops writing to this contact.
    DeactivateContact { email: String },
    /// A note for the account's timeline.
    Note { text: String },
}

/// Longest note or summary kept.
const MAX_TEXT: usize = 4_000;

fn text(field: &str, value: &Option<String>) -> Result<Option<String>, FieldError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_TEXT => Err(FieldError::new(
            field,
            format!("at most {MAX_TEXT} characters"),
        )),
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// A plausible address, lower-cased.
fn address(field: &str, email: &str) -> Result<String, FieldError> {
    let e = email.trim().to_ascii_lowercase();
    let ok = e.matches('@').count() == 1
        && !e.starts_with('@')
        && e.rsplit('@').next().is_some_and(|d| d.contains('.'))
        && !e.contains(char::is_whitespace)
        && !e.contains(['<', '>', ',', ';', '"']);
    if ok {
        Ok(e)
    } else {
        Err(FieldError::new(field, "must be an email address"))
    }
}

/// Applies `action` to `book` (a person `by`, at `now`; `today` in the account's timezone) and
/// returns the event-log entry recording it. On error the book is unchanged.
pub fn apply(
    book: &mut AccountBook,
    action: &OperatorAction,
    by: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<LedgerEvent, Vec<FieldError>> {
    let one = |e: FieldError| vec![e];
    let (kind, data) = match action {
        OperatorAction::RecordPromise {
            promised_date,
            amount,
            currency,
            invoice_ids,
            note,
        } => {
            let mut errors = Vec::new();
            if *promised_date < today {
                errors.push(FieldError::new("promised_date", "must not be in the past"));
            }
            if amount.is_some_and(|a| a <= Decimal::ZERO) {
                errors.push(FieldError::new("amount", "must be greater than 0"));
            }
            for (i, id) in invoice_ids.iter().enumerate() {
                if !book.invoices.iter().any(|inv| &inv.id == id) {
                    errors.push(FieldError::new(
                        format!("invoice_ids[{i}]"),
                        format!("no invoice {id} on this account"),
                    ));
                }
            }
            let note = text("note", note).map_err(|e| {
                errors.push(e);
            });
            if !errors.is_empty() {
                return Err(errors);
            }
            let currency = currency.or(book.account.currency).or_else(|| {
                book.invoices
                    .iter()
                    .find(|i| !i.open_amount().is_zero())
                    .map(|i| i.currency)
            });
            for p in book
                .promises
                .iter_mut()
                .filter(|p| p.status == PromiseStatus::Active)
            {
                p.status = PromiseStatus::Cancelled;
            }
            let id = format!(
                "operator:{}:{}",
                now.timestamp_millis(),
                book.promises.len()
            );
            book.promises.push(Promise {
                id: id.clone(),
                promised_date: *promised_date,
                amount: *amount,
                currency: amount.and(currency),
                invoice_ids: invoice_ids.clone(),
                source: PromiseSource::Operator,
                status: PromiseStatus::Active,
                made_at: now,
                paused_at_stage: None,
            });
            (
                "promise_recorded",
                json!({"promise_id": id, "promised_date": promised_date, "amount": amount,
                       "currency": currency.map(|c| c.code().to_string()),
                       "invoice_ids": invoice_ids, "note": note.ok().flatten()}),
            )
        }
        OperatorAction::ResolveDispute {
            dispute_id,
            outcome,
            note,
        } => {
            let note = text("note", note).map_err(one)?;
            let Some(d) = book.disputes.iter_mut().find(|d| &d.id == dispute_id) else {
                return Err(one(FieldError::new(
                    "dispute_id",
                    format!("no dispute {dispute_id} on this account"),
                )));
            };
            if !d.is_open() {
                return Err(one(FieldError::new(
                    "dispute_id",
                    "the dispute is already closed",
                )));
            }
            d.status = match outcome {
                DisputeOutcome::Credited => DisputeStatus::ResolvedCredited,
                DisputeOutcome::Rejected => DisputeStatus::ResolvedRejected,
                DisputeOutcome::Withdrawn => DisputeStatus::Withdrawn,
            };
            d.resolved_at = Some(now);
            (
                "dispute_resolved",
                json!({"dispute_id": dispute_id, "outcome": outcome,
                       "invoice_ids": d.invoice_ids, "note": note,
                       "days_open": (now - d.opened_at).num_days()}),
            )
        }
        OperatorAction::SetOwner { strategic, owner } => {
            let owner = match owner {
                Some(OwnerChange::Set(o)) => Some(text("owner", &Some(o.clone())).map_err(one)?),
                Some(OwnerChange::Clear) => Some(None),
                None => None,
            };
            if let Some(s) = strategic {
                book.account.strategic = *s;
            }
            if let Some(o) = &owner {
                book.account.owner = o.clone();
            }
            (
                "owner_set",
                json!({"strategic": book.account.strategic, "owner": book.account.owner}),
            )
        }
        OperatorAction::UpsertContact {
            email,
            name,
            role,
            preferred,
        } => {
            let email = address("email", email).map_err(one)?;
            let name = text("name", name).map_err(one)?;
            let created = !book.contacts.iter().any(|c| c.email == email);
            if created {
                book.contacts.push(Contact {
                    email: email.clone(),
                    name: None,
                    role: ContactRole::Ap,
                    status: ContactStatus::Active,
                    preferred: false,
                });
            }
            let contact = book
                .contacts
                .iter_mut()
                .find(|c| c.email == email)
                .ok_or_else(|| one(FieldError::new("email", "contact vanished")))?;
            if name.is_some() {
                contact.name = name;
            }
            if let Some(r) = role {
                contact.role = *r;
            }
            if let Some(p) = preferred {
                contact.preferred = *p;
            }
            // A person re-adding a contact means to write to it again.
            contact.status = ContactStatus::Active;
            let role = contact.role;
            (
                if created {
                    "contact_added"
                } else {
                    "contact_updated"
                },
                json!({"email": email, "role": role}),
            )
        }
        OperatorAction::DeactivateContact { email } => {
            let email = address("email", email).map_err(one)?;
            let Some(c) = book.contacts.iter_mut().find(|c| c.email == email) else {
                return Err(one(FieldError::new(
                    "email",
                    format!("no contact {email} on this account"),
                )));
            };
            c.status = ContactStatus::Inactive;
            c.preferred = false;
            ("contact_deactivated", json!({"email": email}))
        }
        OperatorAction::Note { text: t } => {
            let note = text("text", &Some(t.clone()))
                .map_err(one)?
                .ok_or_else(|| one(FieldError::new("text", "required")))?;
            ("note_added", json!({"text": note}))
        }
    };
    LedgerEvent::new(now, kind, format!("operator:{by}"), data)
        .map_err(|e| vec![FieldError::new("by", e.to_string())])
}

#[cfg(test)]
mod tests {
    use super::*;
    use nudge_core::dispute::{Dispute, DisputeCategory};
    use nudge_core::ledger::{Account, Invoice};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn book() -> AccountBook {
        let mut b = AccountBook::new(Account::new("erp:C-1", "Globex"));
        let inv: Invoice = serde_json::from_value(json!({
            "id": "erp:I-1", "number": "INV-1", "issue_date": "2026-01-01",
            "due_date": "2026-02-01", "currency": "EUR", "total": "100", "paid": "0",
            "credited": "0", "status": "open", "paid_on": null, "po_number": null,
            "payment_url": null, "pdf_url": null, "auto_collection": false,
            "auto_collection_exhausted": false
        }))
        .unwrap();
        b.invoices.push(inv);
        b.disputes.push(Dispute {
            id: "d-1".into(),
            category: DisputeCategory::Pricing,
            invoice_ids: vec!["erp:I-1".into()],
            status: DisputeStatus::Open,
            opened_at: t("2026-02-10T10:00:00Z"),
            resolved_at: None,
            summary: None,
        });
        b
    }

    const TODAY: &str = "2026-03-02";

    fn today() -> NaiveDate {
        TODAY.parse().unwrap()
    }

    #[test]
    fn a_promise_from_a_call_replaces_the_running_one() {
        let mut b = book();
        let now = t("2026-03-02T10:00:00Z");
        let promise = |d: &str| OperatorAction::RecordPromise {
            promised_date: d.parse().unwrap(),
            amount: Some(Decimal::new(10000, 2)),
            currency: None,
            invoice_ids: vec!["erp:I-1".into()],
            note: Some("called Jane".into()),
        };
        apply(&mut b, &promise("2026-03-10"), "ann", today(), now).unwrap();
        let e = apply(&mut b, &promise("2026-03-12"), "ann", today(), now).unwrap();
        assert_eq!(e.kind, "promise_recorded");
        assert_eq!(e.cause, "operator:ann");
        let statuses: Vec<_> = b.promises.iter().map(|p| p.status).collect();
        assert_eq!(
            statuses,
            vec![PromiseStatus::Cancelled, PromiseStatus::Active]
        );
        assert_eq!(b.promises[1].source, PromiseSource::Operator);
        assert_eq!(
            b.promises[1].currency,
            Some(Currency::parse("EUR").unwrap())
        );
    }

    #[test]
    fn bad_promises_name_every_field_and_change_nothing() {
        let mut b = book();
        let before = b.clone();
        let errors = apply(
            &mut b,
            &OperatorAction::RecordPromise {
                promised_date: "2026-03-01".parse().unwrap(),
                amount: Some(Decimal::ZERO),
                currency: None,
                invoice_ids: vec!["erp:I-404".into()],
                note: None,
            },
            "ann",
            today(),
            t("2026-03-02T10:00:00Z"),
        )
        .unwrap_err();
        let paths: Vec<_> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, vec!["promised_date", "amount", "invoice_ids[0]"]);
        assert_eq!(b, before);
    }

    #[test]
    fn a_dispute_is_resolved_once() {
        let mut b = book();
        let now = t("2026-03-02T10:00:00Z");
        let resolve = OperatorAction::ResolveDispute {
            dispute_id: "d-1".into(),
            outcome: DisputeOutcome::Rejected,
            note: None,
        };
        let e = apply(&mut b, &resolve, "ann", today(), now).unwrap();
        assert_eq!(e.data["days_open"], 20); // 10 Feb to 2 Mar 2026
        assert_eq!(b.disputes[0].status, DisputeStatus::ResolvedRejected);
        assert_eq!(b.disputes[0].resolved_at, Some(now));
        let again = apply(&mut b, &resolve, "ann", today(), now).unwrap_err();
        assert_eq!(again[0].path, "dispute_id");
        let unknown = OperatorAction::ResolveDispute {
            dispute_id: "d-9".into(),
            outcome: DisputeOutcome::Withdrawn,
            note: None,
        };
        assert!(apply(&mut b, &unknown, "ann", today(), now).is_err());
    }

    #[test]
    fn contacts_are_added_changed_and_deactivated() {
        let mut b = book();
        let now = t("2026-03-02T10:00:00Z");
        let add = OperatorAction::UpsertContact {
            email: " AP@Globex.Example ".into(),
            name: Some("Jane".into()),
            role: Some(ContactRole::Ap),
            preferred: Some(true),
        };
        assert_eq!(
            apply(&mut b, &add, "ann", today(), now).unwrap().kind,
            "contact_added"
        );
        assert_eq!(b.contacts[0].email, "ap@globex.example");
        assert!(b.contacts[0].preferred);
        let off = OperatorAction::DeactivateContact {
            email: "ap@globex.example".into(),
        };
        apply(&mut b, &off, "ann", today(), now).unwrap();
        assert_eq!(b.contacts[0].status, ContactStatus::Inactive);
        assert!(!b.contacts[0].reachable());
        assert_eq!(
            apply(&mut b, &add, "ann", today(), now).unwrap().kind,
            "contact_updated"
        );
        assert_eq!(b.contacts[0].status, ContactStatus::Active);
        let bad = OperatorAction::UpsertContact {
            email: "not an address".into(),
            name: None,
            role: None,
            preferred: None,
        };
        assert_eq!(
            apply(&mut b, &bad, "ann", today(), now).unwrap_err()[0].path,
            "email"
        );
    }

    #[test]
    fn owner_strategic_and_notes() {
        let mut b = book();
        let now = t("2026-03-02T10:00:00Z");
        let set = OperatorAction::SetOwner {
            strategic: Some(true),
            owner: Some(OwnerChange::Set("kim@supplier.example".into())),
        };
        apply(&mut b, &set, "ann", today(), now).unwrap();
        assert!(b.account.strategic);
        assert_eq!(b.account.owner.as_deref(), Some("kim@supplier.example"));
        let clear = OperatorAction::SetOwner {
            strategic: None,
            owner: Some(OwnerChange::Clear),
        };
        // What crosses the object boundary as JSON must come back the same.
        let back: OperatorAction =
            serde_json::from_str(&serde_json::to_string(&clear).unwrap()).unwrap();
        assert_eq!(back, clear);
        apply(&mut b, &clear, "ann", today(), now).unwrap();
        assert_eq!(b.account.owner, None);
        assert!(b.account.strategic);
        let empty = OperatorAction::Note { text: "  ".into() };
        assert_eq!(
            apply(&mut b, &empty, "ann", today(), now).unwrap_err()[0].path,
            "text"
        );
    }
}
