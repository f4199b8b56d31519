//! `POST /api/classify`: the CLI's JSON for a raw message, without side effects.

use chrono::{DateTime, Utc};
use nudge_inbound::{classify, Context};

use crate::helpers::spawn_app;

const MESSAGE: &str = "From: Jane Doe <jane@globex.example>\r\nTo: ar@nudge.example.com\r\n\
    Subject: Re: Invoice INV-1001\r\nMessage-ID: <c-1@globex.example>\r\n\
    Date: Thu, 26 Nov 2026 09:00:00 +0000\r\n\r\n\
    Sorry for the delay, we will pay 1,200.00 EUR next Friday.\r\n";

#[test]
fn classify_returns_the_cli_json_and_changes_nothing() {
    let app = spawn_app();
    let auth = [
        ("Authorization", "Bearer test-admin-token"),
        ("Content-Type", "message/rfc822"),
    ];
    let r = app.post_raw(
        "/api/classify?now=2026-11-26T09:00:00Z&locale=en-GB&timezone=Europe/London",
        &auth,
        MESSAGE.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let ctx = Context {
        now: DateTime::parse_from_rfc3339("2026-11-26T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
        timezone: chrono_tz::Tz::Europe__London.into(),
        locale: "en-GB".into(),
    };
    let expected = serde_json::to_value(classify(MESSAGE.as_bytes(), &ctx).unwrap()).unwrap();
    assert_eq!(r.json, expected);
    assert_eq!(r.json["primary_intent"], "promise_to_pay");
    assert!(r.json["promise"]["date"].is_string(), "{}", r.text);

    // Without `now` the message's Date is used, as by the CLI.
    let r2 = app.post_raw(
        "/api/classify?locale=en-GB&timezone=Europe/London",
        &auth,
        MESSAGE.as_bytes(),
    );
    assert_eq!(r2.json, expected);

    // Bad input names the field; nothing is stored.
    let bad = app.post_raw("/api/classify?now=yesterday", &auth, MESSAGE.as_bytes());
    assert_eq!(bad.status, 400);
    assert!(
        bad.json["error"].as_str().unwrap_or("").starts_with("now:"),
        "{}",
        bad.text
    );
    let empty = app.post_raw("/api/classify", &auth, b"");
    assert_eq!(empty.status, 400);
    assert!(empty.json["error"]
        .as_str()
        .unwrap_or("")
        .starts_with("body:"));
    let unauth = app.post_raw("/api/classify", &[], MESSAGE.as_bytes());
    assert_eq!(unauth.status, 401);
    let listed = app.api_get("/api/inbound").json;
    assert_eq!(
        listed["messages"].as_array().map(Vec::len),
        Some(0),
        "{listed}"
    );
}
