//! Rendering: every kind × tone × locale renders, and the content is right.

mod common;

use common::*;
use nudge_core::money::Currency;
use nudge_outbound::{render, thread_subject, MessageKind, TemplateError, Templates, Tone};

#[test]
fn every_kind_tone_and_locale_renders() {
    let templates = Templates::builtin();
    for locale in [
        "en", "en-US", "en-GB", "de", "de-DE", "de-CH", "fr-FR", "es-ES", "nl-NL", "nl-BE", "sv",
        "", "xx-YY",
    ] {
        for kind in MessageKind::ALL {
            for tone in Tone::ALL {
                for full in [false, true] {
                    let ctx = if full {
                        full_context(kind, tone, locale)
                    } else {
                        context(kind, tone, locale)
                    };
                    let r = render(&ctx, &templates)
                        .unwrap_or_else(|e| panic!("{kind:?} {tone:?} {locale}: {e}"));
                    assert!(!r.subject.is_empty());
                    assert!(
                        r.text.contains("Maria Keller"),
                        "{kind:?} {tone:?} {locale}"
                    );
                    assert!(
                        r.html.contains("Maria Keller<br>"),
                        "{kind:?} {tone:?} {locale}"
                    );
                    assert!(r.text.ends_with('\n') && !r.text.ends_with("\n\n"));
                    assert!(!r.text.contains("\n\n\n"));
                }
            }
        }
    }
}

#[test]
fn a_reminder_lists_each_invoice_and_totals_per_currency() {
    let r = render(
        &context(MessageKind::Reminder, Tone::Standard, "en"),
        &Templates::builtin(),
    )
    .unwrap();
    for needle in [
        "Hello Anna Schmidt,",
        "Invoice INV-1001, due 31 Oct 2026 (30 days overdue): €4,800.00",
        "Invoice INV-1002, due 15 Nov 2026 (15 days overdue): €1,250.50",
        "Invoice INV-1003, due 20 Nov 2026 (10 days overdue): USD 999.99",
        "Pay online: https://pay.acme.example/i/INV-1001",
        "Invoice PDF: https://pay.acme.example/i/INV-1003.pdf",
        "Total outstanding, per currency:",
        "EUR: €6,050.50",
        "USD: USD 999.99",
    ] {
        assert!(r.text.contains(needle), "missing {needle:?} in\n{}", r.text);
    }
    // Never a cross-currency sum (6050.50 + 999.99).
    assert!(!r.text.contains("7,050.49") && !r.html.contains("7,050.49"));
    for needle in [
        "<td style=\"border-bottom:1px solid #eee\">INV-1003</td>",
        "<strong>Total EUR</strong>",
        "<strong>€6,050.50</strong>",
        "<strong>Total USD</strong>",
        "<strong>USD 999.99</strong>",
        ">Pay now</a>",
    ] {
        assert!(r.html.contains(needle), "missing {needle:?} in\n{}", r.html);
    }
    assert_eq!(
        r.subject,
        "Payment reminder: invoices INV-1001, INV-1002, INV-1003"
    );
}

#[test]
fn a_single_currency_shows_one_total_line() {
    let mut ctx = context(MessageKind::Reminder, Tone::Standard, "en");
    ctx.invoices.truncate(2);
    let r = render(&ctx, &Templates::builtin()).unwrap();
    assert!(
        r.text.contains("Total outstanding: €6,050.50"),
        "{}",
        r.text
    );
}

