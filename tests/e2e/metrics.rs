//! `GET /api/metrics` over a seeded book in two currencies: aging per currency (never summed
//! across currencies), overdue exposure, and field errors for a bad period or currency.

use serde_json::{json, Value};

use crate::helpers::spawn_app;
use crate::sweep_fixtures::{account, book, contact, invoice, seed};

fn currency<'a>(m: &'a Value, code: &str) -> &'a Value {
    m["currencies"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["currency"] == code))
        .unwrap_or_else(|| panic!("no {code} in {m}"))
}

#[test]
fn metrics_report_aging_per_currency_and_refuse_bad_input() {
    let app = spawn_app();
    app.api_post("/api/clock", &json!({"now": "2026-03-04T10:00:00Z"}));
    let eur = book(
        account("erp:C-M1", "Euro Co", "Europe/Berlin"),
        vec![contact("ap@euro.example", "AP")],
        vec![
            // 13 days past due at the start of 5 March, and not yet due.
            invoice("erp:I-M1", "INV-M-1", "2026-02-20", "500.00"),
            invoice("erp:I-M2", "INV-M-2", "2026-03-20", "250.00"),
        ],
    );
    let mut usd_invoice = invoice("erp:I-M3", "INV-M-3", "2025-12-01", "1000.00");
    usd_invoice["currency"] = json!("USD");
    let mut usd_account = account("erp:C-M2", "Dollar Inc", "America/New_York");
    usd_account["currency"] = json!("USD");
    let usd = book(
        usd_account,
        vec![contact("ap@dollar.example", "AP")],
        vec![usd_invoice],
    );
    seed(&app, vec![json!({"book": eur}), json!({"book": usd})]);

    let r = app.api_get("/api/metrics?from=2026-03-01&to=2026-03-05");
    assert_eq!(r.status, 200, "{}", r.text);
    let e = currency(&r.json, "EUR");
    assert_eq!(e["aging"]["d1_30"], "500.00", "{e}");
    assert_eq!(e["aging"]["current"], "250.00", "{e}");
    assert_eq!(e["aging"]["total"], "750.00", "{e}");
    let u = currency(&r.json, "USD");
    // 1 December 2025 to 5 March 2026: 94 days past due.
    assert_eq!(u["aging"]["d90_plus"], "1000.00", "{u}");
    assert_eq!(u["aging"]["overdue"], "1000.00", "{u}");

    let only = app.api_get("/api/metrics?from=2026-03-01&to=2026-03-05&currency=USD");
    assert_eq!(only.status, 200, "{}", only.text);
    assert_eq!(
        only.json["currencies"].as_array().map(Vec::len),
        Some(1),
        "{}",
        only.text
    );

    for (q, field) in [
        ("from=2026-03-05&to=2026-03-01", "from"),
        ("from=yesterday", "from"),
        ("currency=EURO", "currency"),
    ] {
        let bad = app.api_get(&format!("/api/metrics?{q}"));
        assert_eq!(bad.status, 422, "{q}: {}", bad.text);
        assert_eq!(bad.json["errors"][0]["field"], field, "{q}: {}", bad.text);
    }
    assert_eq!(app.get_with_auth("/api/metrics", None).status, 401);
    assert_eq!(
        app.get_with_auth("/api/metrics", Some("Bearer wrong"))
            .status,
        401
    );
}
