//! Behaviour on hand-written fixtures of every shape Nudge receives: human replies in several
//! languages, encodings and structures; RFC 3464 and plain-text bounces; auto-replies.

use std::path::Path;

use nudge_mail::{parse, AutoReplyKind, Bounce, BounceReason, Email, Limits, Machine, MailError};

fn load(name: &str) -> Email {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&raw, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn bounce(name: &str) -> Bounce {
    match load(name).machine {
        Some(Machine::Bounce(b)) => b,
        other => panic!("{name}: expected a bounce, got {other:?}"),
    }
}

fn auto_kind(name: &str) -> AutoReplyKind {
    match load(name).machine {
        Some(Machine::AutoReply(a)) => a.kind,
        other => panic!("{name}: expected an auto-reply, got {other:?}"),
    }
}

/// Our reminders say "please pay … by …"; that must never reach `new_text`.
fn assert_no_reminder(email: &Email) {
    let lower = email.new_text.to_lowercase();
    for needle in [
        "please pay",
        "bitte begleichen",
        "merci de régler",
        "por favor pague",
        "vänligen betala",
    ] {
        assert!(
            !lower.contains(needle),
            "reminder leaked into new_text: {:?}",
            email.new_text
        );
    }
}

#[test]
fn gmail_alternative_reply() {
    let e = load("human_gmail_alternative_qp.eml");
    assert_eq!(e.message_id.as_deref(), Some("CAF=abc123@mail.gmail.com"));
    assert_eq!(e.in_reply_to, vec!["nudge-7f3a@billing.example.com"]);
    assert_eq!(e.references.len(), 2);
    let from = e.from.as_ref().unwrap();
    assert_eq!(from.email, "tom.becker@nordwind.example");
    assert_eq!(from.name.as_deref(), Some("Tom Becker"));
    assert_eq!(e.to[0].email, "ar+t0k3n@billing.example.com");
    assert_eq!(
        nudge_mail::plus_token(&e.to[0].email).as_deref(),
        Some("t0k3n")
    );
    assert_eq!(e.cc[0].email, "ap@nordwind.example");
    assert_eq!(e.date.unwrap().to_rfc3339(), "2026-11-30T09:15:00+00:00");
    assert!(
        e.text.contains("Please pay invoice INV-1042"),
        "full text keeps the quote"
    );
    assert_eq!(
        e.new_text,
        "Hi Anna,\n\nWe will pay INV-1042 on Friday 4 December, the transfer is already approved."
    );
    assert!(e.machine.is_none());
    assert_no_reminder(&e);
}

#[test]
fn outlook_html_only_reply_with_remittance() {
    let e = load("human_outlook_html_only_cp1252.eml");
    assert_eq!(
        e.from.as_ref().unwrap().name.as_deref(),
        Some("Sarah O\u{2019}Neill")
    );
    assert!(
        e.text.contains("20 November \u{2013} please check"),
        "{}",
        e.text
    );
    assert!(e.new_text.contains("We already paid this invoice"));
    assert!(
        !e.new_text.contains("Sarah"),
        "signature kept: {:?}",
        e.new_text
    );
    assert_no_reminder(&e);
    assert_eq!(e.attachments.len(), 1);
    let a = &e.attachments[0];
    assert_eq!(
        a.filename.as_deref(),
        Some("Remittance_Advice_INV-2001.pdf")
    );
    assert_eq!(a.content_type, "application/pdf");
    assert!(a.size > 0);
    assert!(a.looks_like_remittance);
    assert!(e.machine.is_none());
}

#[test]
fn german_latin1_reply() {
    let e = load("human_german_latin1_qp.eml");
    assert_eq!(
        e.subject.as_deref(),
        Some("AW: Zahlungserinnerung für RE-77")
    );
    assert_eq!(
        e.from.as_ref().unwrap().name.as_deref(),
        Some("Jürgen Müller")
    );
    assert_eq!(
        e.new_text,
        "Guten Tag,\n\nwir überweisen den offenen Betrag bis Ende der Woche."
    );
    assert_no_reminder(&e);
}

#[test]
fn french_base64_reply() {
    let e = load("human_french_base64.eml");
    assert_eq!(e.subject.as_deref(), Some("Re: Facture F-310 échue"));
    assert_eq!(
        e.new_text,
        "Bonjour,\n\nNous contestons la facture F-310 : la quantité livrée ne correspond pas."
    );
    assert_no_reminder(&e);
}

#[test]
fn spanish_mobile_reply() {
    let e = load("human_spanish_mobile.eml");
    assert_eq!(
        e.new_text,
        "Hola,\n\nPagaremos la factura FAC-55 el próximo lunes."
    );
    assert_no_reminder(&e);
}

#[test]
fn swedish_8bit_reply() {
    let e = load("human_swedish_8bit_latin1.eml");
    assert_eq!(
        e.from.as_ref().unwrap().name.as_deref(),
        Some("Karin Ström")
    );
    assert_eq!(
        e.new_text,
        "Hej,\n\nVi betalar fakturan 9001 den 10 december."
    );
    assert_no_reminder(&e);
}

#[test]
fn forward_with_related_html_and_csv() {
    let e = load("human_forward_related_csv.eml");
    assert_eq!(
        e.new_text,
        "Please find our payment advice below, INV-1042 was included."
    );
    assert!(e.text.contains("Batch 44 released."));
    let names: Vec<_> = e
        .attachments
        .iter()
        .filter_map(|a| a.filename.clone())
        .collect();
    assert!(
        names.contains(&"payment_advice_2026-12-01.csv".to_string()),
        "{names:?}"
    );
    let csv = e
        .attachments
        .iter()
        .find(|a| a.content_type == "text/csv")
        .unwrap();
    assert!(csv.looks_like_remittance);
    let pdf = e
        .attachments
        .iter()
        .find(|a| a.content_type == "application/pdf")
        .unwrap();
    assert!(
        !pdf.looks_like_remittance,
        "an invoice copy is not a remittance"
    );
    assert!(e.machine.is_none());
}

#[test]
fn person_mentioning_out_of_office_is_human() {
    let e = load("human_mentions_out_of_office.eml");
    assert!(e.machine.is_none(), "{:?}", e.machine);
    assert_eq!(
        e.new_text,
        "Sorry for the delay, I was out of the office last week. We have now paid INV-3003."
    );
}

/// ISO-2022-JP is one of the CJK legacy charsets the worker does not decode (mail-parser without
/// `full_encoding`, to keep the wasm small): the message is still read, its ASCII body and the
/// invoice reference in the subject survive, and the raw escape sequences do not.
#[test]
fn iso_2022_jp_headers_stay_readable_without_control_characters() {
    let e = load("human_iso2022jp_subject.eml");
    let subject = e.subject.as_deref().unwrap();
    assert!(subject.ends_with(" INV-4004"), "{subject:?}");
    assert!(!subject.chars().any(char::is_control), "{subject:?}");
    let name = e.from.as_ref().unwrap().name.as_deref().unwrap_or("");
    assert!(!name.chars().any(char::is_control), "{name:?}");
    assert_eq!(e.from.as_ref().unwrap().email, "yamada@example.jp");
    assert_eq!(
        e.new_text,
        "Payment for INV-4004 is scheduled for 15 December."
    );
}

#[test]
fn windows_1252_and_iso_8859_2_decode() {
    let raw = "From: =?windows-1252?Q?Andr=E9_M=FCller?= <am@example.de>\r\n\
               To: ar@billing.example.com\r\n\
               Subject: =?iso-8859-2?Q?Zaplaceno=3A_faktura_=E8=2E?= INV-7\r\n\
               Content-Type: text/plain; charset=windows-1252\r\n\
               Content-Transfer-Encoding: quoted-printable\r\n\r\n\
               Wir zahlen am Montag =80 1.200,00.\r\n";
    let e = parse(raw.as_bytes(), &Limits::default()).unwrap();
    assert_eq!(
        e.from.as_ref().unwrap().name.as_deref(),
        Some("André Müller")
    );
    assert_eq!(e.subject.as_deref(), Some("Zaplaceno: faktura č. INV-7"));
    assert_eq!(e.new_text, "Wir zahlen am Montag € 1.200,00.");
}

#[test]
fn dsn_user_unknown_is_dead() {
    let b = bounce("bounce_dsn_user_unknown.eml");
    assert_eq!(b.recipient.as_deref(), Some("gone.person@customer.example"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.permanent);
    assert!(b.address_dead);
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b
        .diagnostic
        .unwrap()
        .contains("User unknown in virtual mailbox table"));
}

#[test]
fn dsn_mailbox_full_is_not_dead() {
    let b = bounce("bounce_dsn_mailbox_full.eml");
    assert_eq!(b.reason, BounceReason::MailboxFull);
    assert!(b.permanent);
    assert!(!b.address_dead);
}

#[test]
fn dsn_delay_is_transient() {
    let b = bounce("bounce_dsn_delayed.eml");
    assert_eq!(b.recipient.as_deref(), Some("slow@customer.example"));
    assert_eq!(b.status.as_deref(), Some("4.4.1"));
    assert!(!b.permanent);
    assert!(!b.address_dead);
}

#[test]
fn dsn_policy_block_is_not_dead() {
    let b = bounce("bounce_dsn_policy_block.eml");
    assert_eq!(b.reason, BounceReason::Blocked);
    assert!(b.permanent);
    assert!(!b.address_dead);
}

#[test]
fn dsn_generic_status_takes_specific_diagnostic_code() {
    let b = bounce("bounce_dsn_generic_status_specific_diag.eml");
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.address_dead);
}

