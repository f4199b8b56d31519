//! Stripe webhooks end to end: signed, real-shaped events change the ledger as the admin API
//! shows it; bad deliveries are refused with nothing stored.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, stripe_signature, unix_now, STRIPE_SECRET};
use crate::webhooks_fixtures::*;

fn overdue_eur(detail: &Value) -> Option<String> {
    detail["overdue"]["EUR"].as_str().map(String::from)
}

#[test]
fn invoice_lifecycle_and_payment_ends_the_overdue_exposure() {
    let app = spawn_app();
    let cus = "cus_Life1";
    let inv = "in_Life1";
    let (s, body) = send_stripe(
        &app,
        &stripe_event("customer.created", "evt_life_1", ISSUED - 100, cus, inv),
    );
    assert_eq!(s, 200, "{body}");
    let (s, body) = send_stripe(
        &app,
        &stripe_event("invoice.created", "evt_life_2", ISSUED, cus, inv),
    );
    assert_eq!(s, 200, "{body}");
    let acc = format!("stripe:{cus}");
    let detail = account(&app, &acc);
    assert_eq!(detail["account"]["name"], format!("Customer {cus}"));
    assert_eq!(
        invoice(&detail, &format!("stripe:{inv}"))["status"],
        "draft"
    );
    assert!(detail["contacts"][0]["email"]
        .as_str()
        .is_some_and(|e| e == format!("ap@{cus}.example").to_lowercase()));

    send_stripe(
        &app,
        &stripe_event("invoice.finalized", "evt_life_3", ISSUED + 60, cus, inv),
    );
    let detail = account(&app, &acc);
    let i = invoice(&detail, &format!("stripe:{inv}"));
    assert_eq!(i["status"], "open");
    assert_eq!(i["open_amount"], "4800.00");
    assert_eq!(i["overdue"], true);
    assert!(i["payment_url"].is_string(), "hosted_invoice_url kept: {i}");
    assert_eq!(overdue_eur(&detail).as_deref(), Some("4800.00"));
    // The current decision, with reasons, is part of the account.
    assert!(
        detail["decision"]["reasons"].is_array(),
        "{}",
        detail["decision"]
    );
    assert!(detail["decision"]["stage"].is_string() || detail["decision"]["stage"].is_number());

    let (s, body) = send_stripe(
        &app,
        &stripe_event("invoice.paid", "evt_life_4", ISSUED + 3600, cus, inv),
    );
    assert_eq!(s, 200, "{body}");
    let detail = account(&app, &acc);
    let i = invoice(&detail, &format!("stripe:{inv}"));
    assert_eq!(i["status"], "paid");
    assert_eq!(i["open_amount"], "0");
    assert_eq!(
        overdue_eur(&detail),
        None,
        "no overdue exposure left: {}",
        detail["overdue"]
    );
    let open_eur = detail["balances"]["open"]["EUR"].as_str().unwrap_or("0");
    assert_eq!(
        open_eur.parse::<f64>().ok(),
        Some(0.0),
        "{}",
        detail["balances"]
    );
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"invoice_created") && kinds.contains(&"invoice_updated"),
        "{kinds:?}"
    );
}

