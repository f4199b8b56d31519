//! Validation of ERP bodies into [`ErpEvent`]s. All-or-nothing: a batch with any invalid field
//! yields every error and no events.

use std::collections::HashSet;

use nudge_core::ledger::{
    Allocation, Contact, ContactRole, ContactStatus, CreditNote, Invoice, InvoiceStatus, Payment,
};
use rust_decimal::Decimal;
use serde_json::Value;

use super::fields::{valid_email, Fields};
use super::model::{ErpEvent, ErpPayload};
use crate::change::{erp_ref, AccountUpsert};
use crate::error::FieldError;

/// The most events one request may carry.
pub const MAX_BATCH: usize = 500;

/// Parses and validates a body: one event, an array of up to [`MAX_BATCH`] events, or
/// `{"events": [...]}`. Returns every invalid field (paths `events[i].…`) or all events.
pub fn parse_batch(body: &[u8]) -> Result<Vec<ErpEvent>, Vec<FieldError>> {
    let value: Value = crate::json_text::text(body)
        .and_then(serde_json::from_str)
        .map_err(|e| vec![FieldError::new("body", format!("not valid JSON: {e}"))])?;
    let items: Vec<&Value> = match &value {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => match map.get("events") {
            Some(Value::Array(items)) if !map.contains_key("type") => items.iter().collect(),
            Some(_) if !map.contains_key("type") => {
                return Err(vec![FieldError::new(
                    "events",
                    "must be an array of events",
                )])
            }
            _ => vec![&value],
        },
        _ => {
            return Err(vec![FieldError::new(
                "body",
                "must be an event object or an array of events",
            )])
        }
    };
    if items.is_empty() {
        return Err(vec![FieldError::new(
            "events",
            "must hold at least one event",
        )]);
    }
    if items.len() > MAX_BATCH {
        return Err(vec![FieldError::new(
            "events",
            format!(
                "holds {} events; at most {MAX_BATCH} per request",
                items.len()
            ),
        )]);
    }
    let mut errors = Vec::new();
    let mut events = Vec::with_capacity(items.len());
    let mut seen = HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("events[{i}]");
        if let Some(event) = parse_event(item, path.clone(), &mut errors) {
            if !seen.insert(event.id.clone()) {
                errors.push(FieldError::new(
                    format!("{path}.id"),
                    format!("`{}` appears more than once in this batch", event.id),
                ));
            }
            events.push(event);
        }
    }
    if errors.is_empty() {
        Ok(events)
    } else {
        Err(errors)
    }
}

/// The event types of the contract and the key of their payload object.
const TYPES: &[(&str, &str)] = &[
    ("customer.upsert", "customer"),
    ("contact.upsert", "contact"),
    ("invoice.upsert", "invoice"),
    ("invoice.void", "invoice"),
    ("payment.received", "payment"),
    ("credit_note.issued", "credit_note"),
];

fn parse_event(value: &Value, path: String, errors: &mut Vec<FieldError>) -> Option<ErpEvent> {
    let mut f = Fields::new(value, path, errors)?;
    let start = f.error_count();
    let id = f.req_str("id");
    let occurred_at = f.req_datetime("occurred_at");
    let event_type = f.req_str("type");
    let kind = event_type.as_deref().and_then(|t| {
        let found = TYPES.iter().find(|(name, _)| *name == t).copied();
        if found.is_none() {
            let known: Vec<&str> = TYPES.iter().map(|(n, _)| *n).collect();
            f.error("type", format!("`{t}` is not one of {}", known.join(", ")));
        }
        found
    });
    let payload = kind.and_then(|(name, key)| {
        let path = f.path_of(key);
        let Some(object) = f.raw(key) else {
            f.error(key, "is required");
            return None;
        };
        let mut p = Fields::new(object, path, f.errors())?;
        match name {
            "customer.upsert" => customer(&mut p),
            "contact.upsert" => contact(&mut p),
            "invoice.upsert" => invoice(&mut p),
            "invoice.void" => invoice_void(&mut p),
            "payment.received" => payment(&mut p),
            _ => credit_note(&mut p),
        }
    });
    if f.error_count() > start {
        return None;
    }
    Some(ErpEvent {
        id: id?,
        occurred_at: occurred_at?,
        payload: payload?,
    })
}