#[test]
fn tones_read_clearly_differently() {
    let t = Templates::builtin();
    for kind in [
        MessageKind::Courtesy,
        MessageKind::Reminder,
        MessageKind::FirmReminder,
        MessageKind::FinalNotice,
    ] {
        for locale in ["en", "de"] {
            let texts: Vec<String> = Tone::ALL
                .iter()
                .map(|tone| render(&context(kind, *tone, locale), &t).unwrap().text)
                .collect();
            for (i, a) in texts.iter().enumerate() {
                for b in texts.iter().skip(i + 1) {
                    // Different greeting, intro and closing: more than a word apart.
                    let differing = a.lines().zip(b.lines()).filter(|(x, y)| x != y).count();
                    assert!(
                        differing >= 2,
                        "{kind:?} {locale}: tones too similar\n{a}\n---\n{b}"
                    );
                }
            }
        }
    }
    let gentle = render(&context(MessageKind::Reminder, Tone::Gentle, "en"), &t).unwrap();
    let firm = render(&context(MessageKind::Reminder, Tone::Firm, "en"), &t).unwrap();
    assert!(gentle.text.starts_with("Hi Anna Schmidt,"));
    assert!(gentle.text.contains("slipped through"));
    assert!(firm.text.starts_with("Dear Anna Schmidt,"));
    assert!(firm.text.contains("remain unpaid"));
    assert!(!firm.text.contains("slipped through"));
    assert_ne!(gentle.subject, firm.subject);
}

#[test]
fn the_ladder_escalates_in_wording() {
    let t = Templates::builtin();
    let text = |k| render(&context(k, Tone::Standard, "en"), &t).unwrap().text;
    assert!(text(MessageKind::Courtesy).contains("courtesy reminder"));
    assert!(text(MessageKind::FirmReminder).contains("Despite our previous reminders"));
    assert!(text(MessageKind::FinalNotice).contains("FINAL NOTICE"));
}

#[test]
fn german_falls_back_by_language_then_to_english() {
    let t = Templates::builtin();
    let de = render(&context(MessageKind::Reminder, Tone::Standard, "de-DE"), &t).unwrap();
    assert_eq!(de.locale, "de");
    assert!(
        de.text.starts_with("Guten Tag Anna Schmidt,"),
        "{}",
        de.text
    );
    assert!(de
        .text
        .contains("Rechnung INV-1001, fällig am 31.10.2026 (30 Tage überfällig): 4.800,00\u{a0}€"));
    assert!(de.text.contains("EUR: 6.050,50\u{a0}€"));
    assert!(de.text.contains("USD: 999,99\u{a0}USD"));
    assert!(de
        .html
        .contains("<th style=\"border-bottom:1px solid #ccc\">Fällig am</th>"));
    assert_eq!(
        de.subject,
        "Zahlungserinnerung: Rechnungen INV-1001, INV-1002, INV-1003"
    );

    // de-CH keeps German words, Swiss numbers.
    let ch = render(&context(MessageKind::Reminder, Tone::Standard, "de_CH"), &t).unwrap();
    assert_eq!(ch.locale, "de");
    assert!(ch.text.contains("€4\u{2019}800.00"), "{}", ch.text);

    // Replies are German too, with German numbers.
    let copy = render(
        &context(MessageKind::InvoiceCopy, Tone::Standard, "de-DE"),
        &t,
    )
    .unwrap();
    assert_eq!(copy.locale, "de");
    assert!(copy.text.contains("4.800,00\u{a0}€"), "{}", copy.text);
    assert!(copy.text.contains("Wie gewünscht"), "{}", copy.text);

    // A locale with reply templates only: its reminders are English, words and numbers.
    let sv = render(&context(MessageKind::Reminder, Tone::Standard, "sv-SE"), &t).unwrap();
    assert_eq!(sv.locale, "en");
    assert!(sv.text.contains("€4,800.00"));

    // Unknown locale → English.
    let fr = render(&context(MessageKind::Reminder, Tone::Standard, "fr-FR"), &t).unwrap();
    assert_eq!(fr.locale, "en");
}