#[test]
fn duplicates_have_no_effect_and_reversed_order_converges() {
    let app = spawn_app();
    let events = [
        "customer.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
    ];
    let times = [ISSUED - 100, ISSUED, ISSUED + 60, ISSUED + 3600];
    // Customer A in order, customer B in reverse order: same facts, same end state.
    for (k, (t, at)) in events.iter().zip(times).enumerate() {
        let (s, b) = send_stripe(
            &app,
            &stripe_event(t, &format!("evt_a_{k}"), at, "cus_A", "in_A"),
        );
        assert_eq!(s, 200, "{b}");
    }
    for (k, (t, at)) in events.iter().zip(times).enumerate().rev() {
        let (s, b) = send_stripe(
            &app,
            &stripe_event(t, &format!("evt_b_{k}"), at, "cus_B", "in_B"),
        );
        assert_eq!(s, 200, "{b}");
    }
    let a = account(&app, "stripe:cus_A");
    let b = account(&app, "stripe:cus_B");
    let strip = |i: &Value| {
        let mut i = i.clone();
        i["id"] = Value::Null;
        i["number"] = Value::Null;
        i["payment_url"] = Value::Null;
        i["pdf_url"] = Value::Null;
        i
    };
    let ia = strip(invoice(&a, "stripe:in_A"));
    let ib = strip(invoice(&b, "stripe:in_B"));
    assert_eq!(ia, ib);
    assert_eq!(ia["status"], "paid");
    assert_eq!(a["balances"], b["balances"]);
    assert_eq!(a["account"]["timezone"], b["account"]["timezone"]);

    // A duplicate delivery of every event: acknowledged, no effect.
    let before = account(&app, "stripe:cus_A");
    for (k, (t, at)) in events.iter().zip(times).enumerate() {
        let (s, b) = send_stripe(
            &app,
            &stripe_event(t, &format!("evt_a_{k}"), at, "cus_A", "in_A"),
        );
        assert_eq!(s, 200, "{b}");
        assert_eq!(b["accounts"][0]["duplicate"], true, "{b}");
    }
    let after = account(&app, "stripe:cus_A");
    assert_eq!(before["invoices"], after["invoices"]);
    assert_eq!(before["events"], after["events"], "no new ledger events");
    // A late `invoice.finalized` (new event id, older snapshot) never reopens the paid invoice.
    send_stripe(
        &app,
        &stripe_event(
            "invoice.finalized",
            "evt_a_late",
            ISSUED + 60,
            "cus_A",
            "in_A",
        ),
    );
    assert_eq!(
        invoice(&account(&app, "stripe:cus_A"), "stripe:in_A")["status"],
        "paid"
    );
}

#[test]
fn bad_signature_stale_timestamp_and_garbage_are_refused_and_store_nothing() {
    let app = spawn_app();
    let event =
        stripe_event("customer.created", "evt_bad_1", ISSUED, "cus_Bad", "in_Bad").to_string();
    let post = |sig: Option<&str>, body: &str| {
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(s) = sig {
            headers.push(("Stripe-Signature", s));
        }
        app.post_raw("/webhooks/stripe", &headers, body.as_bytes())
    };
    let now = unix_now();
    let wrong = stripe_signature("whsec_wrong", now, &event);
    let stale = stripe_signature(STRIPE_SECRET, now - 301, &event);
    let ancient = stripe_signature(STRIPE_SECRET, now - 86_400 * 30, &event);
    let future = stripe_signature(STRIPE_SECRET, now + 400, &event);
    for (what, reply) in [
        ("missing", post(None, &event)),
        ("wrong secret", post(Some(&wrong), &event)),
        ("stale", post(Some(&stale), &event)),
        ("a month old", post(Some(&ancient), &event)),
        ("future", post(Some(&future), &event)),
        ("malformed", post(Some("v1=abc"), &event)),
    ] {
        assert_eq!(reply.status, 400, "{what}: {}", reply.text);
        assert!(
            reply.json["error"]
                .as_str()
                .is_some_and(|e| e.contains("signature")),
            "{what}: {}",
            reply.text
        );
    }
    // A body changed after signing.
    let tampered = event.replace("cus_Bad", "cus_Evil");
    let sig = stripe_signature(STRIPE_SECRET, now, &event);
    assert_eq!(post(Some(&sig), &tampered).status, 400);
    // Garbage JSON, correctly signed.
    let garbage = "{not json";
    let r = post(
        Some(&stripe_signature(STRIPE_SECRET, now, garbage)),
        garbage,
    );
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.json["error"].is_string());
    // The ERP contract answers 401 to bad signatures.
    let erp = erp_customer("e-bad", "C-BAD", "Bad GmbH").to_string();
    let r = app.post_raw(
        "/webhooks/erp",
        &[
            ("X-Nudge-Timestamp", &now.to_string()),
            ("X-Nudge-Signature", "sha256=00"),
        ],
        erp.as_bytes(),
    );
    assert_eq!(r.status, 401, "{}", r.text);
    // Replay window, both ways: over 300 s old or ahead is refused, like much older ones.
    for t in [now - 1000, now - 301, now + 400] {
        let r = app.post_erp(&erp, t);
        assert_eq!(r.status, 401, "ERP signed at now{:+}: {}", t - now, r.text);
    }
    // Garbage JSON to the ERP, signed: 400.
    let r = app.post_erp("[{]", now);
    assert_eq!(r.status, 400, "{}", r.text);

    assert_eq!(account_count(&app), 0, "nothing stored");
    assert_eq!(app.api_get("/api/accounts/stripe:cus_Bad").status, 404);
    // The same event, correctly signed, is then accepted (it was not recorded as seen).
    let (s, b) = send_stripe(&app, &serde_json::from_str(&event).unwrap());
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["accounts"][0]["duplicate"], false, "{b}");
    assert_eq!(account_count(&app), 1);
}

