//! The collector's actions through the admin API, each carried out by the account's object:
//! a promise from a call pauses dunning, a dispute resolved returns its invoice to dunning, one
//! invoice paused is left out of the reminder, contacts are added and deactivated, the owner and
//! strategic flag set, a note kept, "chase now" acts at once, the global policy and shadow mode
//! read and validated. Every route refuses a missing or wrong token and names bad fields.

use serde_json::{json, Value};

use crate::helpers::{spawn_app, TestApp, ADMIN_TOKEN};
use crate::sweep_fixtures::{account, book, contact, emails_to, invoice, outbound, seed};

const ID: &str = "erp:C-COL";

fn enc(s: &str) -> String {
    s.replace(':', "%3A").replace('@', "%40")
}

fn path(rest: &str) -> String {
    format!("/api/accounts/{}{rest}", enc(ID))
}

/// Two overdue invoices (due 20 and 25 February) and one dispute, open on the first.
fn seeded() -> TestApp {
    let app = spawn_app();
    let r = app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));
    assert_eq!(r.status, 200, "{}", r.text);
    let mut b = book(
        account(ID, "Collector Co", "Europe/London"),
        vec![contact("ap@col.example", "AP")],
        vec![
            invoice("erp:I-C1", "INV-C-1", "2026-02-20", "500.00"),
            invoice("erp:I-C2", "INV-C-2", "2026-02-25", "250.00"),
        ],
    );
    b["disputes"] = json!([{
        "id": "dsp-1", "category": "pricing", "invoice_ids": ["erp:I-C1"], "status": "open",
        "opened_at": "2026-02-26T09:00:00Z", "resolved_at": null, "summary": "price"
    }]);
    seed(&app, vec![json!({"book": b})]);
    app
}

fn detail(app: &TestApp) -> Value {
    let r = app.api_get(&path(""));
    assert_eq!(r.status, 200, "{}", r.text);
    r.json
}

fn post(app: &TestApp, rest: &str, body: Value) -> crate::helpers::Reply {
    app.api_post(&path(rest), &body)
}

