//! `/openapi.json`: the webhook contracts from `nudge-billing`, extended with the ledger admin
//! API (bearer auth) this worker serves.

use serde_json::{json, Value};

/// The OpenAPI 3.1 document served at `/openapi.json`.
pub fn openapi() -> Value {
    let mut doc: Value =
        serde_json::from_str(nudge_billing::OPENAPI_JSON).unwrap_or_else(|_| json!({}));
    let bearer = json!([{"adminToken": []}]);
    let error = json!({"$ref": "#/components/schemas/AdminError"});
    let validation = json!({"$ref": "#/components/schemas/AdminValidationError"});
    let resp = |desc: &str| json!({"description": desc, "content": {"application/json": {"schema": {"type": "object"}}}});
    let err = |desc: &str, schema: &Value| json!({"description": desc, "content": {"application/json": {"schema": schema}}});
    let paths = json!({
        "/api/accounts": {"get": {
            "summary": "Search accounts by name, external id (stripe:/erp: or bare) or contact email",
            "security": bearer,
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "substring of name or id, exact external id, or contact email substring"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}}
            ],
            "responses": {"200": resp("`{accounts: [{id, name, stripe_id, erp_id, deleted, dunning_enabled, stage, next_action_at, open_invoices}], limit, offset, next_offset}`"),
                          "401": err("missing or wrong bearer token", &error)}
        }},
        "/api/accounts/{id}": {"get": {
            "summary": "One account: contacts, invoices, payments, balances per currency, aging, credit balance, promises, disputes, unapplied payments, recent ledger events and the current policy decision with its reasons",
            "security": bearer,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "account id, e.g. `erp:C-100` (URL-encode the colon or not)"}],
            "responses": {"200": resp("the account"), "404": err("unknown account", &error), "401": err("unauthorized", &error)}
        }},
        "/api/unapplied": {"get": {
            "summary": "Payments waiting for a person (not confidently matched), with suggested allocations",
            "security": bearer,
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}}],
            "responses": {"200": resp("`{payments: [{id, account_id, amount, currency, received_on, reference, unapplied, status, reason, suggestions}]}`")}
        }},
        "/api/unapplied/{id}/apply": {"post": {
            "summary": "Apply a queued payment to invoices by hand",
            "security": bearer,
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "payment id, e.g. `erp:P-1`"}],
            "requestBody": {"required": true, "content": {"application/json": {"schema": {
                "type": "object", "required": ["allocations"],
                "properties": {
                    "allocations": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["invoice_id", "amount"],
                        "properties": {"invoice_id": {"type": "string"}, "amount": {"type": "string", "pattern": "^[0-9]+(\\.[0-9]+)?$"}}}},
                    "operator": {"type": "string", "description": "who applied it (event-log cause)"}
                }}}}},
            "responses": {"200": resp("`{ok: true, payment, unapplied, invoices: {id: {status, open_amount}}}`"),
                          "404": err("unknown payment", &error),
                          "422": err("invalid allocations, one entry per field (`allocations[0].amount`); nothing applied", &validation)}
        }},
        "/api/import": {"post": {
            "summary": "Initial load of an AR ledger from CSV (aging export or record layout) or NDJSON; ≥10,000 invoices per request",
            "security": bearer,
            "parameters": [{"name": "format", "in": "query", "schema": {"type": "string", "enum": ["csv", "ndjson"]}, "description": "default: from Content-Type (text/csv, application/x-ndjson), else sniffed"}],
            "requestBody": {"required": true, "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
            "responses": {"200": resp("`{summary: {rows, accounts, contacts, invoices, rejected_rows}, written: {new_accounts, existing_accounts, statements, batches}, errors: [{line, field, message}]}`"),
                          "400": err("empty or unreadable body", &error)}
        }}
    });
    if let (Some(target), Some(extra)) = (
        doc.get_mut("paths").and_then(Value::as_object_mut),
        paths.as_object(),
    ) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
        // Every other operator route, from one table: summary, parameters, body and the errors
        // each can answer with.
        for (method, path, summary, body) in ROUTES {
            let params: Vec<Value> = path
                .split('/')
                .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
                .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
                .collect();
            let mut op = json!({
                "summary": summary,
                "security": bearer,
                "parameters": params,
                "responses": {
                    "200": resp("the result (JSON)"),
                    "401": err("missing or wrong bearer token", &error),
                    "404": err("unknown resource", &error),
                    "422": err("invalid input, one entry per bad field; nothing changed", &validation),
                }
            });
            if *body {
                op["requestBody"] = json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}});
            }
            if *body || *method != "get" {
                op["responses"]["413"] = err(
                    "the body is over its size limit: `{error: payload_too_large, limit, max_bytes}`; nothing changed",
                    &error,
                );
            }
            let entry = target.entry(path.to_string()).or_insert_with(|| json!({}));
            if let Some(ops) = entry.as_object_mut() {
                ops.insert(method.to_string(), op);
            }
        }
    }
    if let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) {
        components.insert(
            "securitySchemes".into(),
            json!({"adminToken": {"type": "http", "scheme": "bearer", "description": "ADMIN_TOKEN"}}),
        );
        if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
            schemas.insert(
                "AdminError".into(),
                json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}),
            );
            schemas.insert(
                "AdminValidationError".into(),
                json!({"type": "object", "required": ["error", "errors"], "properties": {
                    "error": {"const": "validation_failed"},
                    "errors": {"type": "array", "items": {"type": "object", "required": ["path", "message"],
                        "properties": {"path": {"type": "string"}, "field": {"type": "string"}, "message": {"type": "string"}}}}}}),
            );
        }
    }
    doc
}

