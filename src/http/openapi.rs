//! `/openapi.json`: the webhook contracts of `nudge-billing` and the operator API (bearer
//! auth) this worker serves, as one static document (`openapi.json` beside this file).
//!
//! Text rather than a document built with `json!` at request time: the builder was ≈ 27 KB of
//! wasm code for what is data (issue 12). The tests keep it true: every route of
//! `http/api/mod.rs` is documented, and the webhook part is `nudge-billing`'s own contract.

use serde_json::Value;

/// The document's text.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub fn openapi() -> Value {
    serde_json::from_str(OPENAPI_JSON).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Does the concrete `path` match the template (`/api/accounts/{id}`)?
    fn matches(template: &str, path: &str) -> bool {
        let (t, p): (Vec<&str>, Vec<&str>) =
            (template.split('/').collect(), path.split('/').collect());
        t.len() == p.len()
            && t.iter()
                .zip(&p)
                .all(|(t, p)| (t.starts_with('{') && t.ends_with('}')) || t == p)
    }

    #[test]
    fn every_operator_route_is_documented_and_the_document_is_written_for_the_validator() {
        let doc = openapi();
        let paths = doc["paths"].as_object().expect("paths");
        // One probe per route of `http/api/mod.rs` (test-only routes excepted).
        let probes = [
            ("get", "/api/accounts"),
            ("get", "/api/accounts/x"),
            ("put", "/api/accounts/x/policy"),
            ("post", "/api/accounts/x/promises"),
            ("post", "/api/accounts/x/disputes/d/resolve"),
            ("post", "/api/accounts/x/pause"),
            ("post", "/api/accounts/x/resume"),
            ("post", "/api/accounts/x/invoices/i/pause"),
            ("post", "/api/accounts/x/invoices/i/resume"),
            ("post", "/api/accounts/x/notes"),
            ("put", "/api/accounts/x/owner"),
            ("post", "/api/accounts/x/contacts"),
            ("post", "/api/accounts/x/contacts/e/deactivate"),
            ("post", "/api/accounts/x/chase"),
            ("get", "/api/accounts/x/preview"),
            ("get", "/api/accounts/x/timeline"),
            ("get", "/api/unapplied"),
            ("post", "/api/unapplied/p/apply"),
            ("post", "/api/import"),
            ("get", "/api/inbound"),
            ("get", "/api/inbound/m"),
            ("post", "/api/classify"),
            ("post", "/api/sweep"),
            ("get", "/api/sweeps"),
            ("get", "/api/sweeps/accounts/x"),
            ("get", "/api/clock"),
            ("post", "/api/clock"),
            ("get", "/api/approvals"),
            ("get", "/api/approvals/a"),
            ("post", "/api/approvals/a/approve"),
            ("post", "/api/approvals/a/reject"),
            ("get", "/api/tasks"),
            ("post", "/api/tasks/t/done"),
            ("get", "/api/outbound"),
            ("get", "/api/templates"),
            ("put", "/api/templates/en/f"),
            ("delete", "/api/templates/en/f"),
            ("get", "/api/metrics"),
            ("get", "/api/preview"),
            ("get", "/api/worklist"),
            ("get", "/api/policy"),
            ("put", "/api/policy"),
            ("get", "/api/shadow"),
            ("put", "/api/shadow"),
            ("post", "/webhooks/stripe"),
            ("post", "/webhooks/erp"),
        ];
        for (method, path) in probes {
            let documented = paths
                .iter()
                .any(|(t, ops)| matches(t, path) && ops.get(method).is_some());
            assert!(documented, "{method} {path} is not in /openapi.json");
        }
        // The webhook contracts are nudge-billing's, unchanged.
        let billing: Value = serde_json::from_str(nudge_billing::OPENAPI_JSON).expect("billing");
        for (path, ops) in billing["paths"].as_object().expect("billing paths") {
            assert_eq!(
                &paths[path], ops,
                "{path} differs from nudge-billing/openapi.json"
            );
        }
        let schemas = &doc["components"]["schemas"];
        for (name, schema) in billing["components"]["schemas"]
            .as_object()
            .expect("schemas")
        {
            assert_eq!(
                &schemas[name], schema,
                "schema {name} differs from nudge-billing's"
            );
        }
        // The test command validates this file with a real OpenAPI validator.
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/openapi.json");
        std::fs::write(&out, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    }
}