/// `customer`: `id`, `name` required; the rest optional.
pub(crate) fn customer(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let start = f.error_count();
    let id = f.req_str("id");
    let name = f.req_str("name");
    let currency = f.opt_currency("currency");
    let timezone = f.opt_str("timezone").and_then(|tz| match tz.parse() {
        Ok(tz) => Some(tz),
        Err(_) => {
            f.error("timezone", format!("`{tz}` is not an IANA timezone"));
            None
        }
    });
    let locale = f.opt_str("locale");
    if let Some(locale) = &locale {
        // BCP 47 shape: letters, digits and hyphens, starting with a 2–3 letter language.
        let lang = locale.split(['-', '_']).next().unwrap_or("");
        let ok = (2..=3).contains(&lang.len())
            && lang.chars().all(|c| c.is_ascii_alphabetic())
            && locale
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            f.error(
                "locale",
                format!("`{locale}` is not a BCP 47 locale such as de-DE"),
            );
        }
    }
    let strategic = f.opt_bool("strategic");
    let payment_terms_days = f.opt_u32("payment_terms_days");
    let owner = f.opt_str("owner");
    let credit_limit = f.opt_amount("credit_limit", currency);
    let tags = f.opt_str_list("tags");
    let oldest_first_allocation = f.opt_bool("oldest_first_allocation");
    if f.error_count() > start {
        return None;
    }
    Some(ErpPayload::CustomerUpsert {
        account_ref: erp_ref(&id?),
        account: AccountUpsert {
            name,
            currency,
            timezone,
            locale: locale.map(|l| l.replace('_', "-")),
            payment_terms_days,
            strategic,
            owner,
            credit_limit,
            tags,
            oldest_first_allocation,
        },
    })
}

fn role(f: &mut Fields<'_, '_>) -> ContactRole {
    match f
        .opt_str("role")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("ap") | Some("accounts_payable") => ContactRole::Ap,
        Some("buyer") => ContactRole::Buyer,
        Some("approver") => ContactRole::Approver,
        Some("owner") => ContactRole::Owner,
        Some("other") => ContactRole::Other,
        Some(other) => {
            f.error(
                "role",
                format!("`{other}` is not one of ap, buyer, approver, owner, other"),
            );
            ContactRole::Other
        }
    }
}

/// `contact`: `customer_id`, `email` required; `name`, `role` (default `ap`), `preferred`.
pub(crate) fn contact(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let start = f.error_count();
    let customer_id = f.req_str("customer_id");
    let email = f.req_str("email").and_then(|e| {
        let valid = valid_email(&e);
        if valid.is_none() {
            f.error("email", format!("`{e}` is not an email address"));
        }
        valid
    });
    let name = f.opt_str("name");
    let role = role(f);
    let preferred = f.opt_bool("preferred").unwrap_or(false);
    if f.error_count() > start {
        return None;
    }
    Some(ErpPayload::ContactUpsert {
        account_ref: erp_ref(&customer_id?),
        contact: Contact {
            email: email?,
            name,
            role,
            status: ContactStatus::Active,
            preferred,
        },
    })
}

fn invoice_status(f: &mut Fields<'_, '_>) -> InvoiceStatus {
    match f
        .opt_str("status")
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("open") => InvoiceStatus::Open,
        Some("draft") => InvoiceStatus::Draft,
        Some("paid") => InvoiceStatus::Paid,
        Some("void") | Some("voided") | Some("cancelled") | Some("canceled") => InvoiceStatus::Void,
        Some("uncollectible") | Some("written_off") => InvoiceStatus::Uncollectible,
        Some(other) => {
            f.error(
                "status",
                format!("`{other}` is not one of draft, open, paid, void, uncollectible"),
            );
            InvoiceStatus::Open
        }
    }
}

/// `invoice`: `id`, `customer_id`, `number`, `currency`, `total`, `issue_date`, `due_date`
/// required; `amount_paid`, `amount_credited` (default 0), `status` (default open), `paid_on`,
/// `po_number`, `url`, `pdf_url` optional.
pub(crate) fn invoice(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let start = f.error_count();
    let id = f.req_str("id");
    let customer_id = f.req_str("customer_id");
    let number = f.req_str("number");
    let currency = f.req_currency("currency");
    let total = f.req_amount("total", currency);
    let paid = f.opt_amount("amount_paid", currency);
    let credited = f.opt_amount("amount_credited", currency);
    let issue_date = f.req_date("issue_date");
    let due_date = f.req_date("due_date");
    if let (Some(issue), Some(due)) = (issue_date, due_date) {
        if due < issue {
            f.error("due_date", format!("{due} is before issue_date {issue}"));
        }
    }
    let status = invoice_status(f);
    let paid_on = f.opt_date("paid_on");
    let po_number = f.opt_str("po_number");
    let payment_url = f.opt_str("url").or_else(|| f.opt_str("payment_url"));
    let pdf_url = f.opt_str("pdf_url");
    if let (Some(total), Some(paid), Some(credited)) = (
        total,
        Some(paid.unwrap_or(Decimal::ZERO)),
        Some(credited.unwrap_or(Decimal::ZERO)),
    ) {
        if credited > total {
            f.error(
                "amount_credited",
                format!("{credited} exceeds total {total}"),
            );
        }
        // Overpayment is legal (it becomes a credit balance), but paid + credited far beyond
        // the total in an open invoice is a sender bug worth telling.
        if status == InvoiceStatus::Open && paid + credited > total && !total.is_zero() {
            f.error(
                "amount_paid",
                format!(
                    "amount_paid + amount_credited ({}) exceed total {total} on an open invoice",
                    paid + credited
                ),
            );
        }
    }
    if f.error_count() > start {
        return None;
    }
    let id = id?;
    let due_date = due_date?;
    Some(ErpPayload::InvoiceUpsert {
        account_ref: erp_ref(&customer_id?),
        invoice: Invoice {
            id: erp_ref(&id),
            number: number?,
            issue_date: issue_date?,
            due_date,
            currency: currency?,
            total: total?,
            // A paid invoice that does not say how much was paid was paid in full.
            paid: paid.unwrap_or(if status == InvoiceStatus::Paid {
                (total? - credited.unwrap_or(Decimal::ZERO)).max(Decimal::ZERO)
            } else {
                Decimal::ZERO
            }),
            credited: credited.unwrap_or(Decimal::ZERO),
            status,
            // A paid invoice without its day: the snapshot's day is the best estimate we have.
            paid_on: if status == InvoiceStatus::Paid {
                paid_on
            } else {
                None
            },
            po_number,
            payment_url,
            pdf_url,
            auto_collection: false,
            auto_collection_exhausted: false,
        },
    })
}