#[test]
fn promise_and_dispute_context_is_stated() {
    let t = Templates::builtin();
    let r = render(
        &full_context(MessageKind::Reminder, Tone::Standard, "en"),
        &t,
    )
    .unwrap();
    assert!(r
        .text
        .contains("As agreed, we expect payment of €6,050.50 by 4 December 2026."));
    assert!(r
        .text
        .contains("Invoice INV-1003 is on hold while we review your dispute"));
    // The disputed invoice is neither listed nor in the totals.
    assert!(!r.text.contains("Invoice INV-1003, due"));
    assert!(!r.text.contains("USD"));
    assert!(r.text.contains("Total outstanding: €6,050.50"));

    // A promise whose date has passed is named as broken, not "as agreed".
    let mut late = full_context(MessageKind::FirmReminder, Tone::Firm, "en");
    late.promise = Some((day(2026, 11, 25), None));
    let r = render(&late, &t).unwrap();
    assert!(r
        .text
        .contains("You told us that payment would be made by 25 November 2026"));
    assert!(!r.text.contains("As agreed"));

    let de = render(
        &full_context(MessageKind::Reminder, Tone::Standard, "de"),
        &t,
    )
    .unwrap();
    assert!(de.text.contains(
        "Wie vereinbart erwarten wir die Zahlung von 6.050,50\u{a0}€ bis zum 4. Dezember 2026."
    ));
    assert!(de.text.contains("Die Rechnung INV-1003 ist zurückgestellt"));
}

#[test]
fn final_notices_quote_late_charges_only_when_given() {
    let t = Templates::builtin();
    let with = render(
        &full_context(MessageKind::FinalNotice, Tone::Final, "en"),
        &t,
    )
    .unwrap();
    assert!(with.text.contains("late-payment charges apply"));
    assert!(with
        .text
        .contains("Fixed compensation for recovery costs: €40.00"));
    assert!(with.text.contains("by 7 December 2026"));
    assert!(with
        .html
        .contains("<li>Statutory interest (9 points above the base rate): €31.20</li>"));
    let without = render(&context(MessageKind::FinalNotice, Tone::Final, "en"), &t).unwrap();
    assert!(!without.text.contains("late-payment charges"));
    let de = render(
        &full_context(MessageKind::FinalNotice, Tone::Firm, "de"),
        &t,
    )
    .unwrap();
    assert!(de.text.contains("Verzugskosten"));
    assert!(de
        .text
        .contains("Fixed compensation for recovery costs: 40,00\u{a0}€"));
}

#[test]
fn html_escapes_hostile_names_and_text_keeps_them_verbatim() {
    let mut ctx = context(MessageKind::Reminder, Tone::Standard, "en");
    ctx.customer_name = "<script>alert(1)</script> & Co".into();
    ctx.contact_name = None;
    ctx.company_name = "Acme \"Quotes\" <b>".into();
    ctx.signature = "<img src=x onerror=alert(1)>".into();
    ctx.invoices[0].number = "INV-<i>1</i>".into();
    ctx.invoices[0].payment_url = Some("javascript:alert(1)".into());
    ctx.invoices[1].payment_url = Some("https://pay.example/x?a=1&b=\"2\"".into());
    let r = render(&ctx, &Templates::builtin()).unwrap();
    assert!(!r.html.contains("<script>"), "{}", r.html);
    assert!(r
        .html
        .contains("&lt;script&gt;alert(1)&lt;&#x2f;script&gt; &amp; Co"));
    assert!(!r.html.contains("<img"));
    assert!(!r.html.contains("<i>1</i>"));
    assert!(!r.html.contains("javascript:"));
    assert!(!r.text.contains("javascript:"));
    assert!(!r.html.contains("b=\"2\""));
    // Plain text is not HTML: names appear as written.
    assert!(
        r.text
            .starts_with("Hello <script>alert(1)</script> & Co team,"),
        "{}",
        r.text
    );
}

