//! Operator template overrides: validated before they are stored, then used for reminders.

use serde_json::json;

use crate::helpers::spawn_app;
use crate::sweep_fixtures::*;

const MARKER: &str = "OVERRIDE-MARKER-7731";

#[test]
fn an_operator_override_is_validated_and_used_for_the_next_reminder() {
    let app = spawn_app();

    // A template that does not parse is refused with its name, and nothing is stored.
    let bad = app.api_put_text(
        "/api/templates/en/reminder.txt.j2",
        "Dear {{ customer_name ",
    );
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        bad.json["errors"][0]["path"], "en/reminder.txt.j2",
        "{}",
        bad.text
    );
    let listed = app.api_get("/api/templates");
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed.json["overrides"], json!({}), "{}", listed.text);
    assert!(listed.json["builtin"]
        .as_array()
        .is_some_and(|names| names.iter().any(|n| n == "en/reminder.txt.j2")));

    // A valid override is stored …
    let good = app.api_put_text(
        "/api/templates/en/reminder.txt.j2",
        &format!("Hello from the collections desk. {MARKER}\n"),
    );
    assert_eq!(good.status, 200, "{}", good.text);
    assert_eq!(
        app.api_get("/api/templates").json["overrides"]["en/reminder.txt.j2"],
        format!("Hello from the collections desk. {MARKER}\n")
    );

    // … and the next reminder's text part is rendered from it (the HTML part stays built-in).
    seed(
        &app,
        vec![json!({"book": book(
            account("erp:C-T1", "Templated Ltd", "Europe/London"),
            vec![contact("ap@templated.example", "Tess")],
            vec![invoice("erp:I-T1", "INV-T1", "2026-02-02", "250.00")],
        )})],
    );
    sweep(&app, "2026-02-10T10:00:00Z");
    let emails = app.eventually("the reminder", || {
        let e = emails_to(&app, "ap@templated.example");
        (!e.is_empty()).then_some(e)
    });
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains(MARKER), "{}", emails[0]);

    // Removing it restores the built-in template; removing it twice is a 404.
    assert_eq!(
        app.api_delete("/api/templates/en/reminder.txt.j2").status,
        200
    );
    assert_eq!(
        app.api_delete("/api/templates/en/reminder.txt.j2").status,
        404
    );
    assert_eq!(app.api_get("/api/templates").json["overrides"], json!({}));
}
