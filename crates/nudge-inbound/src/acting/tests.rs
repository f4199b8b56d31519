use super::*;
use crate::{classify, Context};
use chrono::TimeZone;
use nudge_core::ledger::{Account, Allocation, InvoiceStatus};

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn invoice(id: &str, number: &str, due: NaiveDate, total: i64) -> Invoice {
    Invoice {
        id: id.into(),
        number: number.into(),
        issue_date: due - chrono::Duration::days(30),
        due_date: due,
        currency: Currency::EUR,
        total: Decimal::new(total, 0),
        paid: Decimal::ZERO,
        credited: Decimal::ZERO,
        status: InvoiceStatus::Open,
        paid_on: None,
        po_number: None,
        payment_url: Some(format!("https://pay.example/{number}")),
        pdf_url: Some(format!("https://pay.example/{number}.pdf")),
        auto_collection: false,
        auto_collection_exhausted: false,
    }
}

fn book() -> AccountBook {
    let mut account = Account::new("erp:C-1", "Globex GmbH");
    account.locale = "en-GB".into();
    let mut b = AccountBook::new(account);
    b.contacts.push(Contact {
        email: "jane@globex.example".into(),
        name: Some("Jane Doe".into()),
        role: ContactRole::Ap,
        status: ContactStatus::Active,
        preferred: true,
    });
    b.invoices
        .push(invoice("erp:I-1", "INV-1001", day(10, 15), 1200));
    b.invoices
        .push(invoice("erp:I-2", "INV-1002", day(11, 1), 800));
    b
}

fn classification(body: &str, extra_headers: &str) -> Classification {
    let raw = format!(
        "From: Jane Doe <jane@globex.example>\r\nTo: ar@nudge.example.com\r\n\
         Subject: Re: Your account with Example Supplies\r\nMessage-ID: <c1@globex.example>\r\n\
         {extra_headers}\r\n{body}\r\n"
    );
    let ctx = Context {
        now: now(),
        timezone: nudge_core::zone::Zone::UTC,
        locale: "en-GB".into(),
    };
    classify(raw.as_bytes(), &ctx).unwrap()
}

fn run(b: &mut AccountBook, c: &Classification, replies_today: u32) -> Plan {
    plan(
        b,
        &Inbound {
            id: "msg_1",
            sender: "jane@globex.example",
            sender_name: Some("Jane Doe"),
            classification: c,
            now: now(),
            company_name: "Example Supplies Ltd",
            replies_today,
            sender_is_own: false,
            remittance_attached: false,
        },
    )
}

#[test]
fn a_promise_is_recorded_and_confirmed() {
    let c = classification("We will pay both invoices on 15 December 2026.", "");
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "promise_recorded", "{c:?}");
    assert_eq!(b.promises.len(), 1);
    assert_eq!(b.promises[0].promised_date, day(12, 15));
    assert_eq!(b.promises[0].source, PromiseSource::Email);
    let reply = p.reply.expect("a confirmation");
    assert_eq!(reply.kind, MessageKind::PromiseConfirmation);
    assert_eq!(reply.promise.map(|p| p.0), Some(day(12, 15)));
}

#[test]
fn a_dispute_opens_only_on_the_named_invoice() {
    let c = classification(
        "Invoice INV-1002 is wrong: the price is not what we agreed in the quote. We will not pay it until it is corrected.",
        "",
    );
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "dispute_opened", "{c:?}");
    assert_eq!(b.disputes.len(), 1);
    assert_eq!(b.disputes[0].invoice_ids, vec!["erp:I-2".to_string()]);
    let reply = p.reply.unwrap();
    assert_eq!(reply.kind, MessageKind::DisputeAcknowledgement);
    assert_eq!(reply.dispute.unwrap().1, vec!["INV-1002".to_string()]);
}

