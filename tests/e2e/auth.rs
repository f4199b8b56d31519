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
