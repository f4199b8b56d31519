use chrono::NaiveDate;

use super::*;

fn u(text: &str) -> Understanding {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    understand_text(text, None, today, "en-GB", Hints::default())
}

#[test]
fn promise_with_date_and_amount() {
    let r = u("Hi, we'll pay INV-2026-0412 (€4,800.00) by Friday. Thanks");
    assert_eq!(r.primary_intent, Intent::PromiseToPay);
    let p = r.promise.unwrap();
    assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 12, 4));
    assert_eq!(p.amount.map(|a| a.to_string()).as_deref(), Some("4800.00"));
    assert_eq!(p.currency.as_deref(), Some("EUR"));
    assert_eq!(r.invoice_refs, ["INV-2026-0412"]);
}

#[test]
fn refusal_until_corrected_is_a_dispute() {
    let r = u("We will not pay until the price is corrected.");
    assert_eq!(r.primary_intent, Intent::Dispute);
    assert!(r.promise.is_none());
    assert_eq!(r.dispute, Some(DisputeCategory::Pricing));
}

#[test]
fn cannot_pay_is_no_promise() {
    let r = u("Sorry, we can't pay this month.");
    assert!(r.promise.is_none(), "{r:?}");
}

#[test]
fn already_paid_and_contacts() {
    let r = u("We already paid this on 20 November, see the attached remittance.");
    assert_eq!(r.primary_intent, Intent::AlreadyPaid);
    let r = u("Please send all invoices to Jane Doe <jane@acme.example> from now on.");
    assert_eq!(r.primary_intent, Intent::ContactChange);
    assert_eq!(r.new_contacts[0].email, "jane@acme.example");
}

#[test]
fn nothing_recognised_is_other() {
    let r = u("Thanks.");
    assert_eq!(r.primary_intent, Intent::Other);
}

fn de(text: &str) -> Understanding {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    understand_text(text, None, today, "de-DE", Hints::default())
}

#[test]
fn german_promise_and_refusal() {
    let r = de("Die Rechnung RE-2026-1203 über 1.250,00 EUR wird bis zum 4.12. überwiesen.");
    assert_eq!(r.primary_intent, Intent::PromiseToPay);
    let p = r.promise.unwrap();
    assert_eq!(p.date, NaiveDate::from_ymd_opt(2026, 12, 4));
    assert_eq!(p.amount.map(|a| a.to_string()).as_deref(), Some("1250.00"));
    let r = de("Wir werden die Rechnung erst bezahlen, wenn die Gutschrift da ist.");
    assert_eq!(r.primary_intent, Intent::Dispute);
    assert!(r.promise.is_none() || r.promise.unwrap().date.is_none());
}

#[test]
fn questions_about_paying_are_not_promises() {
    let r = u("Can we pay by credit card? Is there a surcharge?");
    assert_ne!(r.primary_intent, Intent::PromiseToPay);
}

#[test]
fn past_payment_runs_are_payments_made() {
    let r = u("INV-2026-0460 went out in our payment run yesterday.");
    assert_eq!(r.primary_intent, Intent::AlreadyPaid);
    assert!(r.promise.is_none());
}

#[test]
fn lead_point_wins_between_strong_intents() {
    let r = u("INV-2026-0420 will be paid tomorrow. However INV-2026-0433 is wrong: we were charged for 40 boxes and only received 25.");
    assert_eq!(r.primary_intent, Intent::PromiseToPay);
    assert!(r.intents.iter().any(|s| s.intent == Intent::Dispute));
    assert_eq!(r.dispute, Some(DisputeCategory::Quantity));
}

#[test]
fn legal_threats_and_opt_outs_reach_a_person() {
    assert_eq!(
        u("Our lawyer will contact you. Any further emails will be treated as harassment.")
            .primary_intent,
        Intent::LegalThreat
    );
    assert_eq!(
        u("Please unsubscribe me, I'm in sales.").primary_intent,
        Intent::Unsubscribe
    );
}

#[test]
fn payment_plans() {
    assert_eq!(
        u("Could we spread the balance over three monthly instalments?").primary_intent,
        Intent::PaymentPlanRequest
    );
    assert_eq!(
        de("Wäre eine Ratenzahlung möglich?").primary_intent,
        Intent::PaymentPlanRequest
    );
}

#[test]
fn disclaimers_are_not_read() {
    let r = u("We will pay on Friday.\n\nThis e-mail is confidential. If you received it in error please notify the sender.");
    assert!(
        !r.intents.iter().any(|s| s.intent == Intent::Dispute),
        "{:?}",
        r.intents
    );
}

