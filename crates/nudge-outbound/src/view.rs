//! The values templates see: every fact of a [`MessageContext`] already formatted for the
//! reader's locale, plus the raw ISO forms for operators who want their own formatting.
//!
//! Every key is always present (`none` when a fact is absent) so that templates run with strict
//! undefined checks and a typo in an operator template fails at load, not at send time.

use nudge_core::dispute::DisputeCategory;
use serde::Serialize;

use crate::format;
use crate::message::{MessageContext, Tone};

#[derive(Debug, Serialize)]
pub(crate) struct View<'a> {
    kind: &'static str,
    tone: &'static str,
    /// The locale the template was found for (e.g. `de` for a `de-AT` reader).
    locale: &'a str,
    company: &'a str,
    customer: &'a str,
    contact_name: Option<&'a str>,
    today: String,
    today_iso: String,
    invoices: Vec<InvoiceView<'a>>,
    /// How many of `invoices` are past due.
    overdue_count: usize,
    on_hold: Vec<InvoiceView<'a>>,
    totals: Vec<AmountView>,
    payment_portal_url: Option<&'a str>,
    promise: Option<PromiseView>,
    dispute: Option<DisputeView<'a>>,
    late_charges: Option<Vec<ChargeView<'a>>>,
    late_charge_totals: Vec<AmountView>,
    respond_by: Option<String>,
    payment_received: Option<PaymentView<'a>>,
    billing_update: Option<BillingView<'a>>,
    new_contact: Option<ContactView<'a>>,
    signature: &'a str,
    /// The signature split into lines, for HTML (`<br>` between escaped lines).
    signature_lines: Vec<&'a str>,
    /// True for the dunning ladder (courtesy → final notice).
    is_reminder: bool,
    /// `gentle`/`standard`/`firm`/`final` as a number 0–3, for `{% if firmness >= 2 %}`.
    firmness: u8,
    /// Other answers folded into this one (`MessageKind` names).
    also: Vec<&'static str>,
    /// A person will come back about what this message does not answer.
    person_follows: bool,
}

#[derive(Debug, Serialize)]
struct InvoiceView<'a> {
    number: &'a str,
    due_date: String,
    due_date_iso: String,
    days_overdue: i64,
    amount: String,
    amount_raw: String,
    currency: &'a str,
    payment_url: Option<&'a str>,
    pdf_url: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct AmountView {
    currency: String,
    amount: String,
    amount_raw: String,
}

#[derive(Debug, Serialize)]
struct PromiseView {
    date: String,
    date_iso: String,
    amount: Option<String>,
}

#[derive(Debug, Serialize)]
struct DisputeView<'a> {
    category: &'static str,
    invoices: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
struct ChargeView<'a> {
    description: &'a str,
    amount: String,
}

#[derive(Debug, Serialize)]
struct PaymentView<'a> {
    date: String,
    amount: String,
    reference: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct BillingView<'a> {
    po_number: Option<&'a str>,
    note: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ContactView<'a> {
    name: Option<&'a str>,
    email: &'a str,
}

/// Only web links are shown: a `javascript:` or `data:` URL from a ledger must never become a
/// clickable link in a customer's inbox.
fn safe_url(url: Option<&str>) -> Option<&str> {
    let url = url?.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let ok = (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    ok.then_some(url)
}

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

fn category_name(c: DisputeCategory) -> &'static str {
    match c {
        DisputeCategory::Pricing => "pricing",
        DisputeCategory::Quantity => "quantity",
        DisputeCategory::NotReceived => "not_received",
        DisputeCategory::Quality => "quality",
        DisputeCategory::DuplicateBilling => "duplicate_billing",
        DisputeCategory::CreditNoteRequested => "credit_note_requested",
        DisputeCategory::MissingPo => "missing_po",
        DisputeCategory::Other => "other",
    }
}