#[test]
fn a_permanent_dead_bounce_marks_the_contact_and_asks_for_a_new_one() {
    let mut b = book();
    let c = Classification {
        kind: Kind::Bounce,
        bounce: Some(BounceInfo {
            recipient: Some("Jane@Globex.example".into()),
            status: Some("5.1.1".into()),
            permanent: true,
            address_dead: true,
        }),
        ..classification("x", "")
    };
    let p = run(&mut b, &c, 0);
    assert_eq!(b.contacts[0].status, ContactStatus::Bounced);
    assert_eq!(p.action, "contact_bounced_none_left");
    assert_eq!(p.tasks[0].kind, "find_contact");
    assert!(p.reply.is_none() && !p.forward);
}

#[test]
fn transient_bounces_and_auto_replies_change_nothing_and_get_no_answer() {
    let mut b = book();
    let before = b.clone();
    let c = Classification {
        kind: Kind::Bounce,
        bounce: Some(BounceInfo {
            recipient: Some("jane@globex.example".into()),
            status: Some("4.2.2".into()),
            permanent: false,
            address_dead: false,
        }),
        ..classification("x", "")
    };
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "bounce_transient_logged");
    let ooo = classification(
        "I am out of the office until 7 December 2026 with limited access to email.",
        "Auto-Submitted: auto-replied\r\nSubject: Out of office\r\n",
    );
    assert_eq!(ooo.kind, Kind::AutoReply);
    let p = run(&mut b, &ooo, 0);
    assert!(p.reply.is_none());
    assert_eq!(p.out_of_office_until, ooo.out_of_office_until);
    assert_eq!(b, before);
}

#[test]
fn unclear_mail_goes_to_a_person_and_is_forwarded() {
    let c = classification("Please remove me from your mailing list, unsubscribe.", "");
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.status, Status::NeedsHuman, "{c:?}");
    assert!(p.forward);
    assert_eq!(p.tasks[0].kind, "inbound_review");
    assert!(p.summary.contains("jane@globex.example"));
}

#[test]
fn the_daily_cap_suppresses_the_reply_but_keeps_the_change() {
    let c = classification("We will pay both invoices on 15 December 2026.", "");
    let mut b = book();
    let p = run(&mut b, &c, MAX_REPLIES_PER_DAY);
    assert!(p.reply.is_none());
    assert!(p.action.contains("daily_reply_cap"));
    assert_eq!(b.promises.len(), 1);
}

#[test]
fn a_contact_change_adds_the_new_ap_contact_and_keeps_the_old() {
    let c = classification(
        "I have left the AP team. Please send invoices to Tom Baker at tom.baker@globex.example from now on.",
        "",
    );
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "contact_added", "{c:?}");
    let tom = b
        .contacts
        .iter()
        .find(|x| x.email == "tom.baker@globex.example")
        .unwrap();
    assert!(tom.preferred && tom.role == ContactRole::Ap);
    let jane = b
        .contacts
        .iter()
        .find(|x| x.email == "jane@globex.example")
        .unwrap();
    assert!(!jane.preferred && jane.status == ContactStatus::Active);
}

#[test]
fn references_match_numbers_and_bare_serials() {
    let b = book();
    assert_eq!(
        referenced_ids(&b, &["inv 1001".into(), "1002".into(), "99".into()]),
        vec!["erp:I-1".to_string(), "erp:I-2".to_string()]
    );
}

#[test]
fn already_paid_finds_an_unapplied_payment_by_amount() {
    let mut b = book();
    b.payments.push(Payment {
        id: "pay_1".into(),
        account_id: "erp:C-1".into(),
        amount: Decimal::new(800, 0),
        currency: Currency::EUR,
        received_on: day(11, 28),
        reference: None,
        allocations: vec![],
    });
    assert_eq!(
        find_payment(&b, &["erp:I-2".into()], None, day(11, 30)).map(|p| p.id.as_str()),
        Some("pay_1")
    );
    assert!(find_payment(&b, &["erp:I-1".into()], None, day(11, 30)).is_none());
    // A settled invoice is matched to the payment allocated to it.
    b.payments[0].allocations.push(Allocation {
        invoice_id: "erp:I-2".into(),
        amount: Decimal::new(800, 0),
    });
    b.invoices[1].paid = Decimal::new(800, 0);
    b.invoices[1].status = InvoiceStatus::Paid;
    assert_eq!(
        find_payment(&b, &["erp:I-2".into()], None, day(11, 30)).map(|p| p.id.as_str()),
        Some("pay_1")
    );
}

