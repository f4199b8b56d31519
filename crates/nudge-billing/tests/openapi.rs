//! The OpenAPI document and the code agree: it parses, its examples are accepted by
//! `erp::parse_batch`, and it lists exactly the handled Stripe and ERP event types.

use nudge_billing::{erp, stripe, OPENAPI_JSON};
use serde_json::Value;

fn doc() -> Value {
    serde_json::from_str(OPENAPI_JSON).unwrap()
}

#[test]
fn document_is_openapi_3_1_with_both_webhooks() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    assert!(d["paths"]["/webhooks/erp"]["post"].is_object());
    assert!(d["paths"]["/webhooks/stripe"]["post"].is_object());
    let params = d["paths"]["/webhooks/erp"]["post"]["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = params.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["X-Nudge-Timestamp", "X-Nudge-Signature"]);
    assert!(d["paths"]["/webhooks/erp"]["post"]["responses"]["422"].is_object());
}

#[test]
fn every_request_example_is_accepted_by_the_parser() {
    let d = doc();
    let examples = d["paths"]["/webhooks/erp"]["post"]["requestBody"]["content"]
        ["application/json"]["examples"]
        .as_object()
        .unwrap();
    assert!(examples.len() >= 6);
    for (name, ex) in examples {
        let body = ex["value"].to_string();
        let events = erp::parse_batch(body.as_bytes())
            .unwrap_or_else(|e| panic!("example {name} rejected: {e:?}"));
        assert!(!events.is_empty());
    }
}

#[test]
fn every_discriminated_erp_type_is_one_the_parser_knows() {
    let d = doc();
    let mapping = d["components"]["schemas"]["ErpEvent"]["discriminator"]["mapping"]
        .as_object()
        .unwrap();
    assert_eq!(mapping.len(), 6);
    let d_examples = &d["paths"]["/webhooks/erp"]["post"]["requestBody"]["content"]
        ["application/json"]["examples"];
    let mut seen = std::collections::BTreeSet::new();
    for ex in d_examples.as_object().unwrap().values() {
        for e in erp::parse_batch(ex["value"].to_string().as_bytes()).unwrap() {
            seen.insert(e.event_type());
        }
    }
    let documented: std::collections::BTreeSet<&str> = mapping.keys().map(String::as_str).collect();
    assert_eq!(seen, documented);
}

#[test]
fn stripe_description_lists_exactly_the_handled_types() {
    let d = doc();
    let text = d["paths"]["/webhooks/stripe"]["post"]["description"]
        .as_str()
        .unwrap();
    for t in stripe::handled_types() {
        assert!(text.contains(t), "{t} undocumented");
    }
}
