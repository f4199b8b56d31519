//! A small book over ~70 simulated days, swept twice a day with test clocks: reminders on the
//! right days and inside each account's local send window, friendly → firm → final, a strategic
//! account's owner gets a task instead of a final notice, human review is an approval and never
//! an email, a disputed invoice is never dunned, a promise pauses, a payment stops dunning, and
//! no step is ever sent twice.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc, Weekday};
use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).unwrap())
}

fn kinds(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .filter(|r| r["status"] == "sent")
        .map(|r| r["kind"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_ladder_over_seventy_days_on_a_small_book() {
    let app = spawn_app();
    let due = "2026-01-05"; // a Monday
    let mut strategic = account("erp:C-STRAT", "Initech", "Europe/Berlin");
    strategic["strategic"] = json!(true);
    strategic["owner"] = json!("owner@supplier.example");
    let mut disputed = book(
        account("erp:C-DISP", "Hooli", "Europe/Berlin"),
        vec![contact("ap@hooli.example", "Gavin")],
        vec![invoice("erp:I-D1", "INV-D1", due, "900.00")],
    );
    disputed["disputes"] = json!([{
        "id": "dsp_1", "category": "pricing", "invoice_ids": ["erp:I-D1"], "status": "open",
        "opened_at": "2026-01-02T10:00:00Z", "resolved_at": null, "summary": "price"
    }]);
    let mut promised = book(
        account("erp:C-PROM", "Umbrella", "Europe/Berlin"),
        vec![contact("ap@umbrella.example", "Alice")],
        vec![invoice("erp:I-P1", "INV-P1", due, "1500.00")],
    );
    promised["promises"] = json!([{
        "id": "prm_1", "promised_date": "2026-01-20", "amount": "1500.00", "currency": "EUR",
        "invoice_ids": [], "source": "email", "status": "active",
        "made_at": "2026-01-02T10:00:00Z", "paused_at_stage": null
    }]);
    let paying = book(
        account("erp:C-PAY", "Soylent", "Europe/Berlin"),
        vec![contact("ap@soylent.example", "Sol")],
        vec![invoice("erp:I-S1", "INV-S1", due, "700.00")],
    );
    seed(
        &app,
        vec![
            json!({"book": book(
                account("erp:C-BER", "Globex", "Europe/Berlin"),
                vec![contact("anna@globex.example", "Anna")],
                vec![invoice("erp:I-B1", "INV-B1", due, "1200.00")],
            )}),
            json!({"book": book(
                account("erp:C-NYC", "Acme Corp", "America/New_York"),
                vec![contact("bob@acme.example", "Bob")],
                vec![invoice("erp:I-N1", "INV-N1", due, "800.00")],
            )}),
            json!({"book": book(
                strategic,
                vec![contact("ap@initech.example", "Peter")],
                vec![invoice("erp:I-T1", "INV-T1", due, "5000.00")],
            )}),
            json!({"book": disputed}),
            json!({"book": promised}),
            json!({"book": paying.clone()}),
        ],
    );

    let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
    let mut paid = false;
    for d in 0..70 {
        let day = start + Duration::days(d);
        // 10:00 UTC: business hours in Berlin, 05:00 in New York; 15:00 UTC: both open.
        for hour in [10, 15, 21] {
            sweep(&app, &at(day, hour).to_rfc3339());
        }
        if !paid && !outbound(&app, "erp:C-PAY").is_empty() {
            // The customer pays after the first reminder (re-seeded as a payment webhook would).
            let mut p = paying.clone();
            p["invoices"][0]["paid"] = json!("700.00");
            p["invoices"][0]["status"] = json!("paid");
            p["invoices"][0]["paid_on"] = json!(day.to_string());
            seed(&app, vec![json!({ "book": p })]);
            paid = true;
        }
    }

    for id in [
        "erp:C-BER",
        "erp:C-NYC",
        "erp:C-STRAT",
        "erp:C-DISP",
        "erp:C-PROM",
        "erp:C-PAY",
    ] {
        let rows: Vec<String> = outbound(&app, id)
            .iter()
            .map(|r| format!("{} {}", r["sent_at"].as_str().unwrap_or("-"), r["kind"]))
            .collect();
        eprintln!("{id}: {rows:?}");
    }

    // Every email went out on a business day inside the recipient's 09:00–17:00 window.
    let window = |id: &str, tz: chrono_tz::Tz| {
        for row in outbound(&app, id) {
            let sent: DateTime<Utc> = row["sent_at"].as_str().unwrap().parse().unwrap();
            let local = sent.with_timezone(&tz);
            assert!(
                (9..17).contains(&local.hour())
                    && !matches!(local.weekday(), Weekday::Sat | Weekday::Sun),
                "{id} sent outside its window at {local}"
            );
        }
    };
    window("erp:C-BER", chrono_tz::Europe::Berlin);
    window("erp:C-NYC", chrono_tz::America::New_York);

    // Berlin: the first reminder on day 3 (Thursday 8 January), then firm, then final.
    let ber = outbound(&app, "erp:C-BER");
    assert!(
        ber[0]["sent_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-08T10:00"),
        "{ber:?}"
    );
    let k = kinds(&ber);
    let pos = |kind: &str| k.iter().position(|x| x == kind);
    assert_eq!(k[0], "reminder", "{k:?}");
    assert!(pos("firm_reminder") > pos("reminder"), "{k:?}");
    assert!(pos("final_notice") > pos("firm_reminder"), "{k:?}");
    // Firm only from day 15, final only from day 30.
    for row in &ber {
        let sent: DateTime<Utc> = row["sent_at"].as_str().unwrap().parse().unwrap();
        let days = (sent.date_naive() - start).num_days();
        match row["kind"].as_str().unwrap() {
            "firm_reminder" => assert!(days >= 15, "{row}"),
            "final_notice" => assert!(days >= 30, "{row}"),
            _ => {}
        }
    }
    // Touches at least five business days apart (so at least 7 calendar days, or 5 mid-week).
    let times: Vec<DateTime<Utc>> = ber
        .iter()
        .map(|r| r["sent_at"].as_str().unwrap().parse().unwrap())
        .collect();
    for w in times.windows(2) {
        assert!(w[1] - w[0] >= Duration::days(5), "{times:?}");
    }
    // After the final notice comes human review: an approval, never another email.
    let approvals = app.api_get("/api/approvals?account_id=erp%3AC-BER").json["approvals"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(approvals.len(), 1, "{approvals:?}");
    assert!(
        [
            "agency_referral",
            "credit_hold",
            "payment_plan",
            "legal_notice"
        ]
        .contains(&approvals[0]["kind"].as_str().unwrap()),
        "{approvals:?}"
    );
    assert_eq!(k.last().map(String::as_str), Some("final_notice"), "{k:?}");

    // New York: reminded inside its own window (the 10:00 UTC sweeps are 05:00 there).
    let nyc = outbound(&app, "erp:C-NYC");
    assert!(
        nyc[0]["sent_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-01-08T15:00"),
        "{nyc:?}"
    );

    // Strategic: capped at firm; the owner gets a task instead of a final notice.
    let strat = kinds(&outbound(&app, "erp:C-STRAT"));
    assert!(!strat.contains(&"final_notice".to_string()), "{strat:?}");
    assert!(strat.contains(&"reminder".to_string()), "{strat:?}");
    let tasks = app.api_get("/api/tasks?account_id=erp%3AC-STRAT").json["tasks"]
        .as_array()
        .cloned()
        .unwrap();
    assert!(
        tasks
            .iter()
            .any(|t| t["kind"] == "owner_review" && t["assignee"] == "owner@supplier.example"),
        "{tasks:?}"
    );

    // Disputed only invoice: never dunned.
    assert!(outbound(&app, "erp:C-DISP").is_empty());

    // Promise to pay on 20 January (+2 business days grace): nothing before the 23rd; broken,
    // so dunning resumes.
    let prom = outbound(&app, "erp:C-PROM");
    assert!(!prom.is_empty(), "a broken promise resumes dunning");
    assert!(
        prom[0]["sent_at"].as_str().unwrap() > "2026-01-22",
        "{prom:?}"
    );

    // Paid after the first reminder: exactly one message, ever.
    assert_eq!(outbound(&app, "erp:C-PAY").len(), 1);

    // The .eml files: one per sent row, unique Message-IDs, threaded on the previous message.
    let sent_rows: usize = [
        "erp:C-BER",
        "erp:C-NYC",
        "erp:C-STRAT",
        "erp:C-PROM",
        "erp:C-PAY",
    ]
    .iter()
    .map(|id| outbound(&app, id).len())
    .sum();
    app.eventually("every .eml", || {
        (app.sent_emails().len() >= sent_rows).then_some(())
    });
    let emails = app.sent_emails();
    assert_eq!(emails.len(), sent_rows);
    let ids: HashSet<String> = emails
        .iter()
        .map(|m| header(m, "Message-ID").unwrap())
        .collect();
    assert_eq!(ids.len(), emails.len(), "no message twice");
    let to_anna = emails_to(&app, "anna@globex.example");
    assert_eq!(to_anna.len(), ber.len());
    for (i, m) in to_anna.iter().enumerate() {
        assert_eq!(
            header(m, "Auto-Submitted").as_deref(),
            Some("auto-generated")
        );
        assert!(
            header(m, "Reply-To")
                .unwrap()
                .trim_start_matches('<')
                .starts_with("ar+"),
            "{m}"
        );
        if i > 0 {
            let prev = header(&to_anna[i - 1], "Message-ID").unwrap();
            assert_eq!(header(m, "In-Reply-To"), Some(prev));
            assert!(header(m, "Subject").unwrap().contains("Re:"), "{m}");
        }
    }
    assert!(to_anna[0].contains("INV-B1"));

    // The object's own view agrees: state, last decision, next evaluation.
    let st = app.api_get("/api/sweeps/accounts/erp%3AC-BER");
    assert_eq!(st.status, 200, "{}", st.text);
    assert_eq!(
        st.json["state"]["touches"].as_array().unwrap().len(),
        ber.len() + 1,
        "{}",
        st.text
    );
    assert!(st.json["alarm_at"].is_string());
}