#[test]
fn already_paid_without_a_payment_asks_for_remittance_unless_it_is_attached() {
    let c = classification(
        "We already paid invoice INV-1002 last week by bank transfer.",
        "",
    );
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "remittance_requested", "{c:?}");
    assert_eq!(
        p.reply.map(|r| r.kind),
        Some(MessageKind::AlreadyPaidAskRemittance)
    );
    let p = plan(
        &mut b,
        &Inbound {
            id: "msg_2",
            sender: "jane@globex.example",
            sender_name: None,
            classification: &c,
            now: now(),
            company_name: "Example Supplies Ltd",
            replies_today: 0,
            sender_is_own: false,
            remittance_attached: true,
        },
    );
    assert_eq!(p.action, "remittance_received");
    assert!(p.reply.is_none() && p.forward);
    assert_eq!(p.tasks[0].kind, "match_remittance");
}

#[test]
fn a_human_reply_from_a_bounced_contact_reactivates_it() {
    let c = classification("We will pay both invoices on 15 December 2026.", "");
    let mut b = book();
    b.contacts[0].status = ContactStatus::Bounced;
    let p = run(&mut b, &c, 0);
    assert_eq!(b.contacts[0].status, ContactStatus::Active);
    assert!(p.events.iter().any(|e| e.kind == "contact_reactivated"));
    assert_eq!(p.action, "promise_recorded");
}

fn scored(intent: Intent, confidence: f64, refs: &[&str]) -> ScoredIntent {
    ScoredIntent {
        intent,
        confidence,
        invoice_refs: refs.iter().map(|r| r.to_string()).collect(),
    }
}

fn three_invoices() -> AccountBook {
    let mut b = book();
    b.invoices
        .push(invoice("erp:I-3", "INV-1003", day(11, 10), 300));
    b
}

#[test]
fn every_intent_of_a_mixed_reply_is_acted_on_with_its_own_invoices() {
    let text = "We dispute INV-1002: the unit price is higher than quoted. \
                We will pay INV-1001 on 15 December 2026. Can you tell us who approved the rate?";
    let c = Classification {
        intents: vec![
            scored(Intent::Dispute, 0.9, &["INV-1002"]),
            scored(Intent::PromiseToPay, 0.85, &["INV-1001"]),
            scored(Intent::Question, 0.5, &[]),
        ],
        primary_intent: Some(Intent::Dispute),
        promise: Some(crate::PromiseDetails {
            date: Some(day(12, 15)),
            amount: None,
            currency: None,
        }),
        dispute: Some(crate::DisputeInfo {
            category: DisputeCategory::Pricing,
        }),
        invoice_refs: vec!["INV-1002".into(), "INV-1001".into()],
        new_text: text.into(),
        ..classification(text, "")
    };
    let mut b = three_invoices();
    let p = run(&mut b, &c, 0);
    assert_eq!(
        p.action, "dispute_opened+promise_recorded+question_to_person",
        "{p:?}"
    );
    // The dispute holds INV-1002 only; the promise covers INV-1001 only.
    assert_eq!(b.disputes.len(), 1);
    assert_eq!(b.disputes[0].invoice_ids, ["erp:I-2"]);
    assert_eq!(b.promises.len(), 1);
    assert_eq!(b.promises[0].invoice_ids, ["erp:I-1"]);
    assert_eq!(b.promises[0].promised_date, day(12, 15));
    // The question goes to a person, with the question itself.
    let q = p
        .tasks
        .iter()
        .find(|t| t.kind == "customer_question")
        .expect("a task for the question");
    assert_eq!(
        q.context["questions"][0],
        "Can you tell us who approved the rate?"
    );
    assert!(p.tasks.iter().any(|t| t.kind == "dispute_review"));
    assert_eq!(p.status, Status::NeedsHuman);
    assert!(p.forward);
    // One answer: the dispute acknowledgement, also confirming the promise and saying a
    // person follows up on the question.
    let reply = p.reply.expect("one reply");
    assert_eq!(reply.kind, MessageKind::DisputeAcknowledgement);
    assert_eq!(reply.also, [MessageKind::PromiseConfirmation]);
    assert_eq!(reply.promise.map(|p| p.0), Some(day(12, 15)));
    assert_eq!(
        reply.dispute.map(|d| d.1),
        Some(vec!["INV-1002".to_string()])
    );
    assert!(reply.person_follows);
}

