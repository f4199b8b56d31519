use crate::helpers::spawn_app;

#[test]
fn healthz_reports_version_bindings_schema_and_secrets() {
    let app = spawn_app();
    let r = app.get("/healthz");
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json["status"], "ok");
    assert_eq!(r.json["version"], env!("CARGO_PKG_VERSION"));
    for binding in ["DB", "ACCOUNT", "EMAIL"] {
        assert_eq!(
            r.json["bindings"][binding], true,
            "binding {binding}: {}",
            r.text
        );
    }
    assert!(
        r.json["schema_version"].as_i64().unwrap_or(0) >= 1,
        "{}",
        r.text
    );
    assert_eq!(r.json["secrets"]["ADMIN_TOKEN"], true);
    assert_eq!(r.json["config"]["test_clocks"], true);
    // Secrets are reported as present, never echoed.
    assert!(!r.text.contains(crate::helpers::ADMIN_TOKEN));
}

#[test]
fn unknown_routes_are_json_404s() {
    let app = spawn_app();
    let r = app.get("/no/such/thing");
    assert_eq!(r.status, 404);
    assert!(
        r.json["error"]
            .as_str()
            .unwrap_or("")
            .contains("/no/such/thing"),
        "{}",
        r.text
    );
}