#[test]
fn negation_reaches_across_the_clause_but_not_past_but() {
    let r = u("I don't think we will be able to pay before the 20th.");
    assert!(r.promise.is_none(), "{:?}", r.intents);
    let r = u("We won't pay INV-2026-0001 until it is corrected, but we will pay INV-2026-0002 on Friday.");
    assert_eq!(r.primary_intent, Intent::Dispute);
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        NaiveDate::from_ymd_opt(2026, 12, 4)
    );
    let r = u("No problem, we will pay on Friday.");
    assert_eq!(r.primary_intent, Intent::PromiseToPay);
}

#[test]
fn held_payments_and_wire_checks() {
    assert_eq!(
        u("Payment is on hold pending the signed timesheets.").primary_intent,
        Intent::Dispute
    );
    assert_eq!(
        u("Did you receive our wire last Tuesday?").primary_intent,
        Intent::AlreadyPaid
    );
}

fn refs_of(r: &Understanding, intent: Intent) -> Vec<String> {
    r.intents
        .iter()
        .find(|s| s.intent == intent)
        .map(|s| s.invoice_refs.clone())
        .unwrap_or_default()
}

#[test]
fn each_intent_holds_the_invoices_of_its_own_clauses() {
    let r = u(
        "Invoice INV-1002 is wrong: the unit price is higher than quoted. \
               We will pay INV-1001 on 15 December.",
    );
    assert_eq!(refs_of(&r, Intent::Dispute), ["INV-1002"], "{r:?}");
    assert_eq!(refs_of(&r, Intent::PromiseToPay), ["INV-1001"], "{r:?}");
    assert_eq!(r.invoice_refs, ["INV-1002", "INV-1001"]);
}

#[test]
fn a_list_of_invoices_belongs_to_the_clause_after_it() {
    let r = u("Invoices INV-101, INV-102 and INV-103 are wrong, the quantities do not match the delivery notes.");
    assert_eq!(
        refs_of(&r, Intent::Dispute),
        ["INV-101", "INV-102", "INV-103"],
        "{r:?}"
    );
}

#[test]
fn an_intent_without_references_refers_back_to_the_topic() {
    let r = u(
        "Regarding invoice INV-2026-0415. The unit price is wrong, it is higher than in the quote.",
    );
    assert_eq!(refs_of(&r, Intent::Dispute), ["INV-2026-0415"], "{r:?}");
}

#[test]
fn a_reply_subject_names_the_thread_invoices() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let r = understand_text(
        "We will pay it on Friday.",
        Some("Re: Invoice INV-7781 overdue"),
        today,
        "en-GB",
        Hints::default(),
    );
    assert_eq!(r.invoice_refs, ["INV-7781"], "{r:?}");
    assert_eq!(refs_of(&r, Intent::PromiseToPay), ["INV-7781"]);
    assert_eq!(r.language, Some("en"));
}

#[test]
fn the_language_of_the_new_text_is_reported() {
    assert_eq!(
        de("Wir werden die Rechnung am Freitag bezahlen.").language,
        Some("de")
    );
    assert_eq!(
        u("Nous réglerons la facture vendredi, merci.").language,
        Some("fr")
    );
}

fn has(r: &Understanding, intent: Intent) -> bool {
    r.intents.iter().any(|s| s.intent == intent)
}

#[test]
fn a_withdrawn_plan_to_pay_is_no_promise() {
    let r =
        u("I'd hoped to pay this on Friday, but our finance team has put all payments on hold.");
    assert!(r.promise.is_none(), "{r:?}");
    assert!(!has(&r, Intent::PromiseToPay), "{r:?}");
    // A plain hedge without a contrast still promises.
    assert!(u("We will pay on Friday.").promise.is_some());
}

#[test]
fn legal_threats_inside_a_dispute_are_both() {
    let r = u("We dispute INV-5521: the hours billed are wrong. If this is not corrected we will pass the matter to our solicitors.");
    assert_eq!(r.primary_intent, Intent::LegalThreat, "{r:?}");
    assert!(has(&r, Intent::Dispute));
    assert_eq!(refs_of(&r, Intent::Dispute), ["INV-5521"]);
}

#[test]
fn a_service_credit_claim_is_a_dispute() {
    let r = u("The platform was down for two days last month, which breaches the SLA. We expect a service credit on INV-881 before we pay it.");
    assert_eq!(r.primary_intent, Intent::Dispute, "{r:?}");
    assert_eq!(r.dispute, Some(DisputeCategory::CreditNoteRequested));
}

