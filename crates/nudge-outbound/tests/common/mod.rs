//! Fixtures shared by the integration tests: a small, realistic account.
#![allow(dead_code)]

use chrono::NaiveDate;
use nudge_core::dispute::DisputeCategory;
use nudge_core::money::{Currency, Money};
use nudge_outbound::{ChargeLine, InvoiceLine, MessageContext, MessageKind, Tone};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn line(
    number: &str,
    due: NaiveDate,
    today: NaiveDate,
    amount: &str,
    cur: Currency,
) -> InvoiceLine {
    InvoiceLine {
        number: number.into(),
        due_date: due,
        days_overdue: (today - due).num_days(),
        amount_open: dec(amount),
        currency: cur,
        payment_url: Some(format!("https://pay.acme.example/i/{number}")),
        pdf_url: Some(format!("https://pay.acme.example/i/{number}.pdf")),
    }
}

/// Globex owes Acme three invoices in two currencies.
pub fn context(kind: MessageKind, tone: Tone, locale: &str) -> MessageContext {
    let today = day(2026, 11, 30);
    let mut ctx = MessageContext::new(
        kind,
        tone,
        locale,
        "Acme Industrial GmbH",
        "Globex Corporation",
        today,
        "Maria Keller\nAccounts Receivable, Acme Industrial GmbH\n+49 30 1234567",
    );
    ctx.contact_name = Some("Anna Schmidt".into());
    ctx.invoices = vec![
        line(
            "INV-1001",
            day(2026, 10, 31),
            today,
            "4800.00",
            Currency::EUR,
        ),
        line(
            "INV-1002",
            day(2026, 11, 15),
            today,
            "1250.50",
            Currency::EUR,
        ),
        line(
            "INV-1003",
            day(2026, 11, 20),
            today,
            "999.99",
            Currency::USD,
        ),
    ];
    ctx
}

/// The same, with every optional fact present.
pub fn full_context(kind: MessageKind, tone: Tone, locale: &str) -> MessageContext {
    let mut ctx = context(kind, tone, locale);
    ctx.promise = Some((
        day(2026, 12, 4),
        Some(Money::new(dec("6050.50"), Currency::EUR)),
    ));
    ctx.dispute = Some((DisputeCategory::Pricing, vec!["INV-1003".into()]));
    ctx.late_charges = Some(vec![
        ChargeLine {
            description: "Statutory interest (9 points above the base rate)".into(),
            amount: Money::new(dec("31.20"), Currency::EUR),
        },
        ChargeLine {
            description: "Fixed compensation for recovery costs".into(),
            amount: Money::new(dec("40"), Currency::EUR),
        },
    ]);
    ctx.respond_by = Some(day(2026, 12, 7));
    ctx.payment_portal_url = Some("https://pay.acme.example/portal/globex".into());
    ctx.payment_received = Some(nudge_outbound::PaymentNote {
        received_on: day(2026, 11, 28),
        amount: Money::new(dec("4800"), Currency::EUR),
        reference: Some("SEPA 88172".into()),
    });
    ctx.billing_update = Some(nudge_outbound::BillingUpdate {
        po_number: Some("PO-7781".into()),
        note: None,
    });
    ctx.new_contact = Some(nudge_outbound::NewContact {
        name: Some("Jon Park".into()),
        email: "ap@globex.example".into(),
    });
    ctx
}
