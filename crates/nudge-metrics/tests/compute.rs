//! `compute` end to end on a small hand-computed book of two accounts and two currencies, and the
//! JSON the API will serve.

use chrono::{NaiveDate, TimeZone, Utc};
use nudge_core::ledger::{Account, AccountBook, Allocation, Invoice, InvoiceStatus, Payment};
use nudge_core::money::Currency;
use nudge_metrics::{compute, AccountFacts, MessageCounts, Period};
use rust_decimal::Decimal;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn invoice(id: &str, cur: Currency, issued: NaiveDate, due: NaiveDate, total: &str) -> Invoice {
    Invoice {
        id: id.into(),
        number: id.into(),
        issue_date: issued,
        due_date: due,
        currency: cur,
        total: dec(total),
        paid: Decimal::ZERO,
        credited: Decimal::ZERO,
        status: InvoiceStatus::Open,
        paid_on: None,
        po_number: None,
        payment_url: None,
        pdf_url: None,
        auto_collection: false,
        auto_collection_exhausted: false,
    }
}

fn payment(id: &str, cur: Currency, on: NaiveDate, amount: &str, to: &[(&str, &str)]) -> Payment {
    Payment {
        id: id.into(),
        account_id: "x".into(),
        amount: dec(amount),
        currency: cur,
        received_on: on,
        reference: None,
        allocations: to
            .iter()
            .map(|(i, a)| Allocation {
                invoice_id: (*i).into(),
                amount: dec(a),
            })
            .collect(),
    }
}

