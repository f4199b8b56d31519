//! Ninety simulated days over a small book whose whole ledger arrives through signed ERP
//! webhooks and whose customers answer by email: swept three times a day with test clocks
//! (twice at once on some days), then judged from the `.eml` files the worker wrote and from the
//! admin API. Reminders on the right days inside each account's local window; a promise pauses
//! and, broken, dunning resumes firmer; a dispute removes only its invoice; a payment stops
//! dunning; a strategic account goes to its owner instead of a final notice; a permanent bounce
//! switches contact; an out-of-office defers; nothing is ever sent twice.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use serde_json::{json, Value};

use crate::helpers::{spawn_app, unix_now, TestApp};
use crate::inbound_support::{deliver, reply_mail, INBOUND};
use crate::sweep_fixtures::{enc, header, outbound, sweep};
use crate::webhooks_fixtures::{send_stripe, stripe_event};

const BER: &str = "erp:C-BER";
const NYC: &str = "erp:C-NYC";
const STRAT: &str = "erp:C-STRAT";
const PROM: &str = "erp:C-PROM";
const DISP: &str = "erp:C-DISP";
const BOUNCE: &str = "erp:C-BNC";
const OOO: &str = "erp:C-OOO";
const PAYS: &str = "erp:C-PAY";
const STRIPE: &str = "stripe:cus_STR";

/// The dunning kinds, mildest first.
const DUNNING: [&str; 4] = ["courtesy", "reminder", "firm_reminder", "final_notice"];

fn rank(kind: &str) -> usize {
    DUNNING
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(usize::MAX)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn erp(app: &TestApp, events: Vec<Value>) {
    let body = json!({ "events": events }).to_string();
    let r = app.post_erp(&body, unix_now());
    assert!(r.status < 300, "erp: {} {}", r.status, r.text);
}

fn set_clock(app: &TestApp, t: DateTime<Utc>) {
    let r = app.api_post("/api/clock", &json!({"now": t.to_rfc3339()}));
    assert_eq!(r.status, 200, "{}", r.text);
}

const SEEDED: &str = "2026-01-05T07:00:00Z";

fn customer(id: &str, name: &str, tz: &str, locale: &str, owner: Option<&str>) -> Value {
    json!({"id": format!("evt-cus-{id}"), "type": "customer.upsert", "occurred_at": SEEDED,
           "customer": {"id": id, "name": name, "currency": "EUR", "timezone": tz,
                        "locale": locale, "strategic": owner.is_some(), "owner": owner}})
}

fn ap(customer: &str, email: &str, name: &str, preferred: bool) -> Value {
    json!({"id": format!("evt-con-{email}"), "type": "contact.upsert", "occurred_at": SEEDED,
           "contact": {"customer_id": customer, "email": email, "name": name, "role": "ap",
                       "preferred": preferred}})
}

fn inv(customer: &str, number: &str, total: &str, due: &str) -> Value {
    json!({"id": format!("evt-inv-{number}"), "type": "invoice.upsert", "occurred_at": SEEDED,
           "invoice": {"id": format!("I-{number}"), "customer_id": customer, "number": number,
                       "currency": "EUR", "total": total, "amount_paid": "0.00",
                       "issue_date": "2025-12-05", "due_date": due, "status": "open",
                       "po_number": null, "url": format!("https://pay.example/{number}")}})
}

/// One sent message, parsed.
#[derive(Debug, Clone)]
struct Mail {
    date: DateTime<FixedOffset>,
    to: String,
    subject: String,
    message_id: String,
    in_reply_to: Option<String>,
    references: String,
    /// The decoded text/plain part.
    body: String,
    /// The decoded text part, then the raw message with quoted-printable soft line breaks
    /// removed (for body searches).
    text: String,
}

fn strip_brackets(s: &str) -> String {
    s.trim().trim_matches(|c| c == '<' || c == '>').to_string()
}

fn parse(raw: &str) -> Mail {
    let h = |name: &str| header(raw, name);
    let parsed = nudge_mail::parse(raw.as_bytes(), &nudge_mail::Limits::default())
        .unwrap_or_else(|e| panic!("unparsable .eml ({e:?}): {raw}"));
    Mail {
        date: DateTime::parse_from_rfc2822(&h("Date").unwrap_or_else(|| panic!("no Date: {raw}")))
            .unwrap_or_else(|e| panic!("bad Date ({e}): {raw}")),
        to: h("To").unwrap_or_default().to_ascii_lowercase(),
        subject: parsed.subject.clone().unwrap_or_default(),
        message_id: strip_brackets(&h("Message-ID").unwrap_or_else(|| panic!("{raw}"))),
        in_reply_to: h("In-Reply-To").map(|v| strip_brackets(&v)),
        references: h("References").unwrap_or_default(),
        body: parsed.text.clone(),
        text: format!(
            "{}\n{}",
            parsed.text,
            raw.replace("=\r\n", "").replace("=\n", "")
        ),
    }
}

/// Fires two sweeps at the same simulated time from two threads; both must succeed cleanly.
fn race(app: &TestApp, as_of: &str) {
    std::thread::scope(|s| {
        let a = s.spawn(|| app.api_post("/api/sweep", &json!({ "as_of": as_of })));
        let b = s.spawn(|| app.api_post("/api/sweep", &json!({ "as_of": as_of })));
        for r in [a.join().unwrap(), b.join().unwrap()] {
            assert_eq!(r.status, 200, "racing sweep {as_of}: {}", r.text);
            assert_eq!(r.json["errors"], 0, "racing sweep {as_of}: {}", r.text);
        }
    });
}

/// A Stripe invoice event for `cus_STR`'s invoice, issued 5 December, due 5 January, sent at
/// `day` 07:00 UTC.
fn stripe_invoice(event_type: &str, event_id: &str, day: NaiveDate) -> Value {
    let mut e = stripe_event(
        event_type,
        event_id,
        at(day, 7).timestamp(),
        "cus_STR",
        "in_STR1",
    );
    let o = &mut e["data"]["object"];
    o["created"] = json!(at(date(2025, 12, 5), 0).timestamp());
    o["customer_email"] = json!("ap@stark.example");
    o["effective_at"] = json!(at(date(2025, 12, 5), 0).timestamp());
    o["due_date"] = json!(at(date(2026, 1, 5), 0).timestamp());
    if o["status_transitions"]["finalized_at"].is_number() {
        o["status_transitions"]["finalized_at"] = json!(at(date(2025, 12, 5), 0).timestamp());
    }
    if o["status_transitions"]["paid_at"].is_number() {
        o["status_transitions"]["paid_at"] = json!(at(day, 7).timestamp());
    }
    e
}

fn business_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut n = 0;
    let mut d = from;
    while d < to {
        d += Duration::days(1);
        if d.weekday().number_from_monday() <= 5 {
            n += 1;
        }
    }
    n
}