#[test]
fn unhandled_types_are_acknowledged_and_disputes_find_their_account_by_charge() {
    let app = spawn_app();
    let (s, b) = send_stripe(&app, &stripe_fixture("plan.created"));
    assert_eq!(s, 200, "{b}");
    assert!(b["ignored"].is_string(), "{b}");
    assert_eq!(account_count(&app), 0);

    // The fixtures' customer pays through a payment intent whose charge is later disputed; the
    // dispute object names only the charge.
    let mut pi = stripe_fixture("payment_intent.succeeded");
    pi["created"] = json!(ISSUED);
    let (s, b) = send_stripe(&app, &pi);
    assert_eq!(s, 200, "{b}");
    let acc = b["accounts"][0]["account_id"]
        .as_str()
        .expect("routed")
        .to_string();
    let mut dispute = stripe_fixture("charge.dispute.created");
    dispute["data"]["object"]["customer"] = Value::Null;
    let (s, b) = send_stripe(&app, &dispute);
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["accounts"][0]["account_id"], acc.as_str(), "{b}");
    let detail = account(&app, &acc);
    assert_eq!(
        detail["disputes"].as_array().map(Vec::len),
        Some(1),
        "{}",
        detail["disputes"]
    );
    assert_eq!(detail["disputes"][0]["status"], "open");
}

#[test]
fn rotated_stripe_secrets_are_all_accepted() {
    let app = crate::helpers::spawn_app_with(crate::helpers::AppOptions {
        vars: vec![(
            "STRIPE_WEBHOOK_SECRET".into(),
            format!("whsec_old_one, {STRIPE_SECRET}"),
        )],
    });
    let body =
        stripe_event("customer.created", "evt_rot_1", ISSUED, "cus_Rot", "in_Rot").to_string();
    let now = unix_now();
    let old = stripe_signature("whsec_old_one", now, &body);
    let r = app.post_raw(
        "/webhooks/stripe",
        &[("Stripe-Signature", &old)],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    // Stripe's own roll: two v1 signatures, one of them unknown.
    let body2 = stripe_event(
        "customer.updated",
        "evt_rot_2",
        ISSUED + 1,
        "cus_Rot",
        "in_Rot",
    )
    .to_string();
    let both = format!(
        "{},v1={}",
        stripe_signature(STRIPE_SECRET, now, &body2),
        crate::helpers::hmac_hex("whsec_unknown", &format!("{now}.{body2}"))
    );
    let r = app.post_raw(
        "/webhooks/stripe",
        &[("Stripe-Signature", &both)],
        body2.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(account_count(&app), 1);
}