/// `invoice` of `invoice.void`: `id`, `customer_id`.
fn invoice_void(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let id = f.req_str("id");
    let customer_id = f.req_str("customer_id");
    Some(ErpPayload::InvoiceVoid {
        account_ref: erp_ref(&customer_id?),
        invoice_ref: erp_ref(&id?),
    })
}

/// `payment`: `id`, `customer_id`, `amount` (> 0), `currency`, `received_on` required;
/// `reference`, `allocations` (`[{invoice_id, amount}]`, summing to at most `amount`) optional.
pub(crate) fn payment(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let start = f.error_count();
    let id = f.req_str("id");
    let customer_id = f.req_str("customer_id");
    let currency = f.req_currency("currency");
    let amount = f.req_amount("amount", currency);
    if amount.is_some_and(|a| a.is_zero()) {
        f.error("amount", "must be greater than zero");
    }
    let received_on = f.req_date("received_on");
    let reference = f.opt_str("reference");
    let mut allocations = Vec::new();
    if let Some(list) = f.raw("allocations") {
        match list.as_array() {
            None => f.error("allocations", "must be an array"),
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    let path = f.path_of(&format!("allocations[{i}]"));
                    let Some(mut a) = Fields::new(item, path, f.errors()) else {
                        continue;
                    };
                    let invoice_id = a.req_str("invoice_id");
                    let share = a.req_amount("amount", currency);
                    if share.is_some_and(|s| s.is_zero()) {
                        a.error("amount", "must be greater than zero");
                    }
                    if let (Some(invoice_id), Some(share)) = (invoice_id, share) {
                        allocations.push(Allocation {
                            invoice_id: erp_ref(&invoice_id),
                            amount: share,
                        });
                    }
                }
            }
        }
    }
    if let Some(amount) = amount {
        let allocated: Decimal = allocations.iter().map(|a| a.amount).sum();
        if allocated > amount {
            f.error(
                "allocations",
                format!("allocate {allocated}, more than the payment's {amount}"),
            );
        }
    }
    if f.error_count() > start {
        return None;
    }
    let account_ref = erp_ref(&customer_id?);
    Some(ErpPayload::PaymentReceived {
        payment: Payment {
            id: erp_ref(&id?),
            account_id: account_ref.clone(),
            amount: amount?,
            currency: currency?,
            received_on: received_on?,
            reference,
            allocations,
        },
        account_ref,
    })
}

/// `credit_note`: `id`, `customer_id`, `amount`, `currency`, `issued_on` required; `invoice_id`.
pub(crate) fn credit_note(f: &mut Fields<'_, '_>) -> Option<ErpPayload> {
    let start = f.error_count();
    let id = f.req_str("id");
    let customer_id = f.req_str("customer_id");
    let invoice_id = f.opt_str("invoice_id");
    let currency = f.req_currency("currency");
    let amount = f.req_amount("amount", currency);
    let issued_on = f.req_date("issued_on");
    if f.error_count() > start {
        return None;
    }
    Some(ErpPayload::CreditNoteIssued {
        account_ref: erp_ref(&customer_id?),
        credit_note: CreditNote {
            id: erp_ref(&id?),
            invoice_id: invoice_id.as_deref().map(erp_ref),
            amount: amount?,
            currency: currency?,
            issued_on: issued_on?,
            voided: false,
        },
    })
}