#[test]
fn a_dispute_naming_no_invoice_beside_a_promise_holds_the_others() {
    let text = "We will pay INV-1001 on 15 December 2026. The other invoice is wrong, the quantity is short.";
    let c = Classification {
        intents: vec![
            scored(Intent::PromiseToPay, 0.9, &["INV-1001"]),
            scored(Intent::Dispute, 0.8, &[]),
        ],
        primary_intent: Some(Intent::PromiseToPay),
        promise: Some(crate::PromiseDetails {
            date: Some(day(12, 15)),
            amount: None,
            currency: None,
        }),
        dispute: Some(crate::DisputeInfo {
            category: DisputeCategory::Quantity,
        }),
        invoice_refs: vec!["INV-1001".into()],
        new_text: text.into(),
        ..classification(text, "")
    };
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "promise_recorded+dispute_opened", "{p:?}");
    assert_eq!(b.disputes[0].invoice_ids, ["erp:I-2"]);
    assert_eq!(b.promises[0].invoice_ids, ["erp:I-1"]);
    let reply = p.reply.unwrap();
    assert_eq!(reply.kind, MessageKind::PromiseConfirmation);
    assert_eq!(reply.also, [MessageKind::DisputeAcknowledgement]);
    assert!(!reply.person_follows);
}

#[test]
fn a_legal_threat_beside_a_dispute_holds_the_invoice_and_gets_no_automatic_answer() {
    let text = "INV-1002 is wrong and if it is not withdrawn our lawyers will take legal action.";
    let c = Classification {
        intents: vec![
            scored(Intent::LegalThreat, 0.9, &["INV-1002"]),
            scored(Intent::Dispute, 0.8, &["INV-1002"]),
        ],
        primary_intent: Some(Intent::LegalThreat),
        dispute: Some(crate::DisputeInfo {
            category: DisputeCategory::Other,
        }),
        invoice_refs: vec!["INV-1002".into()],
        new_text: text.into(),
        ..classification(text, "")
    };
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "handed_to_person+dispute_opened", "{p:?}");
    assert_eq!(b.disputes[0].invoice_ids, ["erp:I-2"]);
    assert!(p.reply.is_none());
    assert_eq!(p.status, Status::NeedsHuman);
    assert!(p.forward);
}

#[test]
fn the_answer_is_in_the_language_the_customer_wrote_in() {
    assert_eq!(reply_locale("en-GB", Some("de")), "de");
    assert_eq!(reply_locale("de-AT", Some("de")), "de-AT");
    assert_eq!(reply_locale("fr-FR", None), "fr-FR");
    let c = classification(
        "Die Rechnung INV-1001 wird bis zum 15.12. überwiesen. Vielen Dank und freundliche Grüße",
        "",
    );
    assert_eq!(c.language.as_deref(), Some("de"));
    let mut b = book();
    let p = run(&mut b, &c, 0);
    assert_eq!(p.action, "promise_recorded", "{c:?}");
    assert_eq!(p.reply.unwrap().locale, "de");
}