#[test]
fn every_dispute_category_asks_for_evidence() {
    use nudge_core::dispute::DisputeCategory::*;
    let t = Templates::builtin();
    let mut seen = std::collections::BTreeSet::new();
    for cat in [
        Pricing,
        Quantity,
        NotReceived,
        Quality,
        DuplicateBilling,
        CreditNoteRequested,
        MissingPo,
        Other,
    ] {
        let mut ctx = context(MessageKind::DisputeAcknowledgement, Tone::Standard, "en");
        ctx.dispute = Some((cat, vec!["INV-1002".into()]));
        let r = render(&ctx, &t).unwrap();
        assert!(r.text.contains("with invoice INV-1002"));
        assert!(r.text.contains("on hold while we review your dispute"));
        let ask = r
            .text
            .lines()
            .find(|l| l.starts_with("To resolve it quickly"))
            .unwrap()
            .to_string();
        seen.insert(ask);
        assert!(
            !r.text.contains("Invoice INV-1002, due"),
            "held invoice listed as due"
        );
    }
    assert_eq!(seen.len(), 8, "each category asks for its own evidence");
}

#[test]
fn replies_carry_their_facts() {
    let t = Templates::builtin();
    let r = |k| render(&full_context(k, Tone::Standard, "en"), &t).unwrap();
    let paid = r(MessageKind::AlreadyPaidConfirmed);
    assert!(paid
        .text
        .contains("€4,800.00, received on 28 November 2026 (reference SEPA 88172)"));
    let po = r(MessageKind::BillingUpdateConfirmed);
    assert!(po.text.contains("purchase order number PO-7781"));
    let contact = r(MessageKind::ContactChangeConfirmed);
    assert!(contact.text.contains("to Jon Park <ap@globex.example>"));
    assert!(contact.html.contains("Jon Park &lt;ap@globex.example&gt;"));
    let promise = r(MessageKind::PromiseConfirmation);
    assert!(promise
        .text
        .contains("As agreed, we expect payment of €6,050.50 by 4 December 2026"));
    assert_eq!(promise.subject, "Payment date confirmed: 4 December 2026");
    let remit = r(MessageKind::AlreadyPaidAskRemittance);
    assert!(remit.text.contains("remittance details"));
    let copy = r(MessageKind::InvoiceCopy);
    assert!(copy
        .text
        .contains("Invoice PDF: https://pay.acme.example/i/INV-1001.pdf"));
}

#[test]
fn thread_subject_is_stable_and_localised() {
    let t = Templates::builtin();
    let en = thread_subject("Acme GmbH", "Globex", "en-GB", &t).unwrap();
    assert_eq!(en, "Your account with Acme GmbH — Globex");
    assert_eq!(
        en,
        thread_subject("Acme GmbH", "Globex", "en-GB", &t).unwrap()
    );
    assert_eq!(
        thread_subject("Acme GmbH", "Globex", "de-AT", &t).unwrap(),
        "Ihr Kundenkonto bei Acme GmbH — Globex"
    );
    assert_eq!(
        thread_subject("Acme\r\nBcc: x@y", "Globex", "en", &t).unwrap(),
        "Your account with Acme Bcc: x@y — Globex"
    );
}

#[test]
fn amounts_use_the_currency_exponent() {
    let mut ctx = context(MessageKind::Reminder, Tone::Standard, "en");
    ctx.invoices = vec![
        line("JP-1", day(2026, 11, 1), ctx.today, "120000", Currency::JPY),
        line("KW-1", day(2026, 11, 1), ctx.today, "12.5", Currency::KWD),
    ];
    let r = render(&ctx, &Templates::builtin()).unwrap();
    assert!(r.text.contains("JPY 120,000\n"), "{}", r.text);
    assert!(r.text.contains("KWD 12.500\n"), "{}", r.text);
}

