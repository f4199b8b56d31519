use serde_json::json;

use crate::helpers::{spawn_app, ADMIN_TOKEN};

#[test]
fn the_admin_api_needs_the_exact_bearer_token() {
    let app = spawn_app();
    for auth in [
        None,
        Some("Bearer wrong"),
        Some("Bearer "),
        Some(ADMIN_TOKEN),
        Some("Basic abc"),
    ] {
        let r = app.get_with_auth("/api/sweeps", auth);
        assert_eq!(r.status, 401, "auth {auth:?}: {}", r.text);
        assert!(
            r.json["error"].is_string(),
            "401 body must be JSON: {}",
            r.text
        );
    }
    let ok = app.get_with_auth("/api/sweeps", Some(&format!("Bearer {ADMIN_TOKEN}")));
    assert_eq!(ok.status, 200, "{}", ok.text);
    // Unknown API routes are 401 before authentication, 404 after: no route probing without a token.
    assert_eq!(app.get_with_auth("/api/nope", None).status, 401);
    assert_eq!(app.api_get("/api/nope").status, 404);
}

/// `/api/...` paths to probe: every path of `/openapi.json` (parameters filled in), the
/// test-only routes, and paths no route has.
fn api_paths(app: &crate::helpers::TestApp) -> Vec<String> {
    let doc = app.get("/openapi.json");
    assert_eq!(doc.status, 200, "{}", doc.text);
    let mut paths: Vec<String> = doc.json["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .filter(|p| p.starts_with("/api/"))
        .map(|p| {
            p.split('/')
                .map(|s| if s.starts_with('{') { "erp%3AC-1" } else { s })
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    assert!(
        paths.len() >= 40,
        "only {} documented API paths",
        paths.len()
    );
    paths.extend(
        [
            "/api/sweeps/seed",
            "/api/test/book/erp%3AC-1",
            "/api/nope",
            "/api",
            "/api/",
        ]
        .map(String::from),
    );
    paths
}

#[test]
fn every_api_route_and_method_refuses_a_missing_or_wrong_token_before_anything_else() {
    let app = spawn_app();
    // Something to find, so that a leak would show: an account with a contact.
    let seeded = app.post_erp(
        &json!({"id": "e1", "type": "customer.upsert", "occurred_at": "2026-11-01T10:00:00Z",
                "customer": {"id": "C-1", "name": "Secret Customer GmbH"}})
        .to_string(),
        crate::helpers::unix_now(),
    );
    assert_eq!(seeded.status, 200, "{}", seeded.text);
    let wrong = [
        vec![],
        vec![("Authorization", "Bearer wrong-token")],
        vec![("Authorization", "Bearer ")],
        vec![("Authorization", ADMIN_TOKEN)],
        vec![("Authorization", "Basic dGVzdC1hZG1pbi10b2tlbg==")],
        vec![("Authorization", "Bearer test-admin-token-and-more")],
        vec![("Authorization", "Bearer test-admin-toke")],
        // A dashboard session cookie never opens the API.
        vec![("Cookie", "nudge_session=v1.99999999999.00")],
    ];
    let mut probes = 0;
    for path in api_paths(&app) {
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            for headers in &wrong {
                let mut h = headers.clone();
                h.push(("Content-Type", "application/json"));
                let body = (method != "GET" && method != "DELETE").then_some(&b"{}"[..]);
                let r = app.request(method, &path, &h, body);
                probes += 1;
                assert_eq!(
                    r.status, 401,
                    "{method} {path} with {headers:?}: {}",
                    r.text
                );
                let keys: Vec<&String> = r
                    .json
                    .as_object()
                    .map(|o| o.keys().collect())
                    .unwrap_or_default();
                assert_eq!(
                    keys,
                    ["error"],
                    "{method} {path}: the 401 carries only an error: {}",
                    r.text
                );
                assert!(
                    !r.text.contains("Secret Customer"),
                    "{method} {path} leaked: {}",
                    r.text
                );
            }
        }
    }
    assert!(probes > 1_500, "{probes} probes");
    // Nothing was changed by any of them: the account is still the one the ERP sent, alone.
    let list = app.api_get("/api/accounts");
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(
        list.json["accounts"].as_array().map(Vec::len),
        Some(1),
        "{}",
        list.text
    );
    assert_eq!(
        app.api_get("/api/sweeps").json["sweeps"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
}

#[test]
fn every_dashboard_page_and_action_redirects_to_the_login_without_a_valid_session() {
    let app = spawn_app();
    let now = crate::helpers::unix_now();
    // Sessions that must not work: none, garbage, a forged expiry, one signed with another key,
    // an expired one (signed correctly).
    let sign = |key: &str, expires: i64| {
        format!(
            "nudge_session=v1.{expires}.{}",
            crate::helpers::hmac_hex(key, &format!("session:{expires}"))
        )
    };
    let cookies = [
        None,
        Some("nudge_session=garbage".to_string()),
        Some(format!("nudge_session=v1.{}.deadbeef", now + 3600)),
        Some(sign("not-the-admin-token", now + 3600)),
        Some(sign(ADMIN_TOKEN, now - 10)),
        Some(format!("Authorization=Bearer {ADMIN_TOKEN}")),
    ];
    let pages = [
        "/dashboard",
        "/dashboard/",
        "/dashboard/accounts",
        "/dashboard/accounts?q=Secret",
        "/dashboard/accounts/erp%3AC-1",
        "/dashboard/approvals",
        "/dashboard/unapplied",
        "/dashboard/disputes",
        "/dashboard/nope",
    ];
    let actions = [
        "/dashboard/approvals/ap_1/approve",
        "/dashboard/approvals/ap_1/reject",
        "/dashboard/accounts/erp%3AC-1/disputes/d_1/resolve",
        "/dashboard/unapplied/erp%3AP-1/apply",
        "/dashboard/logout",
    ];
    for cookie in &cookies {
        let mut headers = vec![];
        if let Some(c) = cookie {
            headers.push(("Cookie", c.as_str()));
        }
        // The bearer token does not open the dashboard either: it needs the session.
        let with_bearer = format!("Bearer {ADMIN_TOKEN}");
        headers.push(("Authorization", with_bearer.as_str()));
        for page in pages {
            let r = app.request("GET", page, &headers, None);
            assert_eq!(r.status, 303, "GET {page} with {cookie:?}: {}", r.text);
            assert_eq!(r.header("location"), Some("/dashboard/login"), "GET {page}");
            assert!(r.header("set-cookie").is_none(), "GET {page} set a cookie");
            assert!(r.text.is_empty(), "GET {page} has a body: {}", r.text);
        }
        for action in actions {
            let mut h = headers.clone();
            h.push(("Content-Type", "application/x-www-form-urlencoded"));
            let r = app.request(
                "POST",
                action,
                &h,
                Some(b"csrf=x&outcome=credited&note=n&invoice_id=i&amount=1"),
            );
            assert_eq!(r.status, 303, "POST {action} with {cookie:?}: {}", r.text);
            assert_eq!(
                r.header("location"),
                Some("/dashboard/login"),
                "POST {action}"
            );
        }
    }
    // A wrong token at the login form: 401, no cookie.
    let r = app.request(
        "POST",
        "/dashboard/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(b"token=wrong"),
    );
    assert_eq!(r.status, 401, "{}", r.text);
    assert!(r.header("set-cookie").is_none());
    // The stylesheet is the one thing served without a session.
    assert_eq!(
        app.request("GET", "/dashboard/style.css", &[], None).status,
        200
    );
}

#[test]
fn no_secret_reaches_the_logs() {
    let app = spawn_app();
    let bearer = format!("Bearer {ADMIN_TOKEN}");
    // Right and wrong tokens, a login, signed and badly signed webhooks.
    app.get_with_auth("/api/sweeps", Some(&bearer));
    app.get_with_auth("/api/sweeps", Some("Bearer wrong-token-xyz"));
    let login = app.request(
        "POST",
        "/dashboard/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        Some(format!("token={ADMIN_TOKEN}").as_bytes()),
    );
    assert_eq!(login.status, 303, "{}", login.text);
    let session = login
        .header("set-cookie")
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let page = app.request("GET", "/dashboard", &[("Cookie", &session)], None);
    assert_eq!(page.status, 200, "{}", page.text);
    let body = r#"{"id":"evt_1","type":"customer.created","created":1}"#;
    app.post_stripe(body, crate::helpers::unix_now());
    app.post_stripe(body, 1);
    app.post_erp("[]", crate::helpers::unix_now());
    app.post_raw(
        "/webhooks/erp",
        &[
            ("X-Nudge-Timestamp", "1"),
            ("X-Nudge-Signature", "sha256=00"),
        ],
        b"{}",
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let logs = app.logs();
    // wrangler prints its own bindings table (with --var values) before the worker runs; what
    // the worker logs comes after "Ready on".
    let start = logs
        .iter()
        .position(|l| l.contains("Ready on"))
        .unwrap_or(0);
    let worker_lines = &logs[start..];
    assert!(
        worker_lines
            .iter()
            .any(|l| l.contains("webhook.signature_refused")),
        "the worker's own lines are there: {worker_lines:?}"
    );
    let session_value = session.trim_start_matches("nudge_session=");
    for secret in [
        ADMIN_TOKEN,
        crate::helpers::STRIPE_SECRET,
        crate::helpers::ERP_SECRET,
        session_value,
        "wrong-token-xyz",
    ] {
        for line in worker_lines {
            assert!(!line.contains(secret), "`{secret}` logged: {line}");
        }
    }
}