#[test]
fn office365_ndr() {
    let b = bounce("bounce_office365_ndr.eml");
    assert_eq!(b.recipient.as_deref(), Some("finance@customer.example"));
    assert_eq!(b.status.as_deref(), Some("5.1.10"));
    assert_eq!(b.reason, BounceReason::UserUnknown);
    assert!(b.address_dead);
}

#[test]
fn qmail_plain_text_bounce() {
    let b = bounce("bounce_qmail_plain.eml");
    assert_eq!(b.recipient.as_deref(), Some("old.contact@customer.example"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.address_dead);
}

#[test]
fn exim_host_unknown() {
    let b = bounce("bounce_exim_host_unknown.eml");
    assert_eq!(
        b.recipient.as_deref(),
        Some("someone@no-such-domain.example")
    );
    assert_eq!(b.reason, BounceReason::HostUnknown);
    assert!(b.permanent);
    assert!(b.address_dead);
}

#[test]
fn gmail_address_not_found() {
    let b = bounce("bounce_gmail_no_such_user.eml");
    assert_eq!(b.recipient.as_deref(), Some("nobody.here@gmail.example"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.address_dead);
}

#[test]
fn ses_json_notification() {
    let b = bounce("bounce_ses_json.eml");
    assert_eq!(b.recipient.as_deref(), Some("ghost@customer.example"));
    assert_eq!(b.status.as_deref(), Some("5.1.1"));
    assert!(b.address_dead);
}

#[test]
fn bounce_is_not_an_auto_reply() {
    // Carries `Auto-Submitted: auto-replied` like most MTAs' notices.
    assert!(matches!(
        load("bounce_exim_host_unknown.eml").machine,
        Some(Machine::Bounce(_))
    ));
}

#[test]
fn out_of_office_in_six_languages() {
    for name in [
        "auto_ooo_rfc3834_en.eml",
        "auto_ooo_german_subject_only.eml",
        "auto_ooo_french_encoded.eml",
        "auto_ooo_spanish.eml",
        "auto_ooo_swedish.eml",
        "auto_ooo_dutch.eml",
    ] {
        assert_eq!(auto_kind(name), AutoReplyKind::OutOfOffice, "{name}");
    }
}

#[test]
fn auto_reply_names_its_signal() {
    match load("auto_ooo_rfc3834_en.eml").machine {
        Some(Machine::AutoReply(a)) => assert_eq!(a.signal, "auto-submitted: auto-replied"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ticket_acknowledgements() {
    assert_eq!(
        auto_kind("auto_ticket_ack.eml"),
        AutoReplyKind::TicketAcknowledgement
    );
    assert_eq!(
        auto_kind("auto_ticket_ack_no_headers.eml"),
        AutoReplyKind::TicketAcknowledgement
    );
}

#[test]
fn size_limit_rejects_without_parsing() {
    let raw = vec![b'a'; 100];
    assert_eq!(
        parse(&raw, &Limits { max_bytes: 10 }),
        Err(MailError::TooLarge {
            size: 100,
            limit: 10
        })
    );
    assert_eq!(Limits::default().max_bytes, 2 * 1024 * 1024);
}

#[test]
fn empty_input_is_unparseable() {
    assert!(matches!(
        parse(b"", &Limits::default()),
        Err(MailError::Unparseable(_))
    ));
    assert!(matches!(
        parse(b"\r\n \r\n", &Limits::default()),
        Err(MailError::Unparseable(_))
    ));
}

#[test]
fn serialises_snake_case() {
    let e = load("bounce_dsn_user_unknown.eml");
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(json["machine"]["bounce"]["reason"], "user_unknown");
    assert_eq!(json["machine"]["bounce"]["address_dead"], true);
    let e = load("auto_ticket_ack.eml");
    let json = serde_json::to_value(&e).unwrap();
    assert_eq!(
        json["machine"]["auto_reply"]["kind"],
        "ticket_acknowledgement"
    );
}

#[test]
fn typical_reply_used_by_the_bench() {
    let e = load("typical_reply_5kb.eml");
    assert!(e.new_text.starts_with("Hi,\n\nThanks for the reminder."));
    assert!(e
        .new_text
        .ends_with("Our PO number for the corrected invoice is PO-88231."));
    assert_no_reminder(&e);
    assert!(e.machine.is_none());
}

#[test]
fn empty_plain_alternative_falls_back_to_html() {
    let e = load("human_empty_plain_alternative.eml");
    assert!(e.text.contains("Please pay invoice INV-5"));
    assert_eq!(e.new_text, "Can you send me a copy of INV-5?");
    assert_no_reminder(&e);
}

#[test]
fn auto_response_suppress_alone_is_not_an_auto_reply() {
    // Exchange adds the header to ordinary mail sent through distribution lists.
    let raw = b"From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: Re: Invoice INV-9\r\nX-Auto-Response-Suppress: All\r\n\r\nWe will pay INV-9 on Monday.\r\n";
    let e = parse(raw, &Limits::default()).unwrap();
    assert!(e.machine.is_none(), "{:?}", e.machine);
    let raw = b"From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: Invoice INV-9\r\nX-Auto-Response-Suppress: All\r\n\r\nI am out of the office until 14 December.\r\n";
    let e = parse(raw, &Limits::default()).unwrap();
    assert!(
        matches!(e.machine, Some(Machine::AutoReply(ref a)) if a.kind == AutoReplyKind::OutOfOffice)
    );
}

#[test]
fn person_subject_with_leave_words_is_human() {
    for subject in [
        "Payment late, accountant on leave",
        "Absence of PO number on INV-9",
        "Re: Invoice INV-9 (our office is closed for holiday next week)",
    ] {
        let raw = format!(
            "From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: {subject}\r\n\r\nWe will pay INV-9 on Monday.\r\n"
        );
        let e = parse(raw.as_bytes(), &Limits::default()).unwrap();
        assert!(e.machine.is_none(), "{subject}: {:?}", e.machine);
    }
}

#[test]
fn message_at_the_size_limit_parses_in_reasonable_time() {
    let mut raw = b"From: MAILER-DAEMON@mx.example.net\r\nTo: ar@billing.example.com\r\nSubject: Undelivered Mail Returned to Sender\r\nReturn-Path: <>\r\n\r\n".to_vec();
    let line = b"<a@b.example>: 550 5.1.1 user unknown; Thanks,\r\n> On Mon wrote:\r\nFrom: x\r\n";
    while raw.len() + line.len() < Limits::default().max_bytes {
        raw.extend_from_slice(line);
    }
    let started = std::time::Instant::now();
    let e = parse(&raw, &Limits::default()).unwrap();
    assert!(matches!(e.machine, Some(Machine::Bounce(_))));
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn customer_complaining_about_a_failed_delivery_is_human() {
    let raw = b"From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: Re: Invoice INV-9 - delivery failed\r\nIn-Reply-To: <nudge-9@billing.example.com>\r\n\r\nYour courier was unable to deliver the goods, the delivery failed twice.\r\nWe will not pay INV-9 until we receive them.\r\n";
    let e = parse(raw, &Limits::default()).unwrap();
    assert!(e.machine.is_none(), "{:?}", e.machine);
}

#[test]
fn person_acknowledging_an_invoice_is_human() {
    let raw = "From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: AW: Anfrage zu Rechnung 123\r\n\r\nVielen Dank, wir haben Ihre Rechnung erhalten und zahlen am Freitag.\r\n";
    let e = parse(raw.as_bytes(), &Limits::default()).unwrap();
    assert!(e.machine.is_none(), "{:?}", e.machine);
    let raw = "From: Kim <kim@customer.example>\r\nTo: ar@billing.example.com\r\nSubject: Re: Invoice 123\r\n\r\nThank you for your email. We have received your invoice #123 and will pay it on Friday.\r\n";
    let e = parse(raw.as_bytes(), &Limits::default()).unwrap();
    assert!(e.machine.is_none(), "{:?}", e.machine);
}