#[test]
fn a_replacement_po_is_a_billing_update_with_the_new_number() {
    let r = u("PO 4500123 has expired. Please use our new PO 4500999 for invoice INV-2210 and reissue it.");
    assert_eq!(r.primary_intent, Intent::BillingUpdate, "{r:?}");
    assert_eq!(r.po_number.as_deref(), Some("4500999"));
    assert!(r.dispute.is_none());
    let r = u("Please quote purchase order 77120 from now on; the old PO 70015 is closed.");
    assert_eq!(r.po_number.as_deref(), Some("77120"), "{r:?}");
}

#[test]
fn a_new_billing_address_is_no_dispute() {
    let r = u("Our billing address has changed to 12 High Street, Leeds LS1 4AB. Please update it on your invoices.");
    assert_eq!(r.primary_intent, Intent::BillingUpdate, "{r:?}");
    assert!(r.dispute.is_none());
}

#[test]
fn a_forwarded_request_for_approval_is_not_a_question_to_us() {
    let r = u("Jan — can you approve this so we can pay it on Friday?");
    assert!(!has(&r, Intent::Question), "{r:?}");
    assert_eq!(r.primary_intent, Intent::PromiseToPay, "{r:?}");
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        NaiveDate::from_ymd_opt(2026, 12, 4)
    );
}

#[test]
fn leaving_with_a_successor_is_a_contact_change() {
    let r = u("I've left the company. Please contact Maria Lopez (maria.lopez@acme.example) going forward.");
    assert_eq!(r.primary_intent, Intent::ContactChange, "{r:?}");
    assert_eq!(r.new_contacts[0].email, "maria.lopez@acme.example");
    let r = de("Ich bin nicht mehr im Unternehmen. Bitte wenden Sie sich an Petra Vogt, petra.vogt@kunde.example.");
    assert_eq!(r.primary_intent, Intent::ContactChange, "{r:?}");
}

#[test]
fn a_question_of_its_own_stays_beside_other_intents() {
    let r = u("We dispute INV-7001: the unit price is higher than quoted. INV-7002 is fine and will be paid on Friday. Who approved the new rate?");
    assert_eq!(refs_of(&r, Intent::Dispute), ["INV-7001"], "{r:?}");
    assert_eq!(refs_of(&r, Intent::PromiseToPay), ["INV-7002"], "{r:?}");
    assert!(has(&r, Intent::Question), "{r:?}");
    // "Can you check?" is part of the claim it follows.
    let r = u("We paid this by card last week, payment ID pi_3QX81a. Can you check?");
    assert!(!has(&r, Intent::Question), "{r:?}");
}

#[test]
fn payables_routines_give_the_day() {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d);
    // 30 November 2026 is a Monday.
    let r = u("Our payment runs are on Thursdays; we missed this week's cut-off, so it will go in the next run.");
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        day(12, 10),
        "{r:?}"
    );
    let r = de("Die Zahlung erfolgt in KW 50.");
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        day(12, 11),
        "{r:?}"
    );
    let r = u("We will pay after the board meets on the 10th.");
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        day(12, 11),
        "{r:?}"
    );
    let r = u("Our terms are Net 30 from receipt; we received the invoice on 20 November, so we will pay it then.");
    assert_eq!(
        r.promise.as_ref().and_then(|p| p.date),
        day(12, 20),
        "{r:?}"
    );
}

#[test]
fn thinner_languages_read_common_replies() {
    let nl = |t: &str| {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        understand_text(t, None, today, "nl-NL", Hints::default())
    };
    assert_eq!(
        nl("De factuur wordt volgende week betaald.").primary_intent,
        Intent::PromiseToPay
    );
    assert_eq!(
        nl("Wij hebben de factuur al betaald.").primary_intent,
        Intent::AlreadyPaid
    );
    assert_eq!(
        nl("Wij gaan niet akkoord: de prijs klopt niet met de offerte.").primary_intent,
        Intent::Dispute
    );
    let fr = u("Nous contestons la facture FA-2026-118 : le prix ne correspond pas au devis.");
    assert_eq!(fr.primary_intent, Intent::Dispute);
    assert_eq!(fr.language, Some("fr"));
    let es = u("Ya hemos pagado la factura la semana pasada.");
    assert_eq!(es.primary_intent, Intent::AlreadyPaid, "{es:?}");
    let sv = u("Fakturan betalas nästa vecka.");
    assert_eq!(sv.primary_intent, Intent::PromiseToPay, "{sv:?}");
}

#[test]
fn a_payment_made_this_morning_is_no_promise_for_today() {
    let r = u("We've made a payment of £1,200 this morning for INV-4601.");
    assert_eq!(r.primary_intent, Intent::AlreadyPaid, "{r:?}");
    assert!(r.promise.is_none(), "{r:?}");
    assert_eq!(refs_of(&r, Intent::AlreadyPaid), ["INV-4601"]);
}
