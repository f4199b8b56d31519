//! Timezones in the Worker come from the runtime's tz database (`Intl`, `src/zone.rs`), not
//! from tables compiled into the wasm (issue 12). These tests hold the Worker's answers against
//! chrono-tz's: the local times of a preview around DST changes, in zones with half- and
//! quarter-hour offsets and a 30-minute DST shift, and which names are accepted.

use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::sweep_fixtures::{account, book, contact, invoice, seed};
use crate::webhooks_fixtures::{erp_customer, send_erp};

/// Zones whose rules differ in every way the code has to get right: DST in either hemisphere
/// (changing within the 30 days previewed), offsets of :30 and :45, Lord Howe's 30-minute
/// DST, an ICU alias (`Asia/Kolkata` is `Asia/Calcutta` to ICU), no DST at all.
const ZONES: [&str; 9] = [
    "Europe/Berlin",
    "America/New_York",
    "America/St_Johns",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
];

#[test]
fn preview_local_times_match_chrono_tz_across_dst_changes() {
    let app = spawn_app();
    // Europe changes on 29 March, the southern zones on 5 April: both inside the window.
    app.api_post("/api/clock", &json!({"now": "2026-03-20T10:00:00Z"}));
    let books = ZONES
        .iter()
        .enumerate()
        .map(|(i, zone)| {
            let id = format!("erp:C-Z{i}");
            json!({"book": book(
                account(&id, zone, zone),
                vec![contact(&format!("ap{i}@zones.example"), "AP")],
                vec![invoice(&format!("erp:I-Z{i}"), &format!("INV-Z-{i}"), "2026-02-20", "900.00")],
            )})
        })
        .collect();
    seed(&app, books);

    for (i, zone) in ZONES.iter().enumerate() {
        let tz: chrono_tz::Tz = zone.parse().unwrap();
        let r = app.api_get(&format!("/api/accounts/erp%3AC-Z{i}/preview?days=30"));
        assert_eq!(r.status, 200, "{zone}: {}", r.text);
        let actions = r.json["preview"]["actions"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(!actions.is_empty(), "{zone}: nothing planned: {}", r.text);
        for action in actions {
            let at: DateTime<Utc> = field(&action, "at").parse().unwrap();
            let local: DateTime<FixedOffset> = field(&action, "local_at").parse().unwrap();
            let expected = at.with_timezone(&tz);
            assert_eq!(
                (local.naive_local(), local.offset().local_minus_utc()),
                (
                    expected.naive_local(),
                    chrono::Offset::fix(expected.offset()).local_minus_utc()
                ),
                "{zone}: {action}"
            );
            if action["step"]["type"] == "send" {
                let hour = local.format("%H").to_string();
                assert!(
                    ("09".."17").contains(&hour.as_str()),
                    "{zone}: sent outside 9–17 local: {action}"
                );
            }
        }
    }
}

#[test]
fn only_iana_names_are_timezones() {
    let app = spawn_app();
    let with_zone = |id: &str, customer: &str, zone: &str| {
        let mut event = erp_customer(id, customer, "Zone Ltd");
        event["customer"]["timezone"] = json!(zone);
        event
    };
    // ICU accepts the first three (names match case-insensitively; offsets are zones to it);
    // chrono-tz refused them all.
    for (n, bad) in [
        "europe/berlin",
        "Europe/berlin",
        "+05:30",
        "Mars/Olympus",
        "Europe/Berlin/Mitte",
    ]
    .iter()
    .enumerate()
    {
        let (status, body) = send_erp(&app, &with_zone(&format!("evt_zb{n}"), "C-ZB", bad));
        assert_eq!(status, 422, "{bad:?}: {body}");
        let errors = body["errors"].as_array().cloned().unwrap_or_default();
        assert!(
            errors
                .iter()
                .any(|e| e["path"].as_str().is_some_and(|p| p.ends_with("timezone"))),
            "{bad:?}: {body}"
        );
    }
    let r = app.api_get("/api/accounts/erp%3AC-ZB");
    assert_eq!(
        r.status, 404,
        "a rejected event changed nothing: {}",
        r.text
    );

    // An alias is kept as given (ICU would call it `Asia/Calcutta`), a link zone too.
    for (n, good) in ["Asia/Kolkata", "US/Eastern", "Etc/GMT+5"]
        .iter()
        .enumerate()
    {
        let customer = format!("C-ZG{n}");
        let (status, body) = send_erp(&app, &with_zone(&format!("evt_zg{n}"), &customer, good));
        assert_eq!(status, 200, "{good}: {body}");
        let r = app.api_get(&format!("/api/accounts/erp%3A{customer}"));
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json["account"]["timezone"], *good, "{}", r.text);
    }
}

fn field<'a>(action: &'a Value, name: &str) -> &'a str {
    action[name].as_str().unwrap_or_default()
}
