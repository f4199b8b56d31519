//! Answers to customers in every language the classifier reads: each reply kind renders in
//! the customer's language (not half in English), with dates and amounts written the local way,
//! and a reply that folds in other answers (`also`, `person_follows`) says so in that language.

mod common;

use common::*;
use nudge_outbound::{render, MessageKind, Templates, Tone};

const REPLIES: [MessageKind; 8] = [
    MessageKind::PromiseConfirmation,
    MessageKind::DisputeAcknowledgement,
    MessageKind::InvoiceCopy,
    MessageKind::AlreadyPaidConfirmed,
    MessageKind::AlreadyPaidAskRemittance,
    MessageKind::BillingUpdateConfirmed,
    MessageKind::ContactChangeConfirmed,
    MessageKind::PaymentPlanReceived,
];

/// Per language: the locale, the sign-off of a standard-tone message, the promise date
/// (4 December 2026) as written there, and a greeting.
const LANGUAGES: [(&str, &str, &str, &str); 6] = [
    (
        "en-GB",
        "Kind regards,",
        "4 December 2026",
        "Hello Anna Schmidt,",
    ),
    (
        "de-DE",
        "Mit freundlichen Grüßen",
        "4. Dezember 2026",
        "Guten Tag Anna Schmidt,",
    ),
    (
        "fr-FR",
        "Cordialement,",
        "4 décembre 2026",
        "Bonjour Anna Schmidt,",
    ),
    (
        "es-ES",
        "Atentamente,",
        "4 de diciembre de 2026",
        "Estimado/a Anna Schmidt:",
    ),
    (
        "nl-NL",
        "Met vriendelijke groet,",
        "4 december 2026",
        "Beste Anna Schmidt,",
    ),
    (
        "sv-SE",
        "Med vänlig hälsning",
        "4 december 2026",
        "Hej Anna Schmidt,",
    ),
];

#[test]
fn every_reply_kind_is_written_in_the_customers_language() {
    let t = Templates::builtin();
    for (locale, signoff, _, greeting) in LANGUAGES {
        let language = locale.split('-').next().unwrap();
        for kind in REPLIES {
            let r = render(&full_context(kind, Tone::Standard, locale), &t)
                .unwrap_or_else(|e| panic!("{kind:?} {locale}: {e}"));
            assert_eq!(r.locale, language, "{kind:?} {locale}");
            assert!(
                r.text.starts_with(greeting),
                "{kind:?} {locale}:\n{}",
                r.text
            );
            assert!(
                r.text.contains(signoff),
                "{kind:?} {locale}: no {signoff:?}\n{}",
                r.text
            );
            assert!(r.html.contains(&format!("<html lang=\"{language}\">")));
            // No English sentence leaks into another language's answer.
            if language != "en" {
                for english in [
                    "Thank you",
                    "invoice",
                    "Kind regards",
                    "reply to this email",
                ] {
                    assert!(
                        !r.text.contains(english),
                        "{kind:?} {locale}: English {english:?}\n{}",
                        r.text
                    );
                }
            }
        }
    }
}

#[test]
fn a_promise_confirmation_states_the_date_the_local_way() {
    let t = Templates::builtin();
    for (locale, _, date, _) in LANGUAGES {
        let r = render(
            &full_context(MessageKind::PromiseConfirmation, Tone::Standard, locale),
            &t,
        )
        .unwrap();
        assert!(r.text.contains(date), "{locale}:\n{}", r.text);
        assert!(r.subject.contains(date), "{locale}: {}", r.subject);
    }
    let de = render(
        &full_context(MessageKind::PromiseConfirmation, Tone::Standard, "de-DE"),
        &t,
    )
    .unwrap();
    assert!(
        de.text.contains(
            "Wie vereinbart erwarten wir die Zahlung von 6.050,50\u{a0}€ bis zum 4. Dezember 2026"
        ),
        "{}",
        de.text
    );
    assert_eq!(de.subject, "Zahlungstermin bestätigt: 4. Dezember 2026");
}

#[test]
fn a_reply_that_answers_several_things_says_each() {
    let t = Templates::builtin();
    let expected = [
        (
            "en-GB",
            "We have also noted your payment",
            "A colleague will get back to you",
        ),
        (
            "de-DE",
            "Ihre Zusage haben wir ebenfalls vermerkt",
            "meldet sich ein Kollege",
        ),
        (
            "fr-FR",
            "Nous avons également noté votre paiement",
            "Un collègue reviendra vers vous",
        ),
        (
            "es-ES",
            "También hemos tomado nota de su pago",
            "Un compañero le responderá",
        ),
        (
            "nl-NL",
            "Wij hebben ook uw betaling",
            "Een collega neemt persoonlijk contact",
        ),
        (
            "sv-SE",
            "Vi har också noterat er betalning",
            "En kollega återkommer",
        ),
    ];
    for (locale, promise_line, person_line) in expected {
        let mut ctx = full_context(MessageKind::DisputeAcknowledgement, Tone::Standard, locale);
        ctx.also = vec![MessageKind::PromiseConfirmation];
        ctx.person_follows = true;
        let r = render(&ctx, &t).unwrap();
        assert!(r.text.contains(promise_line), "{locale}:\n{}", r.text);
        assert!(r.text.contains(person_line), "{locale}:\n{}", r.text);
        assert!(r.html.contains(person_line), "{locale}:\n{}", r.html);
        // Without them, neither line appears.
        let plain = render(
            &full_context(MessageKind::DisputeAcknowledgement, Tone::Standard, locale),
            &t,
        )
        .unwrap();
        assert!(!plain.text.contains(promise_line) && !plain.text.contains(person_line));
    }
}

#[test]
fn reminders_never_mention_folded_answers() {
    let t = Templates::builtin();
    for locale in ["en", "de"] {
        let r = render(
            &full_context(MessageKind::Reminder, Tone::Standard, locale),
            &t,
        )
        .unwrap();
        assert!(!r.text.contains("also noted") && !r.text.contains("ebenfalls"));
    }
}