#[test]
fn overrides_are_validated_at_load() {
    let t = Templates::builtin();
    // A good override replaces the wording.
    let custom = t
        .with_override(
            "en/reminder.txt.j2",
            "{% extends \"_layout.txt.j2\" %}{% block intro %}Custom words for {{ customer }}.{% endblock %}",
        )
        .unwrap();
    let r = render(
        &context(MessageKind::Reminder, Tone::Standard, "en"),
        &custom,
    )
    .unwrap();
    assert!(r.text.contains("Custom words for Globex Corporation."));
    // The original set is untouched.
    let r0 = render(&context(MessageKind::Reminder, Tone::Standard, "en"), &t).unwrap();
    assert!(!r0.text.contains("Custom words"));

    // A new locale: Italian reminder only; other kinds fall back to English.
    let it = t
        .with_override(
            "it/reminder.txt.j2",
            "Buongiorno {{ contact_name or customer }}, {{ invoices|length }} fatture.",
        )
        .unwrap()
        .with_override(
            "it/reminder.html.j2",
            "<p>Buongiorno {{ contact_name or customer }}</p>",
        )
        .unwrap();
    let r = render(
        &context(MessageKind::Reminder, Tone::Standard, "it-IT"),
        &it,
    )
    .unwrap();
    assert_eq!(r.locale, "it");
    assert_eq!(r.text, "Buongiorno Anna Schmidt, 3 fatture.\n");
    // The subject falls back to English templates for a locale without one.
    assert!(r.subject.starts_with("Payment reminder"));

    // Syntax errors, unknown variables and bad names are refused.
    assert!(matches!(
        t.with_override("en/reminder.txt.j2", "{% if %}"),
        Err(TemplateError::Syntax { .. })
    ));
    assert!(matches!(
        t.with_override("en/reminder.txt.j2", "Hello {{ custmer }}"),
        Err(TemplateError::Render { .. })
    ));
    assert!(matches!(
        t.with_override("en/reminder.txt.j2", "{{ promise.date }}"),
        Err(TemplateError::Render { .. })
    ));
    assert!(matches!(
        t.with_override("../reminder.txt.j2", "x"),
        Err(TemplateError::InvalidName(_))
    ));
    // A runaway loop is stopped by fuel, not allowed to hang a Worker.
    let runaway = t.with_override(
        "en/reminder.txt.j2",
        "{% set s = \"x\" * 10000 %}{% for a in s %}{% for b in s %}x{% endfor %}{% endfor %}",
    );
    assert!(matches!(runaway, Err(TemplateError::Render { .. })));
    // Only the documented filters exist (templates/README.md): others are refused at load.
    let unknown = t.with_override("en/reminder.txt.j2", "{{ customer|upper }}");
    assert!(
        matches!(&unknown, Err(TemplateError::Render { message, .. }) if message.contains("unknown filter")),
        "{unknown:?}"
    );
    assert!(t
        .with_override(
            "en/reminder.txt.j2",
            "{{ invoices|map(attribute=\"number\")|join(\", \") }} {{ invoices|count }}"
        )
        .is_ok());
}

#[test]
fn a_courtesy_note_before_the_due_date_says_it_is_coming_due() {
    let t = Templates::builtin();
    let mut ctx = context(MessageKind::Courtesy, Tone::Gentle, "en");
    let today = ctx.today;
    ctx.invoices = vec![line(
        "INV-2001",
        day(2026, 12, 3),
        today,
        "100",
        Currency::EUR,
    )];
    let r = render(&ctx, &t).unwrap();
    assert!(
        r.text.contains("the invoice below falls due soon."),
        "{}",
        r.text
    );
    assert!(r.text.contains("(due in 3 days)"), "{}", r.text);
    assert!(!r.text.contains("overdue"));
    ctx.locale = "de".into();
    let de = render(&ctx, &t).unwrap();
    assert!(
        de.text
            .contains("die folgende Rechnung wird in Kürze fällig."),
        "{}",
        de.text
    );
    assert!(de.text.contains("(fällig in 3 Tagen)"), "{}", de.text);
}

#[test]
fn a_subject_without_invoices_has_no_dangling_list() {
    let mut ctx = context(MessageKind::Reminder, Tone::Standard, "en");
    ctx.invoices.clear();
    let r = render(&ctx, &Templates::builtin()).unwrap();
    assert_eq!(r.subject, "Payment reminder");
}