/// March 2026 (31 days), judged on 04-01.
///
/// acme (stage "firm"):
/// - E1 EUR 1000, issued 02-01, due 03-03, 400 paid 03-10 → open 600 at 04-01, 29 days overdue.
/// - E2 EUR 500, issued 03-10, due 04-09 → current.
/// - U1 USD 800, issued 03-05, due 03-20 → 12 days overdue.
/// - 150 EUR received 03-25, unapplied.
///
/// globex (no stage):
/// - E3 EUR 2000, issued 01-15, due 02-14, paid in full 03-02 → 0 at 04-01.
///
/// EUR: beginning (03-01) = E1 1000 + E3 2000 = 3000; sales = E2 500; ending = 600 + 500 = 1100;
/// ending current = 500. CEI = (3000 + 500 − 1100) / (3000 + 500 − 500) × 100 = 2400 / 3000 ×
/// 100 = 80.0. Simple DSO = 1100 / 500 × 31 = 68.2. Best possible = 500 / 500 × 31 = 31.0.
/// Count-back from 04-01: March sold 500 → 31 days, 600 left; February (28 days) sold 1000 (E1):
/// 600 / 1000 × 28 = 16.8 → 47.8.
///
/// USD: beginning 0, sales 800, ending 800, current 0: CEI = 0 / 800 = 0.0; simple = 31.0,
/// best possible 0.0; count-back: 800 of March's 800 → 31.0.
#[test]
fn a_month_of_two_accounts_in_two_currencies() {
    let (eur, usd) = (Currency::EUR, Currency::USD);
    let mut acme = AccountBook::new(Account::new("acme", "Acme"));
    let mut e1 = invoice("E1", eur, d(2026, 2, 1), d(2026, 3, 3), "1000");
    e1.paid = dec("400");
    acme.invoices = vec![
        e1,
        invoice("E2", eur, d(2026, 3, 10), d(2026, 4, 9), "500"),
        invoice("U1", usd, d(2026, 3, 5), d(2026, 3, 20), "800"),
    ];
    acme.payments = vec![
        payment("p1", eur, d(2026, 3, 10), "400", &[("E1", "400")]),
        payment("p2", eur, d(2026, 3, 25), "150", &[]),
    ];
    let mut globex = AccountBook::new(Account::new("globex", "Globex"));
    let mut e3 = invoice("E3", eur, d(2026, 1, 15), d(2026, 2, 14), "2000");
    e3.paid = dec("2000");
    e3.status = InvoiceStatus::Paid;
    e3.paid_on = Some(d(2026, 3, 2));
    globex.invoices = vec![e3];
    let accounts = vec![
        AccountFacts {
            book: acme,
            stage: Some("firm".into()),
            messages: MessageCounts {
                sent: 4,
                replied: 1,
                replies_handled_without_person: 1,
                replies_needing_person: 0,
            },
        },
        AccountFacts::from_book(globex),
    ];
    let march = Period::month(2026, 3).unwrap();
    let now = Utc.with_ymd_and_hms(2026, 4, 1, 6, 0, 0).unwrap();
    let m = compute(&accounts, &march, None, now);

    assert_eq!(
        m.currencies.iter().map(|c| c.currency).collect::<Vec<_>>(),
        vec![eur, usd]
    );
    let e = &m.currencies[0];
    assert_eq!(
        (
            e.receivables.beginning,
            e.receivables.credit_sales,
            e.receivables.ending,
            e.receivables.ending_current
        ),
        (dec("3000"), dec("500"), dec("1100"), dec("500"))
    );
    assert_eq!(e.cei, Some(dec("80.0")));
    assert_eq!(e.dso.simple, Some(dec("68.2")));
    assert_eq!(e.dso.best_possible, Some(dec("31.0")));
    assert_eq!(e.dso.count_back, Some(dec("47.8")));
    // Aging at 04-01: E2 current 500, E1 600 at 29 days.
    assert_eq!(
        (e.aging.current, e.aging.d1_30, e.aging.total),
        (dec("500"), dec("600"), dec("1100"))
    );
    assert_eq!(e.overdue_by_stage.len(), 1);
    assert_eq!(
        (
            e.overdue_by_stage[0].stage.as_str(),
            e.overdue_by_stage[0].amount
        ),
        ("firm", dec("600"))
    );
    assert_eq!(e.unapplied_cash.amount, dec("150"));

    let u = &m.currencies[1];
    assert_eq!(u.cei, Some(dec("0.0")));
    assert_eq!(
        (u.dso.simple, u.dso.best_possible, u.dso.count_back),
        (Some(dec("31.0")), Some(dec("0.0")), Some(dec("31.0")))
    );
    assert_eq!(u.aging.d1_30, dec("800"));

    // Only acme is overdue (globex paid): 1 of 1 at "firm" = 100 %.
    assert_eq!(m.escalation.accounts_overdue, 1);
    assert_eq!(m.escalation.by_stage[0].percent, dec("100.0"));
    assert_eq!(m.messages.reply_percent, Some(dec("25.0")));

    // The API's JSON: money and rates as strings at their scale, dates as ISO dates.
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["period"]["from"], "2026-03-01");
    assert_eq!(json["period"]["to"], "2026-04-01");
    assert_eq!(json["currencies"][0]["currency"], "EUR");
    assert_eq!(json["currencies"][0]["receivables"]["ending"], "1100.00");
    assert_eq!(json["currencies"][0]["cei"], "80.0");
    assert_eq!(json["currencies"][0]["dso"]["count_back"], "47.8");
    assert_eq!(json["currencies"][0]["aging"]["d31_60"], "0.00");
    assert_eq!(json["currencies"][1]["unapplied_cash"]["amount"], "0.00");
    assert_eq!(json["promises"]["kept_percent"], serde_json::Value::Null);

    // One currency asked for: only its line; the escalation counts only its overdue accounts.
    let only_usd = compute(&accounts, &march, Some(usd), now);
    assert_eq!(only_usd.currencies.len(), 1);
    assert_eq!(only_usd.currencies[0].currency, usd);
    assert_eq!(only_usd.escalation.accounts_overdue, 1);
    // A currency with nothing in the book: a line of zeros, rates undefined.
    let jpy = compute(&accounts, &march, Some(Currency::JPY), now);
    assert_eq!(jpy.currencies[0].receivables.ending, dec("0"));
    assert_eq!(jpy.currencies[0].cei, None);
    assert_eq!(jpy.escalation.accounts_overdue, 0);
}