impl<'a> View<'a> {
    /// `fmt_locale` is the locale amounts and dates are written in: the reader's own tag when the
    /// template is in the reader's language, else the template's (an English fallback text gets
    /// English numbers, so that a message never mixes conventions).
    pub(crate) fn new(ctx: &'a MessageContext, template_locale: &'a str, fmt_locale: &str) -> Self {
        let invoice_view = |inv: &'a crate::message::InvoiceLine| InvoiceView {
            number: inv.number.as_str(),
            due_date: format::date_short(inv.due_date, fmt_locale),
            due_date_iso: inv.due_date.to_string(),
            days_overdue: inv.days_overdue,
            amount: format::money(inv.amount_open, inv.currency, fmt_locale),
            amount_raw: inv.currency.round(inv.amount_open).to_string(),
            currency: inv.currency.code(),
            payment_url: safe_url(inv.payment_url.as_deref()),
            pdf_url: safe_url(inv.pdf_url.as_deref()),
        };
        let amounts = |totals: nudge_core::money::Totals| -> Vec<AmountView> {
            totals
                .iter()
                .map(|(currency, amount)| AmountView {
                    currency: currency.code().to_string(),
                    amount: format::money(amount, currency, fmt_locale),
                    amount_raw: currency.round(amount).to_string(),
                })
                .collect()
        };
        let mut charge_totals = nudge_core::money::Totals::new();
        let late_charges = ctx
            .late_charges
            .as_ref()
            .filter(|c| !c.is_empty())
            .map(|lines| {
                lines
                    .iter()
                    .map(|line| {
                        charge_totals.add_money(line.amount);
                        ChargeView {
                            description: line.description.as_str(),
                            amount: format::money(
                                line.amount.amount,
                                line.amount.currency,
                                fmt_locale,
                            ),
                        }
                    })
                    .collect()
            });
        View {
            kind: ctx.kind.as_str(),
            tone: ctx.tone.as_str(),
            locale: template_locale,
            company: ctx.company_name.trim(),
            customer: ctx.customer_name.trim(),
            contact_name: non_empty(ctx.contact_name.as_deref()),
            today: format::date_long(ctx.today, fmt_locale),
            today_iso: ctx.today.to_string(),
            invoices: ctx.payable_invoices().map(invoice_view).collect(),
            overdue_count: ctx
                .payable_invoices()
                .filter(|i| i.days_overdue > 0)
                .count(),
            on_hold: ctx
                .invoices
                .iter()
                .filter(|i| ctx.is_on_hold(&i.number))
                .map(invoice_view)
                .collect(),
            totals: amounts(ctx.totals()),
            payment_portal_url: safe_url(ctx.payment_portal_url.as_deref()),
            promise: ctx.promise.as_ref().map(|(date, amount)| PromiseView {
                date: format::date_long(*date, fmt_locale),
                date_iso: date.to_string(),
                amount: amount.map(|m| format::money(m.amount, m.currency, fmt_locale)),
            }),
            dispute: ctx.dispute.as_ref().map(|(category, numbers)| DisputeView {
                category: category_name(*category),
                invoices: numbers.iter().map(String::as_str).collect(),
            }),
            late_charges,
            late_charge_totals: amounts(charge_totals),
            respond_by: ctx.respond_by.map(|d| format::date_long(d, fmt_locale)),
            payment_received: ctx.payment_received.as_ref().map(|p| PaymentView {
                date: format::date_long(p.received_on, fmt_locale),
                amount: format::money(p.amount.amount, p.amount.currency, fmt_locale),
                reference: non_empty(p.reference.as_deref()),
            }),
            billing_update: ctx.billing_update.as_ref().map(|b| BillingView {
                po_number: non_empty(b.po_number.as_deref()),
                note: non_empty(b.note.as_deref()),
            }),
            new_contact: ctx.new_contact.as_ref().map(|c| ContactView {
                name: non_empty(c.name.as_deref()),
                email: c.email.trim(),
            }),
            signature: ctx.signature.trim_end(),
            signature_lines: ctx
                .signature
                .trim_end()
                .lines()
                .map(str::trim_end)
                .collect(),
            is_reminder: ctx.kind.is_reminder(),
            firmness: match ctx.tone {
                Tone::Gentle => 0,
                Tone::Standard => 1,
                Tone::Firm => 2,
                Tone::Final => 3,
            },
            also: ctx.also.iter().map(|k| k.as_str()).collect(),
            person_follows: ctx.person_follows,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_url;

    #[test]
    fn only_web_links_survive() {
        assert_eq!(
            safe_url(Some(" https://pay.example/x ")),
            Some("https://pay.example/x")
        );
        assert_eq!(safe_url(Some("HTTP://a.b")), Some("HTTP://a.b"));
        assert_eq!(safe_url(Some("javascript:alert(1)")), None);
        assert_eq!(safe_url(Some("https://a.b/\"onmouseover=x")), None);
        assert_eq!(safe_url(Some("data:text/html,hi")), None);
        assert_eq!(safe_url(None), None);
    }
}