/// `(method, path, summary, has a JSON body)` of the operator routes not described above.
pub const ROUTES: &[(&str, &str, &str, bool)] = &[
    ("put", "/api/accounts/{id}/policy", "Per-account overrides, shadow and dunning switches `{overrides?, shadow_mode?, dunning?}`", true),
    ("get", "/api/accounts/{id}/timeline", "Every event of the account, newest first: ledger changes, decisions with reasons, messages, approvals, tasks", false),
    ("get", "/api/accounts/{id}/preview", "What Nudge would do in the next `days` (0–90, default 14), with no side effects", false),
    ("post", "/api/accounts/{id}/promises", "Record a promise from a call `{promised_date, amount?, currency?, invoice_ids?, note?, by?}`", true),
    ("post", "/api/accounts/{id}/disputes/{dispute_id}/resolve", "Resolve a dispute `{outcome: credited|rejected|withdrawn, note?, by?}`", true),
    ("post", "/api/accounts/{id}/pause", "Stop all dunning of the account", true),
    ("post", "/api/accounts/{id}/resume", "Resume dunning of the account", true),
    ("post", "/api/accounts/{id}/invoices/{invoice_id}/pause", "Stop dunning one invoice", true),
    ("post", "/api/accounts/{id}/invoices/{invoice_id}/resume", "Resume dunning one invoice", true),
    ("post", "/api/accounts/{id}/notes", "Add a note `{text, by?}`", true),
    ("put", "/api/accounts/{id}/owner", "Set the strategic flag and owner `{strategic?, owner? (null clears)}`", true),
    ("post", "/api/accounts/{id}/contacts", "Add or change a contact `{email, name?, role?, preferred?}`", true),
    ("post", "/api/accounts/{id}/contacts/{email}/deactivate", "Stop writing to a contact", true),
    ("post", "/api/accounts/{id}/chase", "Evaluate now and act if the policy says so (inside the send window)", true),
    ("get", "/api/preview", "What Nudge would send in the next `days`, for the accounts due within them", false),
    ("get", "/api/worklist", "Accounts that need a person, ranked per currency by value at risk, with the reasons", false),
    ("get", "/api/metrics", "DSO, CEI, aging, exposure by stage, promise-kept rate, disputes, messages, unapplied cash per currency (`from`, `to`, `currency`)", false),
    ("get", "/api/policy", "The global escalation policy", false),
    ("put", "/api/policy", "Replace the global policy (validated; `null` restores the defaults)", true),
    ("get", "/api/shadow", "The global shadow-mode switch", false),
    ("put", "/api/shadow", "Set global shadow mode `{shadow_mode}`", true),
    ("get", "/api/inbound", "Recent inbound messages (`limit`, `status`, `account_id`)", false),
    ("get", "/api/inbound/{id}", "One inbound message with its parse, replies, tasks and approvals", false),
    ("post", "/api/classify", "Classify a raw RFC 5322 message (`now`, `locale`, `timezone`), no side effects", false),
    ("post", "/api/sweep", "Run a sweep now `{as_of? (test clocks only), account_id?, max_accounts?}`", true),
    ("get", "/api/sweeps", "Recent sweeps with their counts", false),
    ("get", "/api/sweeps/accounts/{id}", "The account object's escalation state, last decision, timers and outbox", false),
    ("get", "/api/clock", "The application time and the test clock", false),
    ("post", "/api/clock", "Set or clear the test clock `{now}` (test clocks only)", true),
    ("get", "/api/approvals", "Drafts and final escalations waiting for a person (`status`, `account_id`)", false),
    ("get", "/api/approvals/{id}", "One approval, the draft as the customer will see it", false),
    ("post", "/api/approvals/{id}/approve", "Approve `{note?, by?}`: a draft is sent once; an escalation becomes a task", true),
    ("post", "/api/approvals/{id}/reject", "Reject `{note, by?}`", true),
    ("get", "/api/tasks", "Work for people (`status`, `account_id`)", false),
    ("post", "/api/tasks/{id}/done", "Mark a task done", false),
    ("get", "/api/outbound", "Messages sent or drafted and counts by status (`account_id`, `status`)", false),
    ("get", "/api/templates", "Built-in templates and the operator's overrides", false),
    ("put", "/api/templates/{locale}/{file}", "Override one template (minijinja source as the body; validated)", false),
    ("delete", "/api/templates/{locale}/{file}", "Remove an override", false),
];

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
        // The test command validates this file with a real OpenAPI validator.
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/openapi.json");
        std::fs::write(&out, serde_json::to_string_pretty(&doc).expect("json")).expect("write");
    }
}