#[test]
fn ninety_days_of_collections_over_a_small_book() {
    let started = std::time::Instant::now();
    let app = spawn_app();
    let start = date(2026, 1, 5); // a Monday; every invoice falls due today
    let due = "2026-01-05";

    // ---- The ledger, all through signed ERP webhooks, in simulated time. ----
    set_clock(&app, at(start, 7));
    erp(
        &app,
        vec![
            customer("C-BER", "Globex GmbH", "Europe/Berlin", "en-GB", None),
            ap("C-BER", "anna@globex.example", "Anna", true),
            inv("C-BER", "INV-1101", "1200.00", due),
            inv("C-BER", "INV-1102", "800.00", due),
            customer("C-NYC", "Acme Corp", "America/New_York", "en-US", None),
            ap("C-NYC", "bob@acme.example", "Bob", true),
            inv("C-NYC", "INV-2101", "950.00", due),
            customer(
                "C-STRAT",
                "Initech AG",
                "Europe/Berlin",
                "en-GB",
                Some("owner@supplier.example"),
            ),
            ap("C-STRAT", "peter@initech.example", "Peter", true),
            inv("C-STRAT", "INV-3101", "5000.00", due),
            inv("C-STRAT", "INV-3102", "2500.00", due),
        ],
    );
    erp(
        &app,
        vec![
            customer("C-PROM", "Umbrella Ltd", "Europe/London", "en-GB", None),
            ap("C-PROM", "pat@umbrella.example", "Pat", true),
            inv("C-PROM", "INV-5101", "1500.00", due),
            customer("C-DISP", "Hooli GmbH", "Europe/Berlin", "en-GB", None),
            ap("C-DISP", "gavin@hooli.example", "Gavin", true),
            inv("C-DISP", "INV-4101", "500.00", due),
            inv("C-DISP", "INV-4102", "300.00", due),
            customer("C-BNC", "Vandelay Ltd", "Europe/London", "en-GB", None),
            ap("C-BNC", "art@vandelay.example", "Art Vandelay", true),
            ap("C-BNC", "ap@vandelay.example", "AP Team", false),
            inv("C-BNC", "INV-7101", "420.00", due),
            customer("C-OOO", "Dunder Mifflin", "America/New_York", "en-US", None),
            ap("C-OOO", "jim@dunder.example", "Jim", true),
            inv("C-OOO", "INV-8101", "610.00", due),
            customer("C-PAY", "Soylent GmbH", "Europe/Berlin", "en-GB", None),
            ap("C-PAY", "sol@soylent.example", "Sol", true),
            inv("C-PAY", "INV-6101", "700.00", due),
            inv("C-PAY", "INV-6102", "300.00", due),
        ],
    );
    // One account billed through Stripe (send_invoice), also due on the 5th, in Berlin.
    let mut cus = stripe_event(
        "customer.created",
        "evt_90_cus",
        at(start, 7).timestamp(),
        "cus_STR",
        "in_STR1",
    );
    cus["data"]["object"]["metadata"] = json!({"timezone": "Europe/Berlin"});
    cus["data"]["object"]["preferred_locales"] = json!(["en-GB"]);
    // (The fixture helper's `ap@cus_STR.example` has an underscore in its domain, which the
    // MIME builder refuses; a real-looking address instead.)
    cus["data"]["object"]["email"] = json!("ap@stark.example");
    let (status, body) = send_stripe(&app, &cus);
    assert!(status < 300, "stripe customer: {status} {body}");
    let (status, body) = send_stripe(
        &app,
        &stripe_invoice("invoice.finalized", "evt_90_fin", start),
    );
    assert!(status < 300, "stripe invoice: {status} {body}");

    let all = [BER, NYC, STRAT, PROM, DISP, BOUNCE, OOO, PAYS, STRIPE];
    let listed = app.api_get("/api/accounts?limit=50").json;
    for id in all {
        assert!(
            listed.to_string().contains(id),
            "{id} not created: {listed}"
        );
    }
    let tz_of: HashMap<&str, Tz> = [
        (BER, chrono_tz::Europe::Berlin),
        (NYC, chrono_tz::America::New_York),
        (STRAT, chrono_tz::Europe::Berlin),
        (PROM, chrono_tz::Europe::London),
        (DISP, chrono_tz::Europe::Berlin),
        (BOUNCE, chrono_tz::Europe::London),
        (OOO, chrono_tz::America::New_York),
        (PAYS, chrono_tz::Europe::Berlin),
        (STRIPE, chrono_tz::Europe::Berlin),
    ]
    .into_iter()
    .collect();

    // ---- 90 days: sweeps at 08:00, 11:00 and 15:00 UTC; on every fourth day two race. ----
    // A Thursday; + 2 business days of grace = Monday 26th; broken from Tuesday 27th (not a
    // racing day, so the decision that sends the resumed message can be read back).
    let promised_on = date(2026, 1, 22);
    let ooo_until = date(2026, 2, 2);
    let paid_on = date(2026, 1, 20);
    let stripe_paid_on = date(2026, 1, 26);
    let mut customer_ids: HashSet<String> = HashSet::new();
    let mut prom_seen = 0usize;
    let mut prom_resumed_decision: Option<Value> = None;
    let mut prom_decisions: Vec<(DateTime<Utc>, Value)> = Vec::new();
    let mut racing_sweeps = 0;
    for d in 0..90 {
        let day = start + Duration::days(d);
        if day == date(2026, 1, 9) {
            // The customers answer the first reminders (all sent on Thursday the 8th).
            set_clock(&app, at(day, 7));
            customer_replies(&app, &mut customer_ids, promised_on, ooo_until);
        }
        if day == paid_on {
            // Soylent pays both invoices: the ERP reports the payment, allocated.
            set_clock(&app, at(day, 7));
            erp(
                &app,
                vec![json!({"id": "evt-pay-1", "type": "payment.received",
                    "occurred_at": "2026-01-20T07:00:00Z",
                    "payment": {"id": "P-9001", "customer_id": "C-PAY", "amount": "1000.00",
                                "currency": "EUR", "received_on": "2026-01-20",
                                "reference": "INV-6101 INV-6102",
                                "allocations": [
                                    {"invoice_id": "I-INV-6101", "amount": "700.00"},
                                    {"invoice_id": "I-INV-6102", "amount": "300.00"}]}})],
            );
        }
        if day == stripe_paid_on {
            // The Stripe customer pays its invoice.
            set_clock(&app, at(day, 7));
            let (status, body) =
                send_stripe(&app, &stripe_invoice("invoice.paid", "evt_90_paid", day));
            assert!(status < 300, "stripe paid: {status} {body}");
        }
        for hour in [8, 11, 15] {
            let as_of = at(day, hour).to_rfc3339();
            if d % 4 == 3 && hour != 8 {
                race(&app, &as_of);
                racing_sweeps += 2;
            } else {
                sweep(&app, &as_of);
            }
            // Watch the promise account around its deadline: every decision, and the one that
            // sent the resumed message.
            if (18..=30).contains(&d) {
                let st = app.api_get(&format!("/api/sweeps/accounts/{}", enc(PROM)));
                assert_eq!(st.status, 200, "{}", st.text);
                let n = outbound(&app, PROM).len();
                if n > prom_seen && prom_resumed_decision.is_none() {
                    prom_resumed_decision = Some(st.json["last_decision"].clone());
                }
                prom_seen = n;
                prom_decisions.push((at(day, hour), st.json["last_decision"].clone()));
            } else if d < 18 {
                prom_seen = outbound(&app, PROM).len();
            }
        }
    }
    let simulated = started.elapsed();

    // ---- Collect: the outbound rows (API) and the .eml files. ----
    let rows: HashMap<&str, Vec<Value>> = all.iter().map(|id| (*id, outbound(&app, id))).collect();
    for (id, r) in &rows {
        let line: Vec<String> = r
            .iter()
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r["sent_at"].as_str().unwrap_or("-"),
                    r["kind"].as_str().unwrap_or("?"),
                    r["status"].as_str().unwrap_or("?"),
                    r["to_addr"].as_str().unwrap_or("?")
                )
            })
            .collect();
        eprintln!("{id}: {line:#?}");
    }
    let sent_rows: usize = rows
        .values()
        .flatten()
        .filter(|r| r["status"] == "sent")
        .count();
    app.eventually("every .eml written", || {
        (app.sent_emails().len() >= sent_rows).then_some(())
    });
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mails: Vec<Mail> = app.sent_emails().iter().map(|m| parse(m)).collect();

    // No duplicate anywhere: every Message-ID once; every sent row has exactly one .eml; every
    // .eml is a sent row or an answer to one of the customers' messages; one row per step.
    let mut ids = HashSet::new();
    for m in &mails {
        assert!(ids.insert(m.message_id.clone()), "Message-ID twice: {m:?}");
    }
    let by_id: HashMap<&str, &Mail> = mails.iter().map(|m| (m.message_id.as_str(), m)).collect();
    let mut row_of: HashMap<String, (&str, Value)> = HashMap::new();
    let mut steps = HashSet::new();
    for (id, rs) in &rows {
        for r in rs {
            assert_eq!(r["status"], "sent", "{id}: {r}");
            assert_eq!(r["attempts"], 1, "sent once, first time: {id}: {r}");
            assert!(
                steps.insert((id.to_string(), r["step_key"].as_str().unwrap().to_string())),
                "(account, step) twice: {id} {r}"
            );
            let mid = strip_brackets(r["message_id"].as_str().unwrap());
            assert!(by_id.contains_key(mid.as_str()), "no .eml for {id} {r}");
            row_of.insert(mid, (id, r.clone()));
        }
    }
    // Answers to the customers (recorded rows too, or not): each answers one of their messages.
    let acks: Vec<&Mail> = mails
        .iter()
        .filter(|m| {
            row_of
                .get(&m.message_id)
                .is_none_or(|(_, r)| !DUNNING.contains(&r["kind"].as_str().unwrap_or("")))
        })
        .collect();
    for m in &acks {
        assert!(
            m.in_reply_to
                .as_ref()
                .is_some_and(|r| customer_ids.contains(r)),
            "an email that is neither a recorded step nor an answer to a customer: {m:?}"
        );
    }
    let unrecorded = acks
        .iter()
        .filter(|m| !row_of.contains_key(&m.message_id))
        .count();
    assert_eq!(mails.len(), sent_rows + unrecorded);
    let ack_kinds: HashSet<(String, String)> = acks
        .iter()
        .filter_map(|m| {
            let (id, r) = row_of.get(&m.message_id)?;
            Some((id.to_string(), r["kind"].as_str()?.to_string()))
        })
        .collect();
    assert_eq!(
        ack_kinds,
        [
            (PROM.to_string(), "promise_confirmation".to_string()),
            (DISP.to_string(), "dispute_acknowledgement".to_string()),
        ]
        .into_iter()
        .collect(),
        "one answer each to the promise and the dispute, none to the bounce or the auto-reply"
    );
    for m in &acks {
        // Answered when the mail arrived (simulated Friday 9 January, 07:00 UTC).
        assert_eq!(m.date.with_timezone(&Utc), at(date(2026, 1, 9), 7), "{m:?}");
        let (_, r) = &row_of[&m.message_id];
        // The row is stamped with the same (simulated) time as the message.
        let sent: DateTime<Utc> = r["sent_at"].as_str().unwrap().parse().unwrap();
        assert_eq!(sent, m.date.with_timezone(&Utc), "{r}");
    }

    // The dunning mail of one account, oldest first (from the .eml files, joined to the rows).
    let dunning = |id: &str| -> Vec<(Mail, Value)> {
        let mut v: Vec<(Mail, Value)> = mails
            .iter()
            .filter_map(|m| {
                let (acct, row) = row_of.get(&m.message_id)?;
                (*acct == id && DUNNING.contains(&row["kind"].as_str()?))
                    .then(|| (m.clone(), row.clone()))
            })
            .collect();
        v.sort_by_key(|(m, _)| m.date);
        v
    };
    let kinds = |v: &[(Mail, Value)]| -> Vec<String> {
        v.iter()
            .map(|(_, r)| r["kind"].as_str().unwrap().to_string())
            .collect()
    };

    // Every reminder: a weekday, 09:00–17:00 in the account's own timezone; its Date header is
    // the recorded send time; at least five days after the previous one; one stable thread.
    for id in all {
        let tz = tz_of[id];
        let d = dunning(id);
        assert!(!d.is_empty(), "{id} was never reminded");
        for (m, r) in &d {
            let local = m.date.with_timezone(&tz);
            assert!(
                local.weekday().number_from_monday() <= 5 && (9..17).contains(&local.hour()),
                "{id}: sent outside the window: {local} ({:?})",
                m.date
            );
            let sent: DateTime<Utc> = r["sent_at"].as_str().unwrap().parse().unwrap();
            assert_eq!(m.date.with_timezone(&Utc), sent, "{id}: Date header {m:?}");
            assert!(m.text.contains("Auto-Submitted: auto-generated"), "{m:?}");
        }
        for kind in DUNNING {
            let n = d.iter().filter(|(_, r)| r["kind"] == kind).count();
            assert!(n <= 2, "{id}: {n} × {kind} (at most two touches per stage)");
        }
        for w in d.windows(2) {
            assert!(
                w[1].0.date - w[0].0.date >= Duration::days(5),
                "{id}: touches too close: {:?} then {:?}",
                w[0].0.date,
                w[1].0.date
            );
            let base = |s: &str| {
                s.trim_start_matches("Re: ")
                    .trim_start_matches("RE: ")
                    .to_string()
            };
            assert_eq!(
                base(&w[0].0.subject),
                base(&w[1].0.subject),
                "{id}: one thread"
            );
            assert!(w[1].0.subject.starts_with("Re:"), "{id}: {:?}", w[1].0);
            assert!(
                w[1].0.references.contains(&d[0].0.message_id),
                "{id}: References carry the thread: {:?}",
                w[1].0
            );
        }
    }
    // Accounts nobody wrote back from: each reminder answers the previous one.
    for id in [BER, NYC, STRAT, PAYS] {
        let d = dunning(id);
        for w in d.windows(2) {
            assert_eq!(
                w[1].0.in_reply_to.as_deref(),
                Some(w[0].0.message_id.as_str()),
                "{id}: threaded on the previous message"
            );
        }
    }

    // The right days: three days after due, at the first sweep inside each local window.
    let first = |id: &str| {
        dunning(id)
            .into_iter()
            .find(|(_, r)| r["kind"] != "courtesy")
            .unwrap_or_else(|| panic!("{id}: no reminder"))
            .0
            .date
            .with_timezone(&Utc)
    };
    assert_eq!(
        first(BER),
        at(date(2026, 1, 8), 8),
        "Berlin opens at 08:00 UTC"
    );
    assert_eq!(
        first(PROM),
        at(date(2026, 1, 8), 11),
        "London opens at 09:00 UTC"
    );
    assert_eq!(
        first(NYC),
        at(date(2026, 1, 8), 15),
        "New York opens at 14:00 UTC"
    );
    for id in [NYC, OOO] {
        for (m, _) in dunning(id) {
            assert_eq!(m.date.with_timezone(&Utc).hour(), 15, "{id}: {m:?}");
        }
    }
    for id in all.into_iter().filter(|id| *id != STRAT) {
        assert_eq!(
            first(id).date_naive(),
            date(2026, 1, 8),
            "{id} first reminder day"
        );
    }
    // The strategic account's EUR 5,000 invoice earns a courtesy heads-up on its due day; its
    // slower cadence (10 business days) then holds the first reminder until Monday the 19th.
    let s0 = &dunning(STRAT)[0];
    assert_eq!(s0.1["kind"], "courtesy", "{:?}", s0.0);
    assert_eq!(s0.0.date.with_timezone(&Utc), at(start, 8));
    assert_eq!(first(STRAT), at(date(2026, 1, 19), 8));

    // Berlin climbs the whole ladder: friendly → firm (≥ 15 days overdue) → final (≥ 30), then
    // human review is an approval and never another email.
    let ber = dunning(BER);
    let k = kinds(&ber);
    assert_eq!(k.first().map(String::as_str), Some("reminder"), "{k:?}");
    assert_eq!(k.last().map(String::as_str), Some("final_notice"), "{k:?}");
    let due_day = start;
    for (m, r) in &ber {
        let days = (m.date.date_naive() - due_day).num_days();
        match r["kind"].as_str().unwrap() {
            "firm_reminder" => assert!(days >= 15, "firm at {days} days"),
            "final_notice" => assert!(days >= 30, "final at {days} days"),
            _ => {}
        }
        assert!(
            m.text.contains("INV-1101") && m.text.contains("INV-1102"),
            "{m:?}"
        );
    }
    // Exactly the policy's calendar: every fifth business day (Thursdays), two touches per
    // stage, the stage from the days overdue (friendly ≥ 3, firm ≥ 15, final ≥ 30), review at 45.
    let thursdays = |hour: u32| -> Vec<(DateTime<Utc>, &str)> {
        [
            (8, "reminder"),
            (15, "reminder"),
            (22, "firm_reminder"),
            (29, "firm_reminder"),
            (36, "final_notice"),
            (43, "final_notice"),
        ]
        .into_iter()
        .map(|(d, k)| (at(date(2026, 1, 1) + Duration::days(d - 1), hour), k))
        .collect()
    };
    let schedule = |id: &str| -> Vec<(DateTime<Utc>, String)> {
        dunning(id)
            .iter()
            .map(|(m, r)| {
                (
                    m.date.with_timezone(&Utc),
                    r["kind"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let expect = |hour| -> Vec<(DateTime<Utc>, String)> {
        thursdays(hour)
            .into_iter()
            .map(|(t, k)| (t, k.to_string()))
            .collect()
    };
    assert_eq!(schedule(BER), expect(8), "Berlin's calendar");
    assert_eq!(schedule(NYC), expect(15), "New York's calendar");
    let ranks: Vec<usize> = k.iter().map(|k| rank(k)).collect();
    assert!(
        ranks.windows(2).all(|w| w[0] <= w[1]),
        "never softer: {k:?}"
    );
    let approvals = app
        .api_get(&format!("/api/approvals?account_id={}", enc(BER)))
        .json;
    let approvals = approvals["approvals"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(approvals.len(), 1, "{approvals:?}");

    // Strategic: never a final notice; its owner gets a task; slower cadence (10 business days).
    let strat = dunning(STRAT);
    let k = kinds(&strat);
    assert!(!k.contains(&"final_notice".to_string()), "{k:?}");
    assert!(k.len() >= 2, "{k:?}");
    for w in strat.windows(2) {
        let gap = business_days_between(w[0].0.date.date_naive(), w[1].0.date.date_naive());
        assert!(gap >= 10, "strategic gap {gap}: {k:?}");
    }
    let tasks = app
        .api_get(&format!("/api/tasks?account_id={}", enc(STRAT)))
        .json;
    let tasks = tasks["tasks"].as_array().cloned().unwrap_or_default();
    assert!(
        tasks
            .iter()
            .any(|t| t["kind"] == "owner_review" && t["assignee"] == "owner@supplier.example"),
        "{tasks:?}"
    );
    let strat_approvals = app
        .api_get(&format!("/api/approvals?account_id={}", enc(STRAT)))
        .json;
    assert!(
        !strat_approvals.to_string().contains("legal_notice"),
        "{strat_approvals}"
    );

    // Promise: nothing between the promise and its date plus grace, then firmer, because broken.
    let prom = dunning(PROM);
    let before: Vec<_> = prom
        .iter()
        .filter(|(m, _)| m.date.date_naive() <= date(2026, 1, 9))
        .collect();
    let after: Vec<_> = prom
        .iter()
        .filter(|(m, _)| m.date.date_naive() > date(2026, 1, 9))
        .collect();
    assert_eq!(before.len(), 1, "{:?}", kinds(&prom));
    assert!(!after.is_empty(), "a broken promise resumes dunning");
    let grace_end = date(2026, 1, 26);
    let resumed = after[0].0.date.date_naive();
    assert!(
        resumed > grace_end,
        "paused until {grace_end}, sent {resumed}"
    );
    assert!(
        resumed <= date(2026, 1, 29),
        "resumes promptly after {grace_end}, not {resumed}"
    );
    assert!(
        rank(after[0].1["kind"].as_str().unwrap()) > rank(before[0].1["kind"].as_str().unwrap()),
        "firmer: {:?}",
        kinds(&prom)
    );
    let decision = prom_resumed_decision.expect("the resuming decision was observed");
    assert_eq!(decision["action"]["type"], "send", "{decision}");
    assert_eq!(decision["metrics"]["broken_promises"], 1, "{decision}");
    // The decision that sends the firmer message says why, and the message holds the customer
    // to their word.
    assert!(
        decision["reasons"].to_string().contains("promise_broken"),
        "{decision}"
    );
    assert!(
        after[0].0.text.contains("You told us that payment"),
        "{}",
        after[0].0.text
    );
    // The promise breaks on the first evaluation after its grace (Tuesday the 27th), never
    // before; that decision says so.
    let broke: Vec<&DateTime<Utc>> = prom_decisions
        .iter()
        .filter(|(_, d)| d["reasons"].to_string().contains("promise_broken"))
        .map(|(t, _)| t)
        .collect();
    assert!(!broke.is_empty(), "no decision said promise_broken");
    assert_eq!(broke[0].date_naive(), date(2026, 1, 27), "{broke:?}");
    eprintln!(
        "P resumed:\n{}",
        after[0].0.text.chars().take(1800).collect::<String>()
    );
    let p = app.api_get(&format!("/api/accounts/{}", enc(PROM))).json;
    assert!(
        p["promises"]
            .as_array()
            .is_some_and(|ps| ps.len() == 1 && ps[0]["status"] == "broken"),
        "{}",
        p["promises"]
    );

    // Dispute: INV-4102 leaves every later reminder's invoice list and total (it may only be
    // named as on hold); INV-4101 is still chased.
    let disp = dunning(DISP);
    let listed = |m: &Mail, number: &str| {
        m.body
            .lines()
            .any(|l| l.contains(&format!("Invoice {number}, due")))
    };
    assert!(
        listed(&disp[0].0, "INV-4101") && listed(&disp[0].0, "INV-4102"),
        "{:?}",
        disp[0].0.body
    );
    assert!(disp[0].0.body.contains("800.00"), "{}", disp[0].0.body);
    let later: Vec<_> = disp
        .iter()
        .filter(|(m, _)| m.date.date_naive() > date(2026, 1, 9))
        .collect();
    assert!(later.len() >= 2, "the undisputed invoice is still chased");
    for (m, _) in &later {
        assert!(listed(m, "INV-4101"), "{}", m.body);
        assert!(
            !listed(m, "INV-4102"),
            "disputed invoice dunned: {}",
            m.body
        );
        assert!(!m.body.contains("800.00"), "total includes it: {}", m.body);
        assert!(m.body.contains("500.00"), "{}", m.body);
        for l in m.body.lines().filter(|l| l.contains("INV-4102")) {
            assert!(l.contains("on hold"), "{l}");
        }
    }
    let dd = app.api_get(&format!("/api/accounts/{}", enc(DISP))).json;
    let disputes = dd["disputes"].as_array().cloned().unwrap_or_default();
    assert_eq!(disputes.len(), 1, "{disputes:?}");
    assert_eq!(
        disputes[0]["invoice_ids"],
        json!(["erp:I-INV-4102"]),
        "{disputes:?}"
    );

    // Bounce: after the DSN every reminder goes to the second contact; the first gets nothing.
    let bnc = dunning(BOUNCE);
    assert!(
        bnc[0].0.to.contains("art@vandelay.example"),
        "{:?}",
        bnc[0].0
    );
    assert!(bnc.len() >= 2, "{:?}", kinds(&bnc));
    for (m, _) in &bnc[1..] {
        assert!(m.to.contains("ap@vandelay.example"), "{m:?}");
        assert!(!m.to.contains("art@"), "{m:?}");
    }
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.to.contains("art@vandelay.example"))
            .count(),
        1
    );
    let b = app.api_get(&format!("/api/accounts/{}", enc(BOUNCE))).json;
    let art = b["contacts"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["email"] == "art@vandelay.example"))
        .cloned()
        .unwrap_or_else(|| panic!("{b}"));
    assert_eq!(art["status"], "bounced", "{art}");

    // Out-of-office: nothing while away (local dates up to and including the return date),
    // then dunning resumes within the next few days.
    let ooo = dunning(OOO);
    let ny = chrono_tz::America::New_York;
    for (m, _) in &ooo[1..] {
        assert!(
            m.date.with_timezone(&ny).date_naive() > ooo_until,
            "sent while away: {m:?}"
        );
    }
    assert!(ooo.len() >= 2, "{:?}", kinds(&ooo));
    assert!(
        ooo[1].0.date.with_timezone(&ny).date_naive() <= date(2026, 2, 6),
        "resumes after {ooo_until}: {:?}",
        ooo[1].0.date
    );

    // Payment: something before the 20th, nothing from then on; the ledger shows it paid.
    let pay = dunning(PAYS);
    assert!(!pay.is_empty());
    for (m, _) in &pay {
        assert!(m.date.date_naive() < paid_on, "dunned after paying: {m:?}");
    }
    assert_eq!(
        mails
            .iter()
            .filter(|m| m.to.contains("sol@soylent.example"))
            .count(),
        pay.len()
    );
    let y = app.api_get(&format!("/api/accounts/{}", enc(PAYS))).json;
    for i in y["invoices"].as_array().cloned().unwrap_or_default() {
        assert_eq!(i["status"], "paid", "{i}");
    }
    let st = app
        .api_get(&format!("/api/sweeps/accounts/{}", enc(PAYS)))
        .json;
    assert_eq!(st["last_decision"]["action"]["type"], "none", "{st}");

    // The Stripe account: reminded, then paid through Stripe on the 26th; nothing after.
    let str_mails = dunning(STRIPE);
    assert!(str_mails.len() >= 2, "{:?}", kinds(&str_mails));
    for (m, _) in &str_mails {
        assert!(
            m.date.date_naive() < stripe_paid_on,
            "dunned after paying: {m:?}"
        );
        assert!(m.to.contains("ap@stark.example"), "{m:?}");
        assert!(m.body.contains("NUM-in_STR1"), "{}", m.body);
    }
    let sa = app.api_get(&format!("/api/accounts/{}", enc(STRIPE))).json;
    assert_eq!(sa["invoices"][0]["status"], "paid", "{sa}");

    // The sweeps themselves: every one recorded, none with errors.
    let runs = app.api_get("/api/sweeps").json;
    let runs = runs["sweeps"].as_array().cloned().unwrap_or_default();
    assert_eq!(runs.len(), 50, "the 50 most recent runs");
    assert!(runs.iter().all(|r| r["errors"] == 0), "{runs:?}");
    assert!(
        runs[0]["as_of"]
            .as_str()
            .is_some_and(|t| t.starts_with("2026-04-04T15:00")),
        "{}",
        runs[0]
    );
    eprintln!(
        "90 days: {} sweeps ({racing_sweeps} racing), {} emails ({} answers), simulated in {:.1?}, total {:.1?}",
        270 + racing_sweeps / 2,
        mails.len(),
        acks.len(),
        simulated,
        started.elapsed()
    );
}

/// Friday 9 January, the morning after the first reminders: a bounce for the bounce account's
/// first contact, a dispute of one of two invoices, a promise, and an out-of-office auto-reply.
fn customer_replies(
    app: &TestApp,
    customer_ids: &mut HashSet<String>,
    promised_on: NaiveDate,
    ooo_until: NaiveDate,
) {
    let first = app.eventually("the first reminder to Art", || {
        app.sent_emails()
            .into_iter()
            .find(|m| header(m, "To").is_some_and(|t| t.contains("art@vandelay.example")))
    });
    let reply_to = header(&first, "Reply-To").expect("Reply-To");
    let reply_to = strip_brackets(&reply_to);
    let dsn = crate::inbound_support::dsn_user_unknown(
        &reply_to,
        "art@vandelay.example",
        "bounce-90@mx.vandelay.example",
    );
    let m = deliver(
        app,
        "mailer-daemon@mx.vandelay.example",
        &reply_to,
        &dsn,
        "bounce-90@mx.vandelay.example",
    );
    assert_eq!(m["action"], "contact_bounced", "{m}");
    customer_ids.insert("bounce-90@mx.vandelay.example".into());

    let raw = reply_mail(
        "gavin@hooli.example",
        "Gavin",
        "dispute-90@hooli.example",
        "Re: Your account with Example Supplies Ltd",
        "Invoice INV-4102 is wrong: the unit price is higher than in your quote. We will not pay it until the price is corrected.",
    );
    let m = deliver(
        app,
        "gavin@hooli.example",
        INBOUND,
        &raw,
        "dispute-90@hooli.example",
    );
    assert_eq!(m["action"], "dispute_opened", "{m}");
    customer_ids.insert("dispute-90@hooli.example".into());

    let when = format!("{} January 2026", promised_on.day());
    let raw = reply_mail(
        "pat@umbrella.example",
        "Pat",
        "promise-90@umbrella.example",
        "Re: Your account with Example Supplies Ltd",
        &format!("Hello, we will pay invoice INV-5101 on {when}.\r\n\r\nRegards, Pat"),
    );
    let m = deliver(
        app,
        "pat@umbrella.example",
        INBOUND,
        &raw,
        "promise-90@umbrella.example",
    );
    assert_eq!(m["action"], "promise_recorded", "{m}");
    customer_ids.insert("promise-90@umbrella.example".into());

    let until = format!("{} February 2026", ooo_until.day());
    let ooo = format!(
        "From: Jim <jim@dunder.example>\r\nTo: {INBOUND}\r\n\
         Subject: Automatic reply: Your account\r\n\
         Message-ID: <ooo-90@dunder.example>\r\nAuto-Submitted: auto-replied\r\n\r\n\
         Thank you for your email. I am out of the office until {until} with no access to email.\r\n"
    );
    let m = deliver(
        app,
        "jim@dunder.example",
        INBOUND,
        &ooo,
        "ooo-90@dunder.example",
    );
    assert_eq!(m["action"], "out_of_office_recorded", "{m}");
    customer_ids.insert("ooo-90@dunder.example".into());
}