fn events(app: &TestApp) -> Vec<String> {
    detail(app)["events"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["kind"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn every_collector_route_refuses_a_missing_or_wrong_token() {
    let app = spawn_app();
    let routes = [
        ("POST", path("/promises")),
        ("POST", path("/disputes/dsp-1/resolve")),
        ("POST", path("/pause")),
        ("POST", path("/resume")),
        ("POST", path("/invoices/erp%3AI-C1/pause")),
        ("POST", path("/invoices/erp%3AI-C1/resume")),
        ("POST", path("/notes")),
        ("PUT", path("/owner")),
        ("POST", path("/contacts")),
        ("POST", path("/contacts/ap%40col.example/deactivate")),
        ("POST", path("/chase")),
        ("GET", "/api/policy".to_string()),
        ("PUT", "/api/policy".to_string()),
        ("GET", "/api/shadow".to_string()),
        ("PUT", "/api/shadow".to_string()),
    ];
    for (method, p) in &routes {
        for auth in [None, Some("Bearer wrong".to_string())] {
            let mut headers = vec![("Content-Type", "application/json".to_string())];
            if let Some(a) = &auth {
                headers.push(("Authorization", a.clone()));
            }
            let headers: Vec<(&str, &str)> =
                headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = if *method == "GET" {
                app.get_with_auth(p, auth.as_deref())
            } else {
                app.send_raw(method, p, &headers, b"{}")
            };
            assert_eq!(r.status, 401, "{method} {p} with {auth:?}: {}", r.text);
        }
    }
    let ok = app.get_with_auth("/api/policy", Some(&format!("Bearer {ADMIN_TOKEN}")));
    assert_eq!(ok.status, 200, "{}", ok.text);
}

#[test]
fn a_promise_from_a_call_pauses_dunning_and_bad_ones_name_their_fields() {
    let app = seeded();
    let bad = post(
        &app,
        "/promises",
        json!({"promised_date": "2026-03-01", "amount": "-5", "invoice_ids": ["erp:I-404"]}),
    );
    assert_eq!(bad.status, 422, "{}", bad.text);
    let fields: Vec<&str> = bad.json["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        fields,
        vec!["promised_date", "amount", "invoice_ids[0]"],
        "{}",
        bad.text
    );
    let typo = post(&app, "/promises", json!({"promised_date": "15 March"}));
    assert_eq!(typo.status, 422, "{}", typo.text);
    assert_eq!(
        typo.json["errors"][0]["field"], "promised_date",
        "{}",
        typo.text
    );
    assert!(detail(&app)["promises"]
        .as_array()
        .is_some_and(Vec::is_empty));

    let r = post(
        &app,
        "/promises",
        json!({"promised_date": "2026-03-13", "invoice_ids": ["erp:I-C2"], "by": "ann"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["event"], "promise_recorded");
    let d = detail(&app);
    assert_eq!(d["promises"][0]["status"], "active", "{d}");
    assert_eq!(d["promises"][0]["source"], "operator", "{d}");
    // The disputed invoice is on hold and the other is promised: nothing to chase.
    let chase = post(&app, "/chase", json!({}));
    assert_eq!(chase.status, 200, "{}", chase.text);
    assert_eq!(
        chase.json["evaluation"]["outcome"], "none",
        "{}",
        chase.text
    );
    assert!(outbound(&app, ID).is_empty());
}

#[test]
fn a_resolved_dispute_returns_its_invoice_and_a_paused_invoice_is_left_out() {
    let app = seeded();
    // Pause the second invoice; reject the dispute on the first, which then rests for its
    // grace period; withdrawing instead returns it at once.
    let r = post(&app, "/invoices/erp%3AI-C2/pause", json!({"by": "ann"}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["paused_invoices"], json!(["erp:I-C2"]), "{}", r.text);
    let unknown = post(&app, "/invoices/erp%3AI-404/pause", json!({}));
    assert_eq!(unknown.status, 422, "{}", unknown.text);
    assert_eq!(unknown.json["errors"][0]["field"], "invoice_id");

    let bad = post(&app, "/disputes/dsp-1/resolve", json!({"outcome": "maybe"}));
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.json["errors"][0]["field"], "outcome", "{}", bad.text);
    let r = post(
        &app,
        "/disputes/dsp-1/resolve",
        json!({"outcome": "withdrawn", "by": "ann"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["event"], "dispute_resolved");
    let again = post(
        &app,
        "/disputes/dsp-1/resolve",
        json!({"outcome": "withdrawn"}),
    );
    assert_eq!(again.status, 422, "{}", again.text);
    assert_eq!(detail(&app)["disputes"][0]["status"], "withdrawn");

    // Chase now: the reminder names the formerly disputed invoice, not the paused one.
    let chase = post(&app, "/chase", json!({"by": "ann"}));
    assert_eq!(chase.status, 200, "{}", chase.text);
    assert_eq!(
        chase.json["evaluation"]["outcome"], "sent",
        "{}",
        chase.text
    );
    let mail = app.eventually("the chased reminder", || {
        emails_to(&app, "ap@col.example").into_iter().next()
    });
    assert!(mail.contains("INV-C-1"), "{mail}");
    assert!(!mail.contains("INV-C-2"), "{mail}");
    let kinds = events(&app);
    for k in ["invoice_paused", "dispute_resolved"] {
        assert!(kinds.iter().any(|e| e == k), "{k} missing from {kinds:?}");
    }

    // The timeline: the reminder, the decision behind it with its reasons, the person's actions
    // with their cause, newest first.
    let t = app.api_get(&path("/timeline"));
    assert_eq!(t.status, 200, "{}", t.text);
    let items = t.json["events"].as_array().cloned().unwrap_or_default();
    let find = |ty: &str, kind: &str| {
        items
            .iter()
            .find(|e| e["type"] == ty && e["kind"] == kind)
            .cloned()
    };
    let decision = find("decision", "decided").unwrap_or_else(|| panic!("{}", t.text));
    assert!(
        decision["data"]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{decision}"
    );
    assert_eq!(decision["cause"], "policy:operator", "{decision}");
    assert!(find("message_out", "reminder").is_some(), "{}", t.text);
    let resolved = find("ledger", "dispute_resolved").unwrap_or_else(|| panic!("{}", t.text));
    assert_eq!(resolved["cause"], "operator:ann", "{resolved}");
    let times: Vec<&str> = items.iter().filter_map(|e| e["at"].as_str()).collect();
    assert!(
        times.windows(2).all(|w| w[0] >= w[1]),
        "not newest first: {times:?}"
    );
    assert_eq!(
        app.api_get("/api/accounts/erp%3AC-NONE/timeline").status,
        404
    );
}

#[test]
fn contacts_owner_notes_and_account_pause() {
    let app = seeded();
    let r = post(
        &app,
        "/contacts",
        json!({"email": "Jane@Col.Example", "name": "Jane", "role": "buyer"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["event"], "contact_added");
    let bad = post(&app, "/contacts", json!({"email": "nobody"}));
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(bad.json["errors"][0]["field"], "email");
    let r = post(&app, "/contacts/ap%40col.example/deactivate", json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    let contacts = detail(&app)["contacts"].clone();
    let status = |email: &str| {
        contacts
            .as_array()
            .and_then(|a| a.iter().find(|c| c["email"] == email))
            .map(|c| c["status"].clone())
    };
    assert_eq!(
        status("jane@col.example"),
        Some(json!("active")),
        "{contacts}"
    );
    assert_eq!(
        status("ap@col.example"),
        Some(json!("inactive")),
        "{contacts}"
    );

    let r = app.api_put_json(
        &path("/owner"),
        &json!({"strategic": true, "owner": "kim@us.example"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let a = detail(&app)["account"].clone();
    assert_eq!(a["strategic"], true, "{a}");
    assert_eq!(a["owner"], "kim@us.example", "{a}");
    let r = app.api_put_json(&path("/owner"), &json!({"owner": null}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(detail(&app)["account"]["owner"], Value::Null);

    let r = post(
        &app,
        "/notes",
        json!({"text": "Called AP, cheque run on Friday", "by": "ann"}),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.json["settle_at"],
        Value::Null,
        "a note changes nothing Nudge acts on"
    );
    let empty = post(&app, "/notes", json!({"text": " "}));
    assert_eq!(empty.status, 422, "{}", empty.text);
    assert!(events(&app).iter().any(|e| e == "note_added"));

    let r = post(&app, "/pause", json!({}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["dunning"], false, "{}", r.text);
    let r = post(&app, "/resume", json!({}));
    assert_eq!(r.json["dunning"], true, "{}", r.text);
    assert_eq!(
        app.api_post("/api/accounts/erp%3AC-NONE/notes", &json!({"text": "x"}))
            .status,
        404
    );
}

#[test]
fn the_global_policy_and_shadow_mode_are_read_and_validated() {
    let app = seeded();
    let r = app.api_get("/api/policy");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["custom"], false);
    let mut policy = r.json["policy"].clone();
    let bad = app.api_put_json("/api/policy", &json!({"cadence": "often"}));
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert!(bad.json["errors"][0]["field"].is_string(), "{}", bad.text);
    let unchanged = app.api_get("/api/policy");
    assert_eq!(unchanged.json["custom"], false);
    policy["send_window"]["start"] = json!("08:30:00");
    let r = app.api_put_json("/api/policy", &policy);
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(app.api_get("/api/policy").json["custom"], true);

    let r = app.api_put_json("/api/shadow", &json!({"shadow_mode": "yes"}));
    assert_eq!(r.status, 422, "{}", r.text);
    let r = app.api_put_json("/api/shadow", &json!({"shadow_mode": true}));
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["shadow_mode"], true);
    // Shadow mode on: chasing drafts the reminder instead of sending it.
    post(
        &app,
        "/disputes/dsp-1/resolve",
        json!({"outcome": "withdrawn"}),
    );
    let chase = post(&app, "/chase", json!({}));
    assert_eq!(
        chase.json["evaluation"]["outcome"], "drafted",
        "{}",
        chase.text
    );
    assert!(app.sent_emails().is_empty());
}
