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
